// Request and Response: the plain values that handlers see.
//
// The server (server.cc, the only file that knows Boost.Beast) turns wire messages into these and
// back, so handlers are ordinary functions of a Request that tests call without sockets.
// Header names are stored lower-case. Values are owned; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace portico::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "GET", "POST", … as sent
  std::string target;  // origin-form request target, e.g. "/signin?return_to=%2F"
  std::string path;    // target before '?', not percent-decoded
  std::string query;   // target after '?', without it; empty when absent
  HeaderList headers;  // lower-case names, in arrival order
  std::string body;
  std::string remote_address;  // peer IP, for logs and throttling

  // The first header named `name` (lower-case), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const;
};

struct Response {
  int status = 200;
  HeaderList headers;
  std::string body;

  // Sets (replacing) a header; `name` is given in canonical case for the wire.
  void SetHeader(std::string name, std::string value);
  // Appends a header (for Set-Cookie, which may repeat).
  void AddHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
  std::optional<std::string_view> Header(std::string_view name) const;  // case-insensitive
};

// Splits an origin-form target into path and query.
void SplitTarget(std::string_view target, std::string* path, std::string* query);

// The origin ("scheme://host[:port]") of an absolute URL; "" when `url` is not absolute.
std::string OriginOf(std::string_view url);

// A 303 See Other to `location` (RFC 9110 §15.4.4: the answer to a POST that moved on).
Response SeeOther(std::string location);

// Case-insensitive ASCII comparison for header names.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace portico::http
