#include "resources_site.h"

#include <chrono>
#include <filesystem>
#include <kainjow/mustache.hpp>
#include <thread>

#include "core/log.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "http/cookie.h"
#include "http/form.h"
#include "http/security_headers.h"
#include "resources_assets.h"
#include "store/migrations.h"

namespace portico::resources {
namespace {

constexpr char kSessionCookie[] = "__Host-resources-session";
constexpr char kLoginCookie[] = "__Host-resources-login";
constexpr int64_t kSessionLifetime = 8 * 3600;

http::Response Html(std::string body, int status = 200) {
  http::Response r;
  r.status = status;
  r.SetHeader("Content-Type", "text/html; charset=utf-8");
  r.body = std::move(body);
  return r;
}

std::string RenderPage(const kainjow::mustache::data& data) {
  kainjow::mustache::mustache page{std::string(assets::Find("page.mustache"))};
  return page.render(data);
}

}  // namespace

ResourcesSite::ResourcesSite(ResourcesConfig config, Clock& clock)
    : config_(std::move(config)), clock_(clock) {}
ResourcesSite::~ResourcesSite() = default;

StatusOr<std::unique_ptr<ResourcesSite>> ResourcesSite::Create(ResourcesConfig config, Clock& clock,
                                                               int wait_seconds) {
  std::unique_ptr<ResourcesSite> site(new ResourcesSite(std::move(config), clock));
  ResourcesConfig& c = site->config_;
  c.rp.redirect_uri = c.public_url + "/callback";
  c.rp.post_logout_redirect_uri = c.public_url + "/";
  std::error_code ec;
  std::filesystem::create_directories(c.data_dir, ec);
  if (ec) return UnavailableError("cannot create " + c.data_dir + ": " + ec.message());
  PORTICO_ASSIGN_OR_RETURN(site->db_, store::sqlite::Database::Open(c.data_dir + "/resources.db"));
  std::vector<std::pair<std::string_view, std::string_view>> files;
  for (auto name : assets::Names()) {
    if (name.size() > 4 && name.substr(name.size() - 4) == ".sql")
      files.emplace_back(name, assets::Find(name));
  }
  PORTICO_ASSIGN_OR_RETURN(auto migrations, store::MigrationsFromFiles(files));
  PORTICO_RETURN_IF_ERROR(store::ApplyMigrations(*site->db_, migrations).status());
  // The Network may still be starting: wait for its discovery document.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_seconds);
  for (;;) {
    auto rp =
        rp::RelyingParty::Create(c.rp, site->http_client_, clock, crypto::SecureRandom::Get());
    if (rp.ok()) {
      site->rp_ = std::move(*rp);
      break;
    }
    if (rp.status().code() != StatusCode::kUnavailable ||
        std::chrono::steady_clock::now() >= deadline) {
      return rp.status();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }

  ResourcesSite* s = site.get();
  site->router_.Get("/", [s](const http::Request& r) { return s->Home(r); });
  site->router_.Get("/login", [s](const http::Request& r) { return s->Login(r); });
  site->router_.Get("/callback", [s](const http::Request& r) { return s->Callback(r); });
  site->router_.Post("/logout", [s](const http::Request& r) { return s->Logout(r); });
  site->router_.Post("/backchannel-logout",
                     [s](const http::Request& r) { return s->BackchannelLogout(r); });
  site->router_.Get(
      "/healthz",
      [](const http::Request&) {
        http::Response r;
        r.SetHeader("Content-Type", "text/plain");
        r.body = "ok\n";
        return r;
      },
      http::Execution::kInline);
  return site;
}

std::string ResourcesSite::CsrfFor(const std::string& token_hash) const {
  return crypto::Base64UrlEncode(crypto::HmacSha256(config_.rp.cookie_key, "logout:" + token_hash));
}

std::optional<ResourcesSite::LocalSession> ResourcesSite::CurrentSession(
    const http::Request& request) {
  auto token = http::FindCookie(request.Header("cookie").value_or(""), kSessionCookie);
  if (!token || token->size() > 100) return std::nullopt;
  std::string hash = crypto::Sha256(*token);
  std::optional<LocalSession> found;
  Status s = db_->Read([&](store::sqlite::Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(
        auto q,
        c.Prepare(
            "SELECT name, email, id_token FROM sessions WHERE token_hash = ? AND expires_at > ?"));
    q.BindBlob(1, hash).Bind(2, clock_.NowSeconds());
    PORTICO_ASSIGN_OR_RETURN(bool row, q.Step());
    if (row) found = LocalSession{hash, q.Text(0), q.Text(1), q.Text(2)};
    return OkStatus();
  });
  if (!s.ok()) log::Warn("resources_session_lookup_failed", {{"status", s.ToString()}});
  return found;
}

http::Response ResourcesSite::Home(const http::Request& request, const std::string& message) {
  kainjow::mustache::data data;
  if (auto session = CurrentSession(request)) {
    data.set("signed_in", true);
    data.set("name", session->name);
    data.set("email", session->email);
    data.set("csrf_token", CsrfFor(session->token_hash));
  } else if (!message.empty()) {
    data.set("message", message);
  }
  http::Response page = Html(RenderPage(data), message.empty() ? 200 : 400);
  // The sign-out form ends at the Network (RP-initiated logout): browsers check that redirect
  // against form-action, so the Network's origin is allowed there.
  page.SetHeader("Content-Security-Policy",
                 http::ContentSecurityPolicyWithFormAction(http::OriginOf(config_.rp.issuer)));
  return page;
}

http::Response ResourcesSite::Login(const http::Request& request) {
  auto query = http::FormData::Parse(request.query).value_or(http::FormData());
  std::string prompt(query.GetOr("prompt"));
  if (prompt != "create" && prompt != "login") prompt.clear();
  auto start = rp_->BeginLogin("/", prompt);
  if (!start.ok()) return Home(request, "Signing in is not possible right now. Please try again.");
  http::Response r;
  r.status = 302;
  r.SetHeader("Location", start->authorization_url);
  r.AddHeader("Set-Cookie",
              http::FormatSetCookie({kLoginCookie, start->transaction_cookie, 600, true, "Lax"}));
  return r;
}

http::Response ResourcesSite::Callback(const http::Request& request) {
  auto tx = http::FindCookie(request.Header("cookie").value_or(""), kLoginCookie);
  auto signed_in = rp_->CompleteLogin(request.query, tx.value_or(""));
  if (!signed_in.ok()) {
    std::string message = signed_in.status().code() == StatusCode::kFailedPrecondition
                              ? "Sign-in was not completed (" + signed_in.status().message() + ")."
                              : "Sign-in could not be verified. Please try again.";
    http::Response r = Home(request, message);
    r.AddHeader("Set-Cookie", http::FormatDeleteCookie(kLoginCookie));
    return r;
  }
  std::string token = crypto::RandomToken(crypto::SecureRandom::Get(), 32);
  int64_t now = clock_.NowSeconds();
  std::string name = signed_in->name.empty() ? signed_in->email : signed_in->name;
  Status s = db_->Write([&](store::sqlite::Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto q,
                             c.Prepare("INSERT INTO sessions (token_hash, subject, name, email, "
                                       "network_sid, id_token, created_at, expires_at) "
                                       "VALUES (?,?,?,?,?,?,?,?)"));
    q.BindBlob(1, crypto::Sha256(token))
        .Bind(2, signed_in->subject)
        .Bind(3, name)
        .Bind(4, signed_in->email);
    q.Bind(5, signed_in->network_sid)
        .Bind(6, signed_in->id_token)
        .Bind(7, now)
        .Bind(8, now + kSessionLifetime);
    return q.Run();
  });
  if (!s.ok()) return Home(request, "Signing in is not possible right now. Please try again.");
  log::Info("resources_signed_in", {{"subject", signed_in->subject}});
  http::Response r = http::SeeOther(signed_in->return_to.empty() ? "/" : signed_in->return_to);
  r.status = 302;
  r.AddHeader("Set-Cookie",
              http::FormatSetCookie({kSessionCookie, token, std::nullopt, true, "Lax"}));
  r.AddHeader("Set-Cookie", http::FormatDeleteCookie(kLoginCookie));
  return r;
}

http::Response ResourcesSite::Logout(const http::Request& request) {
  auto session = CurrentSession(request);
  if (!session) return http::SeeOther("/");
  auto form = http::FormData::Parse(request.body);
  if (!form ||
      !crypto::ConstantTimeEquals(form->GetOr("csrf_token"), CsrfFor(session->token_hash))) {
    return Home(request, "That sign-out form expired. Please try again.");
  }
  Status s = db_->Write([&](store::sqlite::Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto q, c.Prepare("DELETE FROM sessions WHERE token_hash = ?"));
    q.BindBlob(1, session->token_hash);
    return q.Run();
  });
  if (!s.ok()) return Home(request, "Signing out is not possible right now. Please try again.");
  // Then end the network session too (RP-initiated logout), which returns the person here.
  http::Response r = http::SeeOther(rp_->LogoutUrl(session->id_token, ""));
  r.AddHeader("Set-Cookie", http::FormatDeleteCookie(kSessionCookie));
  return r;
}

http::Response ResourcesSite::BackchannelLogout(const http::Request& request) {
  http::Response r;
  r.SetHeader("Cache-Control", "no-store");
  auto form = http::FormData::Parse(request.body);
  std::string subject;
  auto sid = form ? rp_->ValidateLogoutToken(form->GetOr("logout_token"), &subject)
                  : StatusOr<std::string>(InvalidArgumentError("unreadable"));
  if (!sid.ok()) {
    r.status = 400;
    r.SetHeader("Content-Type", "application/json");
    r.body = "{\"error\":\"invalid_request\"}";
    return r;
  }
  Status s = db_->Write([&](store::sqlite::Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(
        auto q, c.Prepare(sid->empty() ? "DELETE FROM sessions WHERE subject = ?"
                                       : "DELETE FROM sessions WHERE network_sid = ?"));
    q.Bind(1, sid->empty() ? subject : *sid);
    return q.Run();
  });
  // Back-Channel Logout §2.8: 200 only when the sessions are gone; otherwise the Network retries.
  r.status = s.ok() ? 200 : 503;
  log::Info("resources_backchannel_logout", {{"sid", *sid}, {"ok", s.ok() ? "yes" : "no"}});
  return r;
}

}  // namespace portico::resources
