// A small blocking HTTP/1.1 client over POSIX sockets for integration tests: it sends exactly
// the bytes a test gives (so malformed requests can be sent) and reads the answer to EOF.
// Browser keeps cookies and the CSRF token the way a browser and a person would.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace portico::testing {

struct HttpResult {
  int status = 0;  // 0: no answer (connection closed without a status line)
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names
  std::string body;

  std::optional<std::string> Header(const std::string& lower_name) const;
  std::vector<std::string> SetCookies() const;
};

// Sends `raw` to 127.0.0.1:`port` and reads the response until the server closes.
HttpResult SendRaw(int port, const std::string& raw);

// A cookie-keeping client. Requests carry "Connection: close".
class Browser {
 public:
  explicit Browser(int port, std::string origin = "") : port_(port), origin_(std::move(origin)) {}

  HttpResult Get(const std::string& target,
                 const std::vector<std::pair<std::string, std::string>>& extra = {});
  // POSTs application/x-www-form-urlencoded `fields` (percent-encoded here).
  HttpResult PostForm(const std::string& target,
                      const std::vector<std::pair<std::string, std::string>>& fields,
                      const std::vector<std::pair<std::string, std::string>>& extra = {});
  HttpResult PostRaw(const std::string& target, const std::string& body,
                     const std::string& content_type,
                     const std::vector<std::pair<std::string, std::string>>& extra = {});

  // The csrf_token value of the first form in the last HTML page received.
  const std::string& csrf_token() const { return csrf_token_; }
  std::optional<std::string> Cookie(const std::string& name) const;
  void SetCookie(const std::string& name, const std::string& value) { cookies_[name] = value; }
  void ClearCookies() { cookies_.clear(); }

 private:
  HttpResult Send(const std::string& method, const std::string& target, const std::string& body,
                  const std::string& content_type,
                  const std::vector<std::pair<std::string, std::string>>& extra);

  int port_;
  std::string origin_;
  std::map<std::string, std::string> cookies_;
  std::string csrf_token_;
};

}  // namespace portico::testing
