// NetworkConfig: every setting of the Network, from a TOML file and PORTICO_* environment
// variables (docs/operations/configuration.md lists them). Plain value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace portico::network {

struct NetworkConfig {
  std::string listen_address = "127.0.0.1";
  uint16_t listen_port = 8080;
  std::string public_url;  // empty: http://localhost:<port>
  std::string data_dir = "./var";
  bool strict_passwords = false;
  std::string password_pepper;
  int io_threads = 0;
  int worker_threads = 0;
  bool access_log = true;
  std::string log_level = "info";
  int64_t session_idle_minutes = 30;
  int64_t session_absolute_hours = 12;
  int64_t remember_days = 30;
  // 32-byte key that seals signing keys at rest, base64url. Empty: a key file in data_dir
  // (key-encryption.key, created on first start); production should set it from a secret store.
  std::string key_encryption_key;
  // How soon a server sees a key rotation made by another process (the CLI).
  int64_t keys_reload_seconds = 60;

  // Mail (docs/operations/configuration.md, "Mail"). No smtp_url: messages become .eml files
  // in mail_dir (default <data_dir>/mail), which is what ./run uses.
  std::string mail_smtp_url;  // smtp://host:587 or smtps://host:465
  bool mail_require_starttls = false;
  std::string mail_username;
  std::string mail_password;
  std::string mail_from = "Portico <no-reply@localhost>";
  std::string mail_dir;
  int64_t mail_max_attempts = 8;
  int64_t mail_retry_seconds = 30;  // the first wait after a failed delivery; doubles after
  int64_t mail_poll_seconds = 30;   // how often the outbox is checked without a wake-up
  int64_t mail_per_address_per_hour = 5;
  int64_t mail_per_account_per_hour = 10;

  std::string DatabasePath() const { return data_dir + "/network.db"; }
};

// The keys NetworkConfig reads (each also as PORTICO_<KEY> in the environment).
const std::vector<std::string>& NetworkConfigKeys();

// Loads from `path` (empty: environment only). Errors: kInvalidArgument/kNotFound naming the
// setting or file at fault.
StatusOr<NetworkConfig> LoadNetworkConfig(const std::string& path);

// Splits "host:port" ("[::1]:8080" for IPv6). Errors: kInvalidArgument.
Status ParseListen(const std::string& text, std::string* host, uint16_t* port);

}  // namespace portico::network
