#include "network_config.h"

#include "core/log.h"
#include "core/settings.h"

namespace portico::network {

const std::vector<std::string>& NetworkConfigKeys() {
  static const std::vector<std::string> keys = {
      "listen",
      "public_url",
      "http.io_threads",
      "http.worker_threads",
      "http.access_log",
      "data_dir",
      "password.strict",
      "password.pepper",
      "log.level",
      "session.idle_minutes",
      "session.absolute_hours",
      "session.remember_days",
      "keys.encryption_key",
      "keys.reload_seconds",
      "mail.smtp_url",
      "mail.require_starttls",
      "mail.username",
      "mail.password",
      "mail.from",
      "mail.dir",
      "mail.max_attempts",
      "mail.retry_seconds",
      "mail.poll_seconds",
      "mail.per_address_per_hour",
      "mail.per_account_per_hour",
  };
  return keys;
}

Status ParseListen(const std::string& text, std::string* host, uint16_t* port) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= text.size()) {
    return InvalidArgumentError("listen must look like 127.0.0.1:8080, not '" + text + "'");
  }
  std::string h = text.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  std::string p = text.substr(colon + 1);
  char* end = nullptr;
  long value = std::strtol(p.c_str(), &end, 10);
  if (*end != '\0' || value < 0 || value > 65535) {
    return InvalidArgumentError("listen has a bad port: '" + p + "'");
  }
  if (h == "localhost") h = "127.0.0.1";
  *host = h;
  *port = static_cast<uint16_t>(value);
  return OkStatus();
}

StatusOr<NetworkConfig> LoadNetworkConfig(const std::string& path) {
  PORTICO_ASSIGN_OR_RETURN(Settings s, Settings::Load(path, NetworkConfigKeys()));
  for (const auto& key : s.unknown_keys())
    log::Warn("unknown_setting", {{"key", key}, {"file", path}});
  NetworkConfig c;
  PORTICO_RETURN_IF_ERROR(
      ParseListen(s.GetString("listen", "127.0.0.1:8080"), &c.listen_address, &c.listen_port));
  c.public_url = s.GetString("public_url", "");
  while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();
  if (!c.public_url.empty() && c.public_url.rfind("https://", 0) != 0 &&
      c.public_url.rfind("http://", 0) != 0) {
    return InvalidArgumentError("public_url must start with https:// (or http:// for local use)");
  }
  c.data_dir = s.GetString("data_dir", "./var");
  PORTICO_ASSIGN_OR_RETURN(c.strict_passwords, s.GetBool("password.strict", false));
  c.password_pepper = s.GetString("password.pepper", "");
  PORTICO_ASSIGN_OR_RETURN(int64_t io, s.GetInt("http.io_threads", 0, 0, 256));
  PORTICO_ASSIGN_OR_RETURN(int64_t workers, s.GetInt("http.worker_threads", 0, 0, 256));
  c.io_threads = static_cast<int>(io);
  c.worker_threads = static_cast<int>(workers);
  PORTICO_ASSIGN_OR_RETURN(c.access_log, s.GetBool("http.access_log", true));
  c.log_level = s.GetString("log.level", "info");
  PORTICO_ASSIGN_OR_RETURN(c.session_idle_minutes,
                           s.GetInt("session.idle_minutes", 30, 1, 7 * 24 * 60));
  PORTICO_ASSIGN_OR_RETURN(c.session_absolute_hours,
                           s.GetInt("session.absolute_hours", 12, 1, 24 * 30));
  PORTICO_ASSIGN_OR_RETURN(c.remember_days, s.GetInt("session.remember_days", 30, 1, 365));
  c.key_encryption_key = s.GetString("keys.encryption_key", "");
  PORTICO_ASSIGN_OR_RETURN(c.keys_reload_seconds, s.GetInt("keys.reload_seconds", 60, 1, 3600));
  c.mail_smtp_url = s.GetString("mail.smtp_url", "");
  if (!c.mail_smtp_url.empty() && c.mail_smtp_url.rfind("smtp://", 0) != 0 &&
      c.mail_smtp_url.rfind("smtps://", 0) != 0) {
    return InvalidArgumentError("mail.smtp_url must start with smtp:// or smtps://");
  }
  PORTICO_ASSIGN_OR_RETURN(c.mail_require_starttls, s.GetBool("mail.require_starttls", false));
  c.mail_username = s.GetString("mail.username", "");
  c.mail_password = s.GetString("mail.password", "");
  c.mail_from = s.GetString("mail.from", c.mail_from);
  if (c.mail_from.find('@') == std::string::npos || c.mail_from.find('\n') != std::string::npos ||
      c.mail_from.find('\r') != std::string::npos) {
    return InvalidArgumentError(
        "mail.from must be an address, like Portico <no-reply@example.org>");
  }
  c.mail_dir = s.GetString("mail.dir", "");
  PORTICO_ASSIGN_OR_RETURN(c.mail_max_attempts, s.GetInt("mail.max_attempts", 8, 1, 100));
  PORTICO_ASSIGN_OR_RETURN(c.mail_retry_seconds, s.GetInt("mail.retry_seconds", 30, 1, 86400));
  PORTICO_ASSIGN_OR_RETURN(c.mail_poll_seconds, s.GetInt("mail.poll_seconds", 30, 1, 3600));
  PORTICO_ASSIGN_OR_RETURN(c.mail_per_address_per_hour,
                           s.GetInt("mail.per_address_per_hour", 5, 1, 10000));
  PORTICO_ASSIGN_OR_RETURN(c.mail_per_account_per_hour,
                           s.GetInt("mail.per_account_per_hour", 10, 1, 10000));
  return c;
}

}  // namespace portico::network
