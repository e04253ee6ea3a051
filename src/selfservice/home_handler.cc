// GET / — the Network's home page.
#include "selfservice/routes.h"

namespace portico::selfservice {

void RegisterHomeRoutes(http::Router& router, SelfServiceWeb& web) {
  router.Get("/", [&web](const http::Request& request) {
    auto ctx = web.Begin(request);
    if (!ctx.ok()) return web.Failure(PageContext{}, ctx.status(), "home");
    return web.Page(*ctx, "home", "Home", ui::Data());
  });
}

}  // namespace portico::selfservice
