#include "http/cookie.h"

namespace portico::http {

std::string FormatSetCookie(const CookieSpec& spec) {
  std::string out = spec.name + "=" + spec.value + "; Path=/; Secure";
  if (spec.http_only) out += "; HttpOnly";
  out += "; SameSite=" + spec.same_site;
  if (spec.max_age_seconds) out += "; Max-Age=" + std::to_string(*spec.max_age_seconds);
  return out;
}

std::string FormatDeleteCookie(std::string_view name) {
  return std::string(name) + "=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0";
}

}  // namespace portico::http
