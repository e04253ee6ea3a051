#include "resources_site.h"

#include <filesystem>
#include <kainjow/mustache.hpp>

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
  std::vector<std::pair<std::string_view, std::string_view>> files;
  for (auto name : assets::Names()) files.emplace_back(name, assets::Find(name));
  PORTICO_ASSIGN_OR_RETURN(site->db_, store::OpenMigrated(c.data_dir + "/resources.db", files));
  // The Network may still be starting: wait for its discovery document.
  PORTICO_ASSIGN_OR_RETURN(
      site->rp_, rp::RelyingParty::CreateWhenReady(c.rp, site->http_client_, clock,
                                                   crypto::SecureRandom::Get(), wait_seconds));

  site->auth_ = std::make_unique<rp::SiteAuth>(
      *site->rp_, *site->db_, clock, rp::SiteAuthOptions{"__Host-resources", c.rp.cookie_key});

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

http::Response ResourcesSite::Home(const http::Request& request, const std::string& message) {
  kainjow::mustache::data data;
  if (auto session = auth_->Current(request)) {
    data.set("signed_in", true);
    data.set("name", session->name);
    data.set("email", session->email);
    data.set("csrf_token", auth_->CsrfFor(*session));
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
  auto started = auth_->Login("/", query.GetOr("prompt"));
  if (!started.ok())
    return Home(request, "Signing in is not possible right now. Please try again.");
  return *started;
}

http::Response ResourcesSite::Callback(const http::Request& request) {
  rp::CallbackOutcome outcome = auth_->Callback(request);
  if (outcome.signed_in) return outcome.response;
  http::Response r = Home(request, outcome.error);
  for (const auto& [name, value] : outcome.response.headers)
    if (name == "Set-Cookie") r.AddHeader(name, value);
  return r;
}

http::Response ResourcesSite::Logout(const http::Request& request) {
  auto session = auth_->Current(request);
  if (!session) return http::SeeOther("/");
  auto form = http::FormData::Parse(request.body);
  if (!form || !crypto::ConstantTimeEquals(form->GetOr("csrf_token"), auth_->CsrfFor(*session)))
    return Home(request, "That sign-out form expired. Please try again.");
  auto out = auth_->Logout(*session);
  if (!out.ok()) return Home(request, "Signing out is not possible right now. Please try again.");
  return *out;
}

http::Response ResourcesSite::BackchannelLogout(const http::Request& request) {
  return auth_->BackchannelLogout(request);
}

}  // namespace portico::resources
