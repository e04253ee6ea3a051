// Misplaced credentials (MISSION N10):
//   GET/POST /password/forgot   ask for a reset link
//   GET/POST /password/names    "which address did I use?": masked hints, by mail only
//   GET      /password/sent     the one answer to both, whether or not the address is known
//   GET/POST /password/reset    the mailed link: choose a new password
#include "http/form.h"
#include "selfservice/routes.h"

namespace portico::selfservice {
namespace {

http::Response AskForm(SelfServiceWeb& web, const PageContext& ctx, std::string_view which,
                       std::string_view address, std::string_view error, int status) {
  ui::Data data;
  data.set(std::string(which), true);
  data.set("address", std::string(address));
  if (!error.empty()) data.set("error", std::string(error));
  return web.Page(ctx, "password_forgot",
                  which == "names" ? "Which address did I use?" : "Forgot your password?", data,
                  status);
}

template <typename Send>
http::Response Ask(SelfServiceWeb& web, const http::Request& request, std::string_view which,
                   Send send) {
  auto ctx = web.Begin(request);
  if (!ctx.ok()) return web.Failure(PageContext{}, ctx.status(), "recovery");
  if (request.method == "GET") return AskForm(web, *ctx, which, "", "", 200);
  http::Response error;
  auto form = web.ReadForm(request, *ctx, &error);
  if (!form) return error;
  std::string address(form->GetOr("email"));
  Status s = send(address);
  if (s.code() == StatusCode::kInvalidArgument)
    return AskForm(web, *ctx, which, address, s.message(), 400);
  if (!s.ok()) return web.Failure(*ctx, s, "recovery");
  // The same redirect for every well-formed address (MISSION N6).
  return web.Redirect(*ctx, std::string("/password/sent?what=") + std::string(which));
}

http::Response Sent(SelfServiceWeb& web, const http::Request& request) {
  auto ctx = web.Begin(request);
  if (!ctx.ok()) return web.Failure(PageContext{}, ctx.status(), "recovery");
  auto query = http::FormData::Parse(request.query).value_or(http::FormData());
  ui::Data data;
  data.set("heading", "Check your mail");
  data.set("message",
           query.GetOr("what") == "names"
               ? "We sent a message to that address. It says whether an account uses it, and "
                 "which addresses that account has."
               : "If an account signs in with that address, we sent it a link to choose a new "
                 "password. The link works for 30 minutes.");
  data.set("link", "/signin");
  data.set("link_label", "Back to sign-in");
  return web.Page(*ctx, "message", "Check your mail", data);
}

http::Response LinkEnded(SelfServiceWeb& web, const PageContext& ctx, identity::LinkState state) {
  return web.ErrorPage(ctx, 410, "This link has ended",
                       state == identity::LinkState::kExpired
                           ? "This password link has expired: links work for 30 minutes. Ask "
                             "for a new one."
                           : "This password link was already used, or it is not a password link. "
                             "Ask for a new one.",
                       "/password/forgot", "Ask for a new link");
}

http::Response ResetForm(SelfServiceWeb& web, const PageContext& ctx, const std::string& token,
                         std::string_view error, int status) {
  ui::Data data;
  data.set("token", token);
  data.set("min_length", std::to_string(web.accounts().password_policy().min_length()));
  if (!error.empty()) data.set("error", std::string(error));
  return web.Page(ctx, "password_reset", "Choose a new password", data, status);
}

http::Response Reset(SelfServiceWeb& web, const http::Request& request) {
  auto ctx = web.Begin(request);
  if (!ctx.ok()) return web.Failure(PageContext{}, ctx.status(), "reset");
  if (request.method == "GET") {
    auto query = http::FormData::Parse(request.query).value_or(http::FormData());
    std::string token(query.GetOr("token"));
    auto view = web.email().InspectLink(token);
    if (!view.ok()) return web.Failure(*ctx, view.status(), "reset");
    if (view->state != identity::LinkState::kLive ||
        view->token.purpose != identity::TokenPurpose::kReset || view->token.account_id.empty())
      return LinkEnded(web, *ctx, view->state);
    return ResetForm(web, *ctx, token, "", 200);
  }
  http::Response error;
  auto form = web.ReadForm(request, *ctx, &error);
  if (!form) return error;
  std::string token(form->GetOr("token"));
  identity::Field field = identity::Field::kNone;
  auto reset = web.email().ResetPassword(token, form->GetOr("new_password"), ctx->client, &field);
  if (reset.status().code() == StatusCode::kInvalidArgument)
    return ResetForm(web, *ctx, token, reset.status().message(), 400);
  if (reset.status().code() == StatusCode::kNotFound) {
    auto view = web.email().InspectLink(token);
    return LinkEnded(web, *ctx, view.ok() ? view->state : identity::LinkState::kUnknown);
  }
  if (!reset.ok()) return web.Failure(*ctx, reset.status(), "reset");
  web.NotifyEnded(reset->ended);
  return web.RedirectWithSession("/account?done=reset", reset->session);
}

}  // namespace

void RegisterRecoveryRoutes(http::Router& router, SelfServiceWeb& web) {
  auto forgot = [&web](const http::Request& r) {
    return Ask(web, r, "reset",
               [&web](const std::string& a) { return web.email().RequestPasswordReset(a); });
  };
  auto names = [&web](const http::Request& r) {
    return Ask(web, r, "names",
               [&web](const std::string& a) { return web.email().SendNameHints(a); });
  };
  router.Get("/password/forgot", forgot);
  router.Post("/password/forgot", forgot);
  router.Get("/password/names", names);
  router.Post("/password/names", names);
  router.Get("/password/sent", [&web](const http::Request& r) { return Sent(web, r); });
  router.Get("/password/reset", [&web](const http::Request& r) { return Reset(web, r); });
  router.Post("/password/reset", [&web](const http::Request& r) { return Reset(web, r); });
}

}  // namespace portico::selfservice
