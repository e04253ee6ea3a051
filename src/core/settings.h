// Settings: configuration from a TOML file, overridden by environment variables.
//
// Keys are dotted paths ("http.listen", "session.idle_timeout_minutes"). A key's environment
// variable is PORTICO_ + the key upper-cased with '.' → '_' (PORTICO_HTTP_LISTEN); the
// environment wins over the file, so containers and tests need no file at all. Values are kept
// as text and parsed by the typed getters, which report the key on a bad value.
// Immutable after Load; thread-safe for reads.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace portico {

class Settings {
 public:
  // Reads `path` (empty: no file) then the environment for the `known_keys`.
  // Errors: kNotFound (missing file), kInvalidArgument (TOML syntax, with line and column).
  static StatusOr<Settings> Load(const std::string& path,
                                 const std::vector<std::string>& known_keys);

  // Sets a value directly (tests, command-line flags).
  void Set(std::string key, std::string value) { values_[std::move(key)] = std::move(value); }

  std::string GetString(std::string_view key, std::string_view fallback) const;
  // Errors: kInvalidArgument naming the key when the value is not an integer in [min, max].
  StatusOr<int64_t> GetInt(std::string_view key, int64_t fallback, int64_t min, int64_t max) const;
  // Accepts true/false/1/0/yes/no/on/off.
  StatusOr<bool> GetBool(std::string_view key, bool fallback) const;

  // Keys found in the file that are not among the known keys (likely misspelled): the caller
  // should warn about them.
  const std::vector<std::string>& unknown_keys() const { return unknown_keys_; }

  // The environment variable name for `key`.
  static std::string EnvName(std::string_view key);

 private:
  std::map<std::string, std::string, std::less<>> values_;
  std::vector<std::string> unknown_keys_;
};

}  // namespace portico
