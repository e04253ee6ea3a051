// GET /account and its forms: profile, password, signed-in devices (MISSION N9, first part).
#include <ctime>

#include "core/log.h"
#include "selfservice/routes.h"
#include "selfservice/settings/account_page.h"

namespace portico::selfservice {
namespace {

std::string FormatTime(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

std::string DescribeAgent(const std::string& agent) {
  if (agent.empty()) return "Unknown browser";
  return agent.size() > 120 ? agent.substr(0, 117) + "..." : agent;
}

// The "E-mail addresses" section: the account's addresses and those waiting for their code.
Status AddAddresses(SelfServiceWeb& web, const PageContext& ctx, ui::Data& data) {
  const std::string& account_id = ctx.active->account.id;
  PORTICO_ASSIGN_OR_RETURN(auto addresses, web.email().Addresses(account_id));
  ui::Data list = ui::List();
  for (const auto& e : addresses) {
    ui::Data d;
    d.set("address", e.address);
    d.set("key", e.address_key);
    d.set("primary", e.primary);
    d.set("verified", e.verified_at.has_value());
    d.set("csrf_token", ctx.csrf_token);
    list.push_back(d);
  }
  data.set("addresses", list);
  data.set("has_aliases", addresses.size() > 1);
  PORTICO_ASSIGN_OR_RETURN(auto pending, web.email().PendingAddresses(account_id));
  ui::Data waiting = ui::List();
  for (const auto& t : pending) {
    ui::Data d;
    d.set("address", t.address);
    d.set("public_id", t.public_id);
    d.set("csrf_token", ctx.csrf_token);
    waiting.push_back(d);
  }
  data.set("pending", waiting);
  return OkStatus();
}

}  // namespace

http::Response ShowAccount(SelfServiceWeb& web, const PageContext& ctx, std::string_view notice,
                           std::string_view error, int status, const identity::Profile* typed) {
  const identity::ActiveSession& active = *ctx.active;
  ui::Data data;
  const identity::Profile& p = typed ? *typed : active.account.profile;
  ui::Data profile;
  profile.set("given_name", p.given_name);
  profile.set("family_name", p.family_name);
  profile.set("display_name", p.display_name);
  profile.set("street", p.street);
  profile.set("city", p.city);
  profile.set("region", p.region);
  profile.set("postal_code", p.postal_code);
  profile.set("country", p.country);
  profile.set("language", p.language);
  data.set("profile", profile);
  data.set("min_length", std::to_string(web.accounts().password_policy().min_length()));
  if (!notice.empty()) data.set("notice", std::string(notice));
  if (!error.empty()) data.set("error", std::string(error));
  auto sessions = web.accounts().ListSessions(active.account.id);
  if (!sessions.ok()) return web.Failure(ctx, sessions.status(), "account");
  ui::Data devices = ui::List();
  for (const auto& s : *sessions) {
    ui::Data d;
    d.set("user_agent", DescribeAgent(s.user_agent));
    d.set("ip", s.ip.empty() ? "an unknown address" : s.ip);
    d.set("created", FormatTime(s.created_at));
    d.set("last_seen", FormatTime(s.last_seen_at));
    d.set("public_id", s.public_id);
    d.set("current", s.token_hash == active.session.token_hash);
    d.set("csrf_token", ctx.csrf_token);
    devices.push_back(d);
  }
  data.set("devices", devices);
  if (Status s = AddAddresses(web, ctx, data); !s.ok()) return web.Failure(ctx, s, "account");
  if (SitesView* sites = web.sites()) {
    auto mine = sites->SitesOf(active.account.id);
    if (!mine.ok()) return web.Failure(ctx, mine.status(), "account");
    ui::Data list = ui::List();
    for (const auto& site : *mine) {
      ui::Data d;
      d.set("client_id", site.client_id);
      d.set("name", site.name);
      d.set("last_used", FormatTime(site.last_used));
      ui::Data releases = ui::List();
      for (const auto& r : site.releases) releases.push_back(ui::Data(r));
      d.set("releases", releases);
      d.set("csrf_token", ctx.csrf_token);
      list.push_back(d);
    }
    data.set("has_sites", !mine->empty());
    data.set("sites", list);
  }
  return web.Page(ctx, "account", "Account information", data, status);
}

namespace {

std::string_view NoticeFor(std::string_view query) {
  auto q = http::FormData::Parse(query).value_or(http::FormData());
  std::string_view done = q.GetOr("done");
  if (done == "profile") return "Your profile was saved.";
  if (done == "password") return "Your password was changed. Your other devices were signed out.";
  if (done == "device") return "That device was signed out.";
  if (done == "site") return "That site's access was revoked: its tokens no longer work.";
  if (done == "reset") return "Your new password is set. Every other device was signed out.";
  if (done == "email-sent")
    return "We sent a code and a link to the new address. It is added once you confirm it.";
  if (done == "email-added") return "The address is confirmed and added to your account.";
  if (done == "email-primary")
    return "You now sign in with this address. Your previous address was told, with a way to "
           "undo the change.";
  if (done == "email-removed") return "The address was removed from your account.";
  if (done == "email-cancelled") return "That address will not be added.";
  return "";
}

http::Response SaveProfile(SelfServiceWeb& web, const http::Request& request) {
  return SignedIn(web, request, [&](const PageContext& ctx) {
    http::Response error;
    auto form = web.ReadForm(request, ctx, &error);
    if (!form) return error;
    identity::Profile p;
    p.given_name = form->GetOr("given_name");
    p.family_name = form->GetOr("family_name");
    p.display_name = form->GetOr("display_name");
    p.street = form->GetOr("street");
    p.city = form->GetOr("city");
    p.region = form->GetOr("region");
    p.postal_code = form->GetOr("postal_code");
    p.country = form->GetOr("country");
    p.language = form->GetOr("language");
    Status s = web.accounts().UpdateProfile(ctx.active->account.id, p);
    if (s.code() == StatusCode::kInvalidArgument)
      return ShowAccount(web, ctx, "", s.message(), 400, &p);
    if (!s.ok()) return web.Failure(ctx, s, "profile");
    return web.Redirect(ctx, "/account?done=profile");
  });
}

http::Response ChangePassword(SelfServiceWeb& web, const http::Request& request) {
  return SignedIn(web, request, [&](const PageContext& ctx) {
    http::Response error;
    auto form = web.ReadForm(request, ctx, &error);
    if (!form) return error;
    identity::Field field = identity::Field::kNone;
    // The sessions the change will end, so that their sites can be told afterwards.
    auto ending = web.accounts().ListSessions(ctx.active->account.id);
    if (!ending.ok()) return web.Failure(ctx, ending.status(), "password");
    auto session = web.accounts().ChangePassword(*ctx.active, form->GetOr("current_password"),
                                                 form->GetOr("new_password"), ctx.client, &field);
    if (session.status().code() == StatusCode::kInvalidArgument) {
      return ShowAccount(web, ctx, "", session.status().message(), 400);
    }
    if (!session.ok()) return web.Failure(ctx, session.status(), "password");
    web.NotifyEnded(*ending);
    web.email().NotifyPasswordChanged(ctx.active->account);
    // The session id changes with the privilege change; the old cookie is replaced.
    return web.RedirectWithSession("/account?done=password", *session);
  });
}

http::Response RevokeDevice(SelfServiceWeb& web, const http::Request& request) {
  return SignedIn(web, request, [&](const PageContext& ctx) {
    http::Response error;
    auto form = web.ReadForm(request, ctx, &error);
    if (!form) return error;
    std::string public_id(form->GetOr("session_id"));
    if (public_id == ctx.active->session.public_id) {
      Status s = web.EndSession(ctx.session_token, ctx.active->session);
      if (!s.ok()) return web.Failure(ctx, s, "revoke");
      return web.RedirectWithSession("/", std::nullopt);
    }
    Status s = web.EndOtherSession(ctx.active->account.id, public_id);
    if (s.code() == StatusCode::kNotFound) {
      return ShowAccount(web, ctx, "", "That device was already signed out.", 404);
    }
    if (!s.ok()) return web.Failure(ctx, s, "revoke");
    return web.Redirect(ctx, "/account?done=device");
  });
}

http::Response RevokeSite(SelfServiceWeb& web, const http::Request& request) {
  return SignedIn(web, request, [&](const PageContext& ctx) {
    http::Response error;
    auto form = web.ReadForm(request, ctx, &error);
    if (!form) return error;
    if (web.sites() == nullptr)
      return web.ErrorPage(ctx, 404, "Not available", "There are no sites to revoke.");
    Status s = web.sites()->Revoke(ctx.active->account.id, std::string(form->GetOr("client_id")));
    if (!s.ok()) return web.Failure(ctx, s, "revoke_site");
    return web.Redirect(ctx, "/account?done=site");
  });
}

}  // namespace

void RegisterSettingsRoutes(http::Router& router, SelfServiceWeb& web) {
  router.Get("/account", [&web](const http::Request& request) {
    return SignedIn(web, request, [&](const PageContext& ctx) {
      return ShowAccount(web, ctx, NoticeFor(request.query), "", 200);
    });
  });
  router.Post("/account/profile", [&web](const http::Request& r) { return SaveProfile(web, r); });
  router.Post("/account/password",
              [&web](const http::Request& r) { return ChangePassword(web, r); });
  router.Post("/account/sessions/revoke",
              [&web](const http::Request& r) { return RevokeDevice(web, r); });
  router.Post("/account/sites/revoke",
              [&web](const http::Request& r) { return RevokeSite(web, r); });
}

}  // namespace portico::selfservice
