// SiteConfig: the settings every site on the network reads the same way, from a TOML file and
// PORTICO_<SITE>_* environment variables (core/settings.h): where it listens, its public URL,
// its data directory, the Network's issuer, its client id and secret, and the cookie key.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "rp/relying_party.h"

namespace portico::rp {

struct SiteConfig {
  std::string listen_address = "127.0.0.1";
  uint16_t listen_port = 0;
  std::string public_url;  // empty: http://localhost:<port> once the port is known
  std::string data_dir;
  std::string issuer;
  std::string client_id;
  std::string client_secret;
  std::string cookie_key;  // 32 raw bytes
  // Mail the site sends itself (the Membership Center's invitations): an SMTP URL, or "" for
  // .eml files in <data_dir>/mail; and the From address.
  std::string smtp_url;
  std::string mail_from;

  // The relying-party settings among these (issuer, client id and secret, cookie key); the
  // site derives its redirect URIs from the public URL.
  RpConfig relying_party() const;
};

// Reads "<site>.listen", "<site>.public_url", "<site>.data_dir", "<site>.issuer",
// "<site>.client_id", "<site>.client_secret", "<site>.cookie_key", "<site>.smtp_url" and
// "<site>.mail_from" from `path` (may be empty)
// and the environment. The cookie key, when not configured, is kept in <data_dir>/cookie.key
// (made 0600 on first start). Errors: kInvalidArgument naming the setting; kUnavailable.
StatusOr<SiteConfig> LoadSiteConfig(const std::string& site, const std::string& path,
                                    const std::string& default_listen,
                                    const std::string& default_data_dir);

// The same, from a site program's command line "[serve] [--config FILE]".
// Errors: kInvalidArgument with the usage line for any other argument; those of LoadSiteConfig.
StatusOr<SiteConfig> LoadSiteConfigFromArgs(int argc, char** argv, const std::string& site,
                                            const std::string& default_listen,
                                            const std::string& default_data_dir);

}  // namespace portico::rp
