// Parsers for the untrusted text in a request: percent-encoding, query strings and
// application/x-www-form-urlencoded bodies (WHATWG URL §5.1), and the Cookie header
// (RFC 6265 §5.4). Each is fuzzed (tests/fuzz/).
//
// They never throw and never read past their input. Malformed input yields nullopt (forms: a
// bad percent escape or ill-formed UTF-8) so the caller can answer 400 with a clear page.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace portico::http {

// Decodes %XX escapes; when `plus_is_space`, '+' becomes ' ' (form encoding).
// nullopt on a truncated or non-hex escape.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);

// Encodes everything but unreserved characters (RFC 3986 §2.3) as %XX.
std::string PercentEncode(std::string_view text);

// Name/value pairs in order; names may repeat.
class FormData {
 public:
  // Parses "a=1&b=2". Limits: at most `max_fields` pairs. nullopt when a name or value is
  // not well-formed percent-encoding, decodes to ill-formed UTF-8, or the limit is exceeded.
  static std::optional<FormData> Parse(std::string_view encoded, size_t max_fields = 64);

  // The first value for `name`, or nullopt.
  std::optional<std::string_view> Get(std::string_view name) const;
  // The first value for `name`, or "" when absent.
  std::string_view GetOr(std::string_view name, std::string_view fallback = "") const;
  // How many times `name` occurs.
  size_t Count(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// Parses a Cookie request header into (name, value) pairs. Pairs without '=' and names with
// characters outside RFC 6265's token are skipped, not fatal: browsers send what other sites
// set. Values keep their bytes (no decoding). At most `max_cookies` pairs are kept.
std::vector<std::pair<std::string, std::string>> ParseCookieHeader(std::string_view header,
                                                                   size_t max_cookies = 64);

// The value of cookie `name` in a Cookie header, or nullopt. When a name repeats, the first
// wins (RFC 6265 §5.4: longer paths first, and Portico sets only Path=/ cookies).
std::optional<std::string> FindCookie(std::string_view header, std::string_view name);

}  // namespace portico::http
