// The account's e-mail addresses (MISSION N2, N9, B4):
//   POST /account/email/add       a new address (current password; optionally the new sign-in
//                                 address): a link and code go to it
//   POST /account/email/code      the code, typed on the account page
//   POST /account/email/primary   a confirmed alias becomes the sign-in address
//   POST /account/email/remove    an alias goes
//   POST /account/email/cancel    a pending address is dropped
//   GET/POST /account/email/confirm   the mailed link (works signed out: it is the proof)
//   GET/POST /account/email/undo      the old address's undo link: restores it, ends every
//                                     session, and leads on to a new password
#include "http/form.h"
#include "selfservice/routes.h"
#include "selfservice/settings/account_page.h"

namespace portico::selfservice {
namespace {

// The answer to a refused or failed address change, on the account page.
http::Response Refused(SelfServiceWeb& web, const PageContext& ctx, const Status& s,
                       std::string_view where) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kResourceExhausted:
      return ShowAccount(web, ctx, "", s.message(), 400);
    case StatusCode::kNotFound:
      return ShowAccount(web, ctx, "",
                         "That address is not on your account, or its code has ended (used, "
                         "expired, or mistyped too often).",
                         404);
    case StatusCode::kAlreadyExists:
      return ShowAccount(web, ctx, "",
                         "This address belongs to another account, so it cannot be added to "
                         "yours.",
                         409);
    case StatusCode::kFailedPrecondition:
      return ShowAccount(web, ctx, "",
                         "Your sign-in address cannot be removed. Make another address the "
                         "sign-in address first.",
                         400);
    default:
      return web.Failure(ctx, s, where);
  }
}

template <typename Act>
http::Response OnForm(SelfServiceWeb& web, const http::Request& request, std::string_view where,
                      std::string_view done, Act act) {
  return SignedIn(web, request, [&](const PageContext& ctx) {
    http::Response error;
    auto form = web.ReadForm(request, ctx, &error);
    if (!form) return error;
    Status s = act(ctx, *form);
    if (!s.ok()) return Refused(web, ctx, s, where);
    return web.Redirect(ctx, "/account?done=" + std::string(done) + "#emails");
  });
}

http::Response LinkEnded(SelfServiceWeb& web, const PageContext& ctx, identity::LinkState state) {
  return web.ErrorPage(ctx, 410, "This link has ended",
                       state == identity::LinkState::kExpired
                           ? "This link has expired. Nothing was changed."
                           : "This link was already used, or it is not meant for this page. "
                             "Nothing was changed.",
                       "/account", "Go to your account");
}

// GET shows what the link will do and a button; POST does it (mail scanners open links).
template <typename Act>
http::Response OnLink(SelfServiceWeb& web, const http::Request& request,
                      identity::TokenPurpose purpose, std::string_view tmpl, std::string_view title,
                      Act act) {
  auto ctx = web.Begin(request);
  if (!ctx.ok()) return web.Failure(PageContext{}, ctx.status(), "email_link");
  std::string token;
  if (request.method == "GET") {
    auto query = http::FormData::Parse(request.query).value_or(http::FormData());
    token = std::string(query.GetOr("token"));
  } else {
    http::Response error;
    auto form = web.ReadForm(request, *ctx, &error);
    if (!form) return error;
    token = std::string(form->GetOr("token"));
  }
  auto view = web.email().InspectLink(token);
  if (!view.ok()) return web.Failure(*ctx, view.status(), "email_link");
  if (view->state != identity::LinkState::kLive || view->token.purpose != purpose)
    return LinkEnded(web, *ctx, view->state);
  if (request.method == "GET") {
    ui::Data data;
    data.set("token", token);
    data.set("address", view->token.address);
    return web.Page(*ctx, tmpl, title, data);
  }
  return act(*ctx, token);
}

}  // namespace

