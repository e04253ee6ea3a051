#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <regex>

#include "http/form.h"

namespace portico::testing {

std::optional<std::string> HttpResult::Header(const std::string& lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return v;
  }
  return std::nullopt;
}

std::vector<std::string> HttpResult::SetCookies() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : headers) {
    if (k == "set-cookie") out.push_back(v);
  }
  return out;
}

HttpResult SendRaw(int port, const std::string& raw) {
  HttpResult result;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return result;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return result;
  }
  size_t sent = 0;
  while (sent < raw.size()) {
    ssize_t n = ::send(fd, raw.data() + sent, raw.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer and close before reading everything (413)
    sent += static_cast<size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  std::string response;
  char buf[16384];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    response.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);

  size_t head_end = response.find("\r\n\r\n");
  if (response.rfind("HTTP/1.", 0) != 0 || head_end == std::string::npos) return result;
  result.status = std::stoi(response.substr(9, 3));
  size_t pos = response.find("\r\n") + 2;
  while (pos < head_end) {
    size_t eol = response.find("\r\n", pos);
    std::string line = response.substr(pos, eol - pos);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      result.headers.emplace_back(name, value);
    }
    pos = eol + 2;
  }
  result.body = response.substr(head_end + 4);
  return result;
}

std::optional<std::string> Browser::Cookie(const std::string& name) const {
  auto it = cookies_.find(name);
  if (it == cookies_.end()) return std::nullopt;
  return it->second;
}

HttpResult Browser::Send(const std::string& method, const std::string& target,
                         const std::string& body, const std::string& content_type,
                         const std::vector<std::pair<std::string, std::string>>& extra) {
  std::string raw = method + " " + target +
                    " HTTP/1.1\r\nHost: localhost:" + std::to_string(port_) +
                    "\r\nConnection: close\r\nUser-Agent: portico-integration-test\r\n";
  if (!cookies_.empty()) {
    raw += "Cookie: ";
    bool first = true;
    for (const auto& [k, v] : cookies_) {
      if (!first) raw += "; ";
      raw += k + "=" + v;
      first = false;
    }
    raw += "\r\n";
  }
  if (!origin_.empty() && method == "POST") raw += "Origin: " + origin_ + "\r\n";
  for (const auto& [k, v] : extra) raw += k + ": " + v + "\r\n";
  if (method == "POST") {
    raw += "Content-Type: " + content_type + "\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n";
  }
  raw += "\r\n" + body;
  HttpResult r = SendRaw(port_, raw);
  for (const std::string& set : r.SetCookies()) {
    size_t eq = set.find('=');
    size_t semi = set.find(';');
    std::string name = set.substr(0, eq);
    std::string value =
        set.substr(eq + 1, semi == std::string::npos ? std::string::npos : semi - eq - 1);
    if (set.find("Max-Age=0") != std::string::npos)
      cookies_.erase(name);
    else
      cookies_[name] = value;
  }
  static const std::regex kToken(R"re(name="csrf_token" value="([^"]+)")re");
  std::smatch m;
  if (std::regex_search(r.body, m, kToken)) csrf_token_ = m[1];
  return r;
}

HttpResult Browser::Get(const std::string& target,
                        const std::vector<std::pair<std::string, std::string>>& extra) {
  return Send("GET", target, "", "", extra);
}

HttpResult Browser::PostForm(const std::string& target,
                             const std::vector<std::pair<std::string, std::string>>& fields,
                             const std::vector<std::pair<std::string, std::string>>& extra) {
  std::string body;
  for (const auto& [k, v] : fields) {
    if (!body.empty()) body += '&';
    body += http::PercentEncode(k) + "=" + http::PercentEncode(v);
  }
  return Send("POST", target, body, "application/x-www-form-urlencoded", extra);
}

HttpResult Browser::PostRaw(const std::string& target, const std::string& body,
                            const std::string& content_type,
                            const std::vector<std::pair<std::string, std::string>>& extra) {
  return Send("POST", target, body, content_type, extra);
}

}  // namespace portico::testing
