// GET / — the Network's home page.
#include "selfservice/routes.h"

namespace portico::selfservice {

void RegisterHomeRoutes(http::Router& router, SelfServiceWeb& web) {
  router.Get("/", [&web](const http::Request& request) {
    auto ctx = web.Begin(request);
    if (!ctx.ok()) return web.Failure(PageContext{}, ctx.status(), "home");
    ui::Data data;
    if (SitesView* sites = web.sites()) {
      auto directory = sites->Directory();
      if (!directory.ok()) return web.Failure(*ctx, directory.status(), "home");
      ui::Data list = ui::List();
      for (const auto& site : *directory) {
        ui::Data d;
        d.set("name", site.name);
        d.set("home_uri", site.home_uri);
        d.set("logo_uri", site.logo_uri);
        list.push_back(d);
      }
      data.set("has_sites", !directory->empty());
      data.set("sites", list);
    }
    return web.Page(*ctx, "home", "Home", data);
  });
}

}  // namespace portico::selfservice
