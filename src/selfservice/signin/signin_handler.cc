// GET/POST /signin and POST /signout (MISSION N5, N6, N8).
#include "http/form.h"
#include "selfservice/routes.h"

namespace portico::selfservice {
namespace {

// One sentence for unknown address, wrong password and locked account (MISSION N6).
constexpr char kSignInFailed[] =
    "That e-mail address and password don't match an account we can sign in. Check them and try "
    "again; "
    "remember that passwords are case-sensitive.";

ui::Data SignInData(std::string_view return_to) {
  ui::Data data;
  data.set("return_to", std::string(return_to));
  data.set("return_query", ReturnQuery(return_to));
  return data;
}

http::Response ShowForm(SelfServiceWeb& web, const http::Request& request) {
  auto ctx = web.Begin(request);
  if (!ctx.ok()) return web.Failure(PageContext{}, ctx.status(), "signin");
  auto query = http::FormData::Parse(request.query).value_or(http::FormData());
  std::string return_to = SafeReturnTo(query.GetOr("return_to"));
  // reauth=1: a site asked for a fresh sign-in (prompt=login, max_age), so show the form even
  // to a signed-in person.
  if (ctx->signed_in() && query.GetOr("reauth") != "1") return web.Redirect(*ctx, return_to);
  ui::Data data = SignInData(return_to);
  if (auto hint = query.Get("login_hint"); hint && hint->size() <= 254)
    data.set("email", std::string(*hint));
  http::Response page = web.Page(*ctx, "signin", "Sign in", data);
  SelfServiceWeb::AllowFormTarget(page, web.ReturnOrigin(return_to));
  return page;
}

http::Response Submit(SelfServiceWeb& web, const http::Request& request) {
  auto ctx = web.Begin(request);
  if (!ctx.ok()) return web.Failure(PageContext{}, ctx.status(), "signin");
  http::Response error;
  auto form = web.ReadForm(request, *ctx, &error);
  if (!form) return error;
  std::string return_to = SafeReturnTo(form->GetOr("return_to"));
  std::string email(form->GetOr("email"));
  bool remember = !form->GetOr("remember").empty();
  auto session = web.accounts().SignIn(email, form->GetOr("password"), remember, ctx->client);
  if (session.ok()) {
    // A new session id at every sign-in; the old session of this browser, if any, ends.
    // The sites that session signed in to are told (back-channel logout).
    if (ctx->signed_in()) (void)web.EndSession(ctx->session_token, ctx->active->session);
    return web.RedirectWithSession(return_to, *session);
  }
  ui::Data data = SignInData(return_to);
  data.set("email", email);
  switch (session.status().code()) {
    case StatusCode::kInvalidArgument:
      data.set("error", session.status().message());
      return web.Page(*ctx, "signin", "Sign in", data, 400);
    case StatusCode::kUnauthenticated: {
      data.set("error", kSignInFailed);
      http::Response page = web.Page(*ctx, "signin", "Sign in", data, 401);
      SelfServiceWeb::AllowFormTarget(page, web.ReturnOrigin(return_to));
      return page;
    }
    default:
      return web.Failure(*ctx, session.status(), "signin");
  }
}

http::Response SignOut(SelfServiceWeb& web, const http::Request& request) {
  auto ctx = web.Begin(request);
  if (!ctx.ok()) return web.Failure(PageContext{}, ctx.status(), "signout");
  if (!ctx->signed_in()) return web.RedirectWithSession("/", std::nullopt);
  http::Response error;
  if (!web.ReadForm(request, *ctx, &error)) return error;
  Status s = web.EndSession(ctx->session_token, ctx->active->session);
  // SECURITY.md promise 7: never report a sign-out that was not written.
  if (!s.ok()) return web.Failure(*ctx, s, "signout");
  return web.RedirectWithSession("/", std::nullopt);
}

}  // namespace

void RegisterSignInRoutes(http::Router& router, SelfServiceWeb& web) {
  router.Get("/signin", [&web](const http::Request& r) { return ShowForm(web, r); });
  router.Post("/signin", [&web](const http::Request& r) { return Submit(web, r); });
  router.Post("/signout", [&web](const http::Request& r) { return SignOut(web, r); });
}

}  // namespace portico::selfservice
