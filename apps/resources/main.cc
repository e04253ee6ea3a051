// portico-resources: the partner resources site (MISSION P1), a relying party of the Network.
//
// Configuration from the environment (or --config FILE, TOML, same keys):
//   PORTICO_RESOURCES_LISTEN         127.0.0.1:8082
//   PORTICO_RESOURCES_PUBLIC_URL     http://localhost:<port>
//   PORTICO_RESOURCES_DATA_DIR       ./var/resources
//   PORTICO_RESOURCES_ISSUER         the Network's URL, e.g. http://localhost:8080
//   PORTICO_RESOURCES_CLIENT_ID / PORTICO_RESOURCES_CLIENT_SECRET   from `portico-network client
//   add` PORTICO_RESOURCES_COOKIE_KEY     base64url 32 bytes (default: a key file in the data dir)
#include <cstdio>

#include "core/log.h"
#include "http/server.h"
#include "resources_site.h"
#include "rp/site_config.h"

namespace {

using namespace portico;

int Fail(const Status& s) {
  std::fprintf(stderr, "portico-resources: %s\n", s.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  auto site_config =
      rp::LoadSiteConfigFromArgs(argc, argv, "resources", "127.0.0.1:8082", "./var/resources");
  if (!site_config.ok()) return Fail(site_config.status());
  http::ServerOptions options;
  options.address = site_config->listen_address;
  options.port = site_config->listen_port;
  options.handle_signals = true;

  resources::ResourcesConfig config;
  config.data_dir = site_config->data_dir;
  config.rp = site_config->relying_party();

  // Bind first: with port 0 the public URL (and so the redirect URI) depends on the port. The
  // server reads the router only once it runs, so the site's routes are filled in after.
  http::Router router;
  http::Server server(options, router);
  auto port = server.Listen();
  if (!port.ok()) return Fail(port.status());
  config.public_url = site_config->public_url.empty() ? "http://localhost:" + std::to_string(*port)
                                                      : site_config->public_url;
  auto site = resources::ResourcesSite::Create(config, SystemClock::Get());
  if (!site.ok()) return Fail(site.status());
  router = (*site)->router();
  std::printf("Portico partner resources ready at %s/\n", config.public_url.c_str());
  std::fflush(stdout);
  server.Run();
  return 0;
}
