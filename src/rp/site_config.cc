#include "rp/site_config.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/settings.h"
#include "crypto/aead.h"
#include "crypto/encoding.h"
#include "crypto/random.h"

namespace portico::rp {
namespace {

StatusOr<std::string> CookieKey(const std::string& configured, const std::string& data_dir) {
  std::string text = configured;
  std::string path = data_dir + "/cookie.key";
  if (text.empty()) {
    std::ifstream in(path);
    if (in) {
      text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    } else {
      text = crypto::Base64UrlEncode(crypto::SecureRandom::Get().Bytes(crypto::kAeadKeyBytes));
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

StatusOr<SiteConfig> LoadSiteConfig(const std::string& site, const std::string& path,
                                    const std::string& default_listen,
                                    const std::string& default_data_dir) {
  auto key = [&](const char* name) { return site + "." + name; };
  PORTICO_ASSIGN_OR_RETURN(
      Settings settings,
      Settings::Load(
          path, {key("listen"), key("public_url"), key("data_dir"), key("issuer"), key("client_id"),
                 key("client_secret"), key("cookie_key"), key("smtp_url"), key("mail_from")}));
  SiteConfig c;
  std::string listen = settings.GetString(key("listen"), default_listen);
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 >= listen.size())
    return InvalidArgumentError(key("listen") + " must be host:port");
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  c.listen_address = host == "localhost" ? "127.0.0.1" : host;
  std::string port = listen.substr(colon + 1);
  char* end = nullptr;
  long value = std::strtol(port.c_str(), &end, 10);
  if (*end != '\0' || value < 0 || value > 65535)
    return InvalidArgumentError(key("listen") + " has a bad port: '" + port + "'");
  c.listen_port = static_cast<uint16_t>(value);
  c.public_url = settings.GetString(key("public_url"), "");
  while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();
  c.data_dir = settings.GetString(key("data_dir"), default_data_dir);
  c.issuer = settings.GetString(key("issuer"), "http://localhost:8080");
  c.client_id = settings.GetString(key("client_id"), "");
  c.client_secret = settings.GetString(key("client_secret"), "");
  c.smtp_url = settings.GetString(key("smtp_url"), "");
  if (!c.smtp_url.empty() && c.smtp_url.rfind("smtp://", 0) != 0 &&
      c.smtp_url.rfind("smtps://", 0) != 0)
    return InvalidArgumentError(key("smtp_url") + " must start with smtp:// or smtps://");
  c.mail_from = settings.GetString(key("mail_from"), "Portico <no-reply@localhost>");
  if (c.mail_from.find('@') == std::string::npos || c.mail_from.find('\n') != std::string::npos ||
      c.mail_from.find('\r') != std::string::npos)
    return InvalidArgumentError(key("mail_from") + " must be an address");
  if (c.client_id.empty())
    return InvalidArgumentError(key("client_id") + " is required (register the site first)");
  std::error_code ec;
  std::filesystem::create_directories(c.data_dir, ec);
  if (ec) return UnavailableError("cannot create " + c.data_dir + ": " + ec.message());
  // Sessions and the cookie key live here: only the site's own user reads them.
  std::filesystem::permissions(c.data_dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  PORTICO_ASSIGN_OR_RETURN(c.cookie_key,
                           CookieKey(settings.GetString(key("cookie_key"), ""), c.data_dir));
  return c;
}

RpConfig SiteConfig::relying_party() const {
  RpConfig rp;
  rp.issuer = issuer;
  rp.client_id = client_id;
  rp.client_secret = client_secret;
  rp.cookie_key = cookie_key;
  return rp;
}

StatusOr<SiteConfig> LoadSiteConfigFromArgs(int argc, char** argv, const std::string& site,
                                            const std::string& default_listen,
                                            const std::string& default_data_dir) {
  std::string config_path;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (a != "serve") {
      return InvalidArgumentError("usage: portico-" + site + " [serve] [--config FILE]");
    }
  }
  return LoadSiteConfig(site, config_path, default_listen, default_data_dir);
}

}  // namespace portico::rp
