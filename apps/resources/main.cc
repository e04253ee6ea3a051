// portico-resources: the partner resources site (MISSION P1), a relying party of the Network.
//
// Configuration from the environment (or --config FILE, TOML, same keys):
//   PORTICO_RESOURCES_LISTEN         127.0.0.1:8082
//   PORTICO_RESOURCES_PUBLIC_URL     http://localhost:<port>
//   PORTICO_RESOURCES_DATA_DIR       ./var/resources
//   PORTICO_RESOURCES_ISSUER         the Network's URL, e.g. http://localhost:8080
//   PORTICO_RESOURCES_CLIENT_ID / PORTICO_RESOURCES_CLIENT_SECRET   from `portico-network client
//   add` PORTICO_RESOURCES_COOKIE_KEY     base64url 32 bytes (default: a key file in the data dir)
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/log.h"
#include "core/settings.h"
#include "crypto/aead.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "http/server.h"
#include "resources_site.h"

namespace {

using namespace portico;

int Fail(const Status& s) {
  std::fprintf(stderr, "portico-resources: %s\n", s.ToString().c_str());
  return 1;
}

// The cookie key: configured, or kept in the data directory (created 0600 on first start).
StatusOr<std::string> CookieKey(const std::string& configured, const std::string& data_dir) {
  std::string text = configured;
  std::string path = data_dir + "/cookie.key";
  if (text.empty()) {
    std::ifstream in(path);
    if (in) {
      text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    } else {
      std::string key = crypto::SecureRandom::Get().Bytes(crypto::kAeadKeyBytes);
      text = crypto::Base64UrlEncode(key);
      int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
      std::string line = text + "\n";
      if (fd < 0 || ::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()) ||
          ::fsync(fd) != 0) {
        if (fd >= 0) ::close(fd);
        return UnavailableError("cannot write " + path);
      }
      ::close(fd);
    }
  }
  auto key = crypto::Base64UrlDecode(text);
  if (!key || key->size() != crypto::kAeadKeyBytes)
    return InvalidArgumentError("the cookie key must be 32 bytes in base64url");
  return *key;
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (a != "serve") {
      std::fputs("usage: portico-resources [serve] [--config FILE]\n", stderr);
      return 2;
    }
  }
  auto settings =
      Settings::Load(config_path, {"resources.listen", "resources.public_url", "resources.data_dir",
                                   "resources.issuer", "resources.client_id",
                                   "resources.client_secret", "resources.cookie_key"});
  if (!settings.ok()) return Fail(settings.status());
  std::string listen = settings->GetString("resources.listen", "127.0.0.1:8082");
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos)
    return Fail(InvalidArgumentError("resources.listen must be host:port"));
  http::ServerOptions options;
  options.address = listen.substr(0, colon) == "localhost" ? "127.0.0.1" : listen.substr(0, colon);
  options.port = static_cast<uint16_t>(std::atoi(listen.substr(colon + 1).c_str()));
  options.handle_signals = true;

  resources::ResourcesConfig config;
  config.data_dir = settings->GetString("resources.data_dir", "./var/resources");
  config.rp.issuer = settings->GetString("resources.issuer", "http://localhost:8080");
  config.rp.client_id = settings->GetString("resources.client_id", "");
  config.rp.client_secret = settings->GetString("resources.client_secret", "");
  if (config.rp.client_id.empty())
    return Fail(InvalidArgumentError("resources.client_id is required (register the site first)"));
  std::filesystem::create_directories(config.data_dir);
  auto key = CookieKey(settings->GetString("resources.cookie_key", ""), config.data_dir);
  if (!key.ok()) return Fail(key.status());
  config.rp.cookie_key = *key;

  // Bind first: with port 0 the public URL (and so the redirect URI) depends on the port. The
  // server reads the router only once it runs, so the site's routes are filled in after.
  http::Router router;
  http::Server server(options, router);
  auto port = server.Listen();
  if (!port.ok()) return Fail(port.status());
  config.public_url =
      settings->GetString("resources.public_url", "http://localhost:" + std::to_string(*port));
  auto site = resources::ResourcesSite::Create(config, SystemClock::Get());
  if (!site.ok()) return Fail(site.status());
  router = (*site)->router();
  std::printf("Portico partner resources ready at %s/\n", config.public_url.c_str());
  std::fflush(stdout);
  server.Run();
  return 0;
}
