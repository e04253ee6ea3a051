// portico-members: the Membership Center (MISSION M1–M9), a relying party of the Network.
//
// Configuration from the environment (or --config FILE, TOML, same keys):
//   PORTICO_MEMBERS_LISTEN         127.0.0.1:8081
//   PORTICO_MEMBERS_PUBLIC_URL     http://localhost:<port>
//   PORTICO_MEMBERS_DATA_DIR       ./var/members
//   PORTICO_MEMBERS_ISSUER         the Network's URL, e.g. http://localhost:8080
//   PORTICO_MEMBERS_CLIENT_ID / PORTICO_MEMBERS_CLIENT_SECRET   from `portico-network client
//   add` PORTICO_MEMBERS_COOKIE_KEY     base64url 32 bytes (default: a key file in the data dir)
#include <cstdio>

#include "core/log.h"
#include "http/server.h"
#include "members_site.h"
#include "rp/site_config.h"

namespace {

using namespace portico;

int Fail(const Status& s) {
  std::fprintf(stderr, "portico-members: %s\n", s.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  auto site_config =
      rp::LoadSiteConfigFromArgs(argc, argv, "members", "127.0.0.1:8081", "./var/members");
  if (!site_config.ok()) return Fail(site_config.status());
  http::ServerOptions options;
  options.address = site_config->listen_address;
  options.port = site_config->listen_port;
  options.handle_signals = true;

  members::MembersConfig config;
  config.data_dir = site_config->data_dir;
  config.rp = site_config->relying_party();
  config.smtp_url = site_config->smtp_url;
  config.mail_from = site_config->mail_from;

  // Bind first: with port 0 the public URL (and so the redirect URI) depends on the port. The
  // server reads the router only once it runs, so the site's routes are filled in after.
  http::Router router;
  http::Server server(options, router);
  auto port = server.Listen();
  if (!port.ok()) return Fail(port.status());
  config.public_url = site_config->public_url.empty() ? "http://localhost:" + std::to_string(*port)
                                                      : site_config->public_url;
  auto site = members::MembersSite::Create(config, SystemClock::Get());
  if (!site.ok()) return Fail(site.status());
  (*site)->StartCourier();
  router = (*site)->router();
  std::printf("Portico Membership Center ready at %s/\n", config.public_url.c_str());
  std::fflush(stdout);
  server.Run();
  return 0;
}
