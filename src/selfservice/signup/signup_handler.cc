// Sign-up with a verified address (MISSION N2, N4–N6):
//   GET/POST /signup           the form; a valid form always leads to "check your mail"
//   GET  /signup/confirm       "check your mail" with a code field (flow cookie), or — with
//                              ?token= from the mailed link — a button that finishes sign-up
//   POST /signup/confirm       a code (flow cookie) or a link token: creates the account
//   POST /signup/resend        a new code and link for the flow
// A registered address gets the same pages and statuses; its owner gets a notice by mail.
#include "http/cookie.h"
#include "http/form.h"
#include "selfservice/routes.h"

namespace portico::selfservice {
namespace {

constexpr char kCodeGone[] =
    "This sign-up has ended: the code was used, expired, or was mistyped too often. Start again "
    "to get a new code.";
constexpr char kAddressTaken[] =
    "An account with this address exists already, so none was created. Sign in instead, or "
    "choose a new password if you forgot it.";

ui::Data SignUpData(SelfServiceWeb& web, std::string_view return_to) {
  ui::Data data;
  data.set("return_to", std::string(return_to));
  data.set("return_query", ReturnQuery(return_to));
  data.set("min_length", std::to_string(web.accounts().password_policy().min_length()));
  return data;
}

std::string FlowToken(const http::Request& request) {
  return http::FindCookie(request.Header("cookie").value_or(""), kSignUpFlowCookie).value_or("");
}

http::Response ShowForm(SelfServiceWeb& web, const http::Request& request) {
  auto ctx = web.Begin(request);
  if (!ctx.ok()) return web.Failure(PageContext{}, ctx.status(), "signup");
  auto query = http::FormData::Parse(request.query).value_or(http::FormData());
  std::string return_to = SafeReturnTo(query.GetOr("return_to"));
  if (ctx->signed_in()) return web.Redirect(*ctx, return_to);
  ui::Data data = SignUpData(web, return_to);
  // A site's login_hint (OpenID Connect Core §3.1.2.1) prefills the address, e.g. the address
  // an invitation was sent to; the person may still change it.
  if (auto hint = query.Get("login_hint"); hint && !hint->empty() && hint->size() <= 254)
    data.set("email", std::string(*hint));
  http::Response page = web.Page(*ctx, "signup", "Create account", data);
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
  auto pending = web.email().BeginSignUp(sign_up, return_to, &field);
  if (pending.ok()) {
    // Registered or not, the answer is this redirect and the same cookie (MISSION N6).
    http::Response r = web.Redirect(*ctx, "/signup/confirm");
    r.AddHeader("Set-Cookie", http::FormatSetCookie({kSignUpFlowCookie, pending->flow_token,
                                                     int64_t{24 * 3600}, true, "Lax"}));
    return r;
  }
  if (pending.status().code() != StatusCode::kInvalidArgument)
    return web.Failure(*ctx, pending.status(), "signup");
  ui::Data data = SignUpData(web, return_to);
  data.set("given_name", sign_up.given_name);
  data.set("family_name", sign_up.family_name);
  data.set("email", sign_up.email);
  data.set("error", pending.status().message());
  if (field == identity::Field::kName) data.set("error_name", true);
  if (field == identity::Field::kEmail) data.set("error_email", true);
  if (field == identity::Field::kPassword) data.set("error_password", true);
  http::Response page = web.Page(*ctx, "signup", "Create account", data, 400);
  SelfServiceWeb::AllowFormTarget(page, web.ReturnOrigin(return_to));
  return page;
}

// The "check your mail" page of the browser's flow.
http::Response ShowCheckMail(SelfServiceWeb& web, const PageContext& ctx,
                             const http::Request& request, std::string_view notice,
                             std::string_view error, int status) {
  std::string flow_token = FlowToken(request);
  auto flow = web.email().SignUpOfFlow(flow_token);
  if (!flow.ok()) {
    if (flow.status().code() == StatusCode::kNotFound && !flow_token.empty())
      return web.ErrorPage(ctx, 410, "This sign-up has ended", kCodeGone, "/signup",
                           "Create an account");
    if (flow.status().code() == StatusCode::kNotFound) return web.Redirect(ctx, "/signup");
    return web.Failure(ctx, flow.status(), "signup_confirm");
  }
  ui::Data data;
  data.set("address", flow->address);
  if (!notice.empty()) data.set("notice", std::string(notice));
  if (!error.empty()) data.set("error", std::string(error));
  http::Response page = web.Page(ctx, "signup_confirm", "Check your mail", data, status);
  // The code's form ends, after redirects, at the site that sent the person to sign up.
  SelfServiceWeb::AllowFormTarget(
      page, web.ReturnOrigin(SafeReturnTo(identity::EmailService::ReturnToOf(*flow))));
  return page;
}

// Where a completed sign-up goes: signed in and on to where it started, or (a link opened in
// another browser) a page that says the account is ready.
http::Response Finish(SelfServiceWeb& web, const PageContext& ctx,
                      const identity::CompletedSignUp& done) {
  if (done.session) {
    http::Response r = web.RedirectWithSession(SafeReturnTo(done.return_to), *done.session);
    r.AddHeader("Set-Cookie", http::FormatDeleteCookie(kSignUpFlowCookie));
    return r;
  }
  ui::Data data;
  data.set("heading", "Your account is ready");
  data.set("message", "Your address is confirmed. Sign in to use your account.");
  data.set("link", "/signin");
  data.set("link_label", "Sign in");
  return web.Page(ctx, "message", "Your account is ready", data);
}

http::Response SubmitConfirm(SelfServiceWeb& web, const http::Request& request) {
  auto ctx = web.Begin(request);
  if (!ctx.ok()) return web.Failure(PageContext{}, ctx.status(), "signup_confirm");
  http::Response error;
  auto form = web.ReadForm(request, *ctx, &error);
  if (!form) return error;
  std::string link = std::string(form->GetOr("token"));
  StatusOr<identity::CompletedSignUp> done =
      link.empty()
          ? web.email().CompleteSignUpWithCode(FlowToken(request), form->GetOr("code"), ctx->client)
          : web.email().CompleteSignUpWithLink(link, FlowToken(request), ctx->client);
  if (done.ok()) return Finish(web, *ctx, *done);
  switch (done.status().code()) {
    case StatusCode::kInvalidArgument:
      return ShowCheckMail(web, *ctx, request, "", done.status().message(), 400);
    case StatusCode::kNotFound:
      return web.ErrorPage(*ctx, 410, "This sign-up has ended", kCodeGone, "/signup",
                           "Create an account");
    case StatusCode::kAlreadyExists:
      return web.ErrorPage(*ctx, 409, "You already have an account", kAddressTaken, "/signin",
                           "Sign in");
    default:
      return web.Failure(*ctx, done.status(), "signup_confirm");
  }
}

http::Response ShowConfirm(SelfServiceWeb& web, const http::Request& request) {
  auto ctx = web.Begin(request);
  if (!ctx.ok()) return web.Failure(PageContext{}, ctx.status(), "signup_confirm");
  auto query = http::FormData::Parse(request.query).value_or(http::FormData());
  std::string token(query.GetOr("token"));
  if (token.empty()) return ShowCheckMail(web, *ctx, request, "", "", 200);
  // A link only shows a button: mail scanners that open links must not spend them.
  auto view = web.email().InspectLink(token);
  if (!view.ok()) return web.Failure(*ctx, view.status(), "signup_confirm");
  if (view->state != identity::LinkState::kLive ||
      view->token.purpose != identity::TokenPurpose::kSignUp) {
    return web.ErrorPage(*ctx, 410, "This link has ended",
                         view->state == identity::LinkState::kExpired
                             ? "This link has expired. Start again to get a new one."
                             : "This link was already used, or it is not a sign-up link.",
                         "/signup", "Create an account");
  }
  ui::Data data;
  data.set("token", token);
  data.set("address", view->token.address);
  http::Response page = web.Page(*ctx, "signup_link", "Finish creating your account", data);
  SelfServiceWeb::AllowFormTarget(
      page, web.ReturnOrigin(SafeReturnTo(identity::EmailService::ReturnToOf(view->token))));
  return page;
}

http::Response Resend(SelfServiceWeb& web, const http::Request& request) {
  auto ctx = web.Begin(request);
  if (!ctx.ok()) return web.Failure(PageContext{}, ctx.status(), "signup_resend");
  http::Response error;
  auto form = web.ReadForm(request, *ctx, &error);
  if (!form) return error;
  Status s = web.email().ResendSignUp(FlowToken(request));
  if (s.code() == StatusCode::kNotFound)
    return web.ErrorPage(*ctx, 410, "This sign-up has ended", kCodeGone, "/signup",
                         "Create an account");
  if (!s.ok()) return web.Failure(*ctx, s, "signup_resend");
  return ShowCheckMail(web, *ctx, request,
                       "We sent a new message. Only the newest code and link work.", "", 200);
}

}  // namespace

void RegisterSignUpRoutes(http::Router& router, SelfServiceWeb& web) {
  router.Get("/signup", [&web](const http::Request& r) { return ShowForm(web, r); });
  router.Post("/signup", [&web](const http::Request& r) { return Submit(web, r); });
  router.Get("/signup/confirm", [&web](const http::Request& r) { return ShowConfirm(web, r); });
  router.Post("/signup/confirm", [&web](const http::Request& r) { return SubmitConfirm(web, r); });
  router.Post("/signup/resend", [&web](const http::Request& r) { return Resend(web, r); });
}

}  // namespace portico::selfservice
