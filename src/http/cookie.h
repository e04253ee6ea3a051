// Set-Cookie values (RFC 6265 §4.1, with the __Host- prefix of RFC 6265bis §4.1.3).
//
// Portico's cookies are host-only, Path=/, Secure, HttpOnly and SameSite=Lax unless a caller
// chooses stricter; the __Host- prefix makes the browser enforce the first three.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace portico::http {

struct CookieSpec {
  std::string name;                        // e.g. "__Host-portico-session"
  std::string value;                       // token characters only (base64url)
  std::optional<int64_t> max_age_seconds;  // nullopt: a browser-session cookie
  bool http_only = true;
  std::string same_site = "Lax";  // "Lax" or "Strict"
};

// The Set-Cookie header value for `spec`.
std::string FormatSetCookie(const CookieSpec& spec);

// A Set-Cookie value that deletes cookie `name` (Max-Age=0, same attributes).
std::string FormatDeleteCookie(std::string_view name);

}  // namespace portico::http
