// GET/POST /signup — create an account (MISSION N4–N6).
#include "http/form.h"
#include "selfservice/routes.h"

namespace portico::selfservice {
namespace {

ui::Data SignUpData(SelfServiceWeb& web, std::string_view return_to) {
  ui::Data data;
  data.set("return_to", std::string(return_to));
  data.set("return_query", ReturnQuery(return_to));
  data.set("min_length", std::to_string(web.accounts().password_policy().min_length()));
  return data;
}

http::Response ShowForm(SelfServiceWeb& web, const http::Request& request) {
  auto ctx = web.Begin(request);
  if (!ctx.ok()) return web.Failure(PageContext{}, ctx.status(), "signup");
  auto query = http::FormData::Parse(request.query).value_or(http::FormData());
  std::string return_to = SafeReturnTo(query.GetOr("return_to"));
  if (ctx->signed_in()) return web.Redirect(*ctx, return_to);
  http::Response page = web.Page(*ctx, "signup", "Create account", SignUpData(web, return_to));
  SelfServiceWeb::AllowFormTarget(page, web.ReturnOrigin(return_to));
  return page;
}

http::Response Submit(SelfServiceWeb& web, const http::Request& request) {
  auto ctx = web.Begin(request);
  if (!ctx.ok()) return web.Failure(PageContext{}, ctx.status(), "signup");
  http::Response error;
  auto form = web.ReadForm(request, *ctx, &error);
  if (!form) return error;
  std::string return_to = SafeReturnTo(form->GetOr("return_to"));

  identity::SignUpRequest sign_up;
  sign_up.given_name = std::string(form->GetOr("given_name"));
  sign_up.family_name = std::string(form->GetOr("family_name"));
  sign_up.email = std::string(form->GetOr("email"));
  sign_up.password = std::string(form->GetOr("password"));
  identity::Field field = identity::Field::kNone;
  auto created = web.accounts().SignUp(sign_up, ctx->client, /*remember=*/false, &field);
  if (created.ok()) return web.RedirectWithSession(return_to, *created);

  ui::Data data = SignUpData(web, return_to);
  data.set("given_name", sign_up.given_name);
  data.set("family_name", sign_up.family_name);
  data.set("email", sign_up.email);
  switch (created.status().code()) {
    case StatusCode::kInvalidArgument:
      data.set("error", created.status().message());
      if (field == identity::Field::kName) data.set("error_name", true);
      if (field == identity::Field::kEmail) data.set("error_email", true);
      if (field == identity::Field::kPassword) data.set("error_password", true);
      {
        http::Response page = web.Page(*ctx, "signup", "Create account", data, 400);
        SelfServiceWeb::AllowFormTarget(page, web.ReturnOrigin(return_to));
        return page;
      }
    case StatusCode::kAlreadyExists:
      // MISSION N6: never confirm on screen that an address is registered. The owner of the
      // address learns it by mail once the courier exists; the visitor is offered sign-in.
      data.set("error",
               "We could not create an account with these details. If you already have an account, "
               "sign in "
               "instead; otherwise check the e-mail address.");
      data.set("error_email", true);
      return web.Page(*ctx, "signup", "Create account", data, 400);
    default:
      return web.Failure(*ctx, created.status(), "signup");
  }
}

}  // namespace

void RegisterSignUpRoutes(http::Router& router, SelfServiceWeb& web) {
  router.Get("/signup", [&web](const http::Request& r) { return ShowForm(web, r); });
  router.Post("/signup", [&web](const http::Request& r) { return Submit(web, r); });
}

}  // namespace portico::selfservice