void RegisterEmailRoutes(http::Router& router, SelfServiceWeb& web) {
  router.Post("/account/email/add", [&web](const http::Request& r) {
    return OnForm(web, r, "email_add", "email-sent", [&](const PageContext& ctx, auto& form) {
      identity::Field field = identity::Field::kNone;
      return web.email().AddAddress(*ctx.active, form.GetOr("email"),
                                    form.GetOr("current_password"), form.GetOr("primary") == "on",
                                    &field);
    });
  });
  router.Post("/account/email/code", [&web](const http::Request& r) {
    return OnForm(web, r, "email_code", "email-added", [&](const PageContext& ctx, auto& form) {
      return web.email()
          .ConfirmAddressWithCode(*ctx.active, form.GetOr("pending_id"), form.GetOr("code"))
          .status();
    });
  });
  router.Post("/account/email/primary", [&web](const http::Request& r) {
    return OnForm(web, r, "email_primary", "email-primary",
                  [&](const PageContext& ctx, auto& form) {
                    identity::Field field = identity::Field::kNone;
                    return web.email().MakePrimary(*ctx.active, form.GetOr("key"),
                                                   form.GetOr("current_password"), &field);
                  });
  });
  router.Post("/account/email/remove", [&web](const http::Request& r) {
    return OnForm(web, r, "email_remove", "email-removed", [&](const PageContext& ctx, auto& form) {
      return web.email().RemoveAddress(*ctx.active, form.GetOr("key"));
    });
  });
  router.Post("/account/email/cancel", [&web](const http::Request& r) {
    return OnForm(web, r, "email_cancel", "email-cancelled",
                  [&](const PageContext& ctx, auto& form) {
                    return web.email().CancelPending(*ctx.active, form.GetOr("pending_id"));
                  });
  });

  auto confirm = [&web](const http::Request& r) {
    return OnLink(web, r, identity::TokenPurpose::kVerify, "email_confirm", "Confirm the address",
                  [&](const PageContext& ctx, const std::string& token) {
                    auto account = web.email().ConfirmAddressWithLink(token);
                    if (account.status().code() == StatusCode::kAlreadyExists)
                      return web.ErrorPage(ctx, 409, "Address not added",
                                           "This address belongs to another account, so it "
                                           "cannot be added to yours.",
                                           "/account", "Go to your account");
                    if (account.status().code() == StatusCode::kResourceExhausted)
                      return web.ErrorPage(ctx, 409, "Address not added",
                                           "Your account holds as many addresses as it can. "
                                           "Remove one first.",
                                           "/account", "Go to your account");
                    if (account.status().code() == StatusCode::kNotFound)
                      return LinkEnded(web, ctx, identity::LinkState::kUsed);
                    if (!account.ok()) return web.Failure(ctx, account.status(), "email_confirm");
                    ui::Data data;
                    data.set("heading", "Address confirmed");
                    data.set("message", "The address is confirmed and added to your account.");
                    data.set("link", "/account");
                    data.set("link_label", "Go to your account");
                    return web.Page(ctx, "message", "Address confirmed", data);
                  });
  };
  router.Get("/account/email/confirm", confirm);
  router.Post("/account/email/confirm", confirm);

  auto undo = [&web](const http::Request& r) {
    return OnLink(web, r, identity::TokenPurpose::kUndo, "email_undo", "Undo the address change",
                  [&](const PageContext& ctx, const std::string& token) {
                    auto undone = web.email().UndoAddressChange(token);
                    if (undone.status().code() == StatusCode::kNotFound)
                      return LinkEnded(web, ctx, identity::LinkState::kUsed);
                    if (undone.status().code() == StatusCode::kAlreadyExists)
                      return web.ErrorPage(ctx, 409, "Could not undo",
                                           "Your previous address now belongs to another account.",
                                           "/password/forgot", "Choose a new password");
                    if (!undone.ok()) return web.Failure(ctx, undone.status(), "email_undo");
                    web.NotifyEnded(undone->ended);
                    // This browser's session (if any) ended with the others.
                    http::Response r = web.RedirectWithSession(
                        "/password/reset?token=" + undone->reset_token, std::nullopt);
                    return r;
                  });
  };
  router.Get("/account/email/undo", undo);
  router.Post("/account/email/undo", undo);
}

}  // namespace portico::selfservice
