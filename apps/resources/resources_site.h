// ResourcesSite: the partner resources portal (MISSION P1) — a small second site that signs
// people in only through the Network (rp::RelyingParty over HTTP), keeps its own sessions in
// its own SQLite database, greets the person by name, and signs out of both itself and the
// Network. A back-channel logout from the Network ends its sessions for that network session.
//
// Routes: GET / (greeting or sign-in link), GET /login, GET /callback, POST /logout,
// POST /backchannel-logout, GET /healthz. Thread-safe once built.
#pragma once

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "http/client.h"
#include "http/router.h"
#include "rp/relying_party.h"
#include "rp/site_auth.h"
#include "store/sqlite/database.h"

namespace portico::resources {

struct ResourcesConfig {
  std::string public_url;  // this site's origin, e.g. http://localhost:8082
  std::string data_dir = "./var/resources";
  rp::RpConfig rp;  // issuer, client id and secret; URIs are derived from public_url
};

class ResourcesSite {
 public:
  // Opens the site's database and discovers the Network (retrying for up to `wait_seconds`
  // while the Network starts). Errors: kUnavailable, kFailedPrecondition.
  static StatusOr<std::unique_ptr<ResourcesSite>> Create(ResourcesConfig config, Clock& clock,
                                                         int wait_seconds = 30);
  ~ResourcesSite();

  const http::Router& router() const { return router_; }

 private:
  explicit ResourcesSite(ResourcesConfig config, Clock& clock);
  http::Response Home(const http::Request& request, const std::string& message = "");
  http::Response Login(const http::Request& request);
  http::Response Callback(const http::Request& request);
  http::Response Logout(const http::Request& request);
  http::Response BackchannelLogout(const http::Request& request);

  ResourcesConfig config_;
  Clock& clock_;
  http::HttpClient http_client_;
  std::unique_ptr<store::sqlite::Database> db_;
  std::unique_ptr<rp::RelyingParty> rp_;
  std::unique_ptr<rp::SiteAuth> auth_;
  http::Router router_;
};

}  // namespace portico::resources
