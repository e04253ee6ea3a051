#include "core/settings.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace portico {
namespace {

void Flatten(const toml::table& table, const std::string& prefix,
             std::map<std::string, std::string, std::less<>>& out) {
  for (const auto& [k, node] : table) {
    std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = node.as_table()) {
      Flatten(*sub, key, out);
    } else if (const auto* s = node.as_string()) {
      out[key] = s->get();
    } else if (const auto* i = node.as_integer()) {
      out[key] = std::to_string(i->get());
    } else if (const auto* b = node.as_boolean()) {
      out[key] = b->get() ? "true" : "false";
    } else if (const auto* f = node.as_floating_point()) {
      out[key] = std::to_string(f->get());
    }
  }
}

}  // namespace

std::string Settings::EnvName(std::string_view key) {
  std::string name = "PORTICO_";
  for (char c : key) {
    if (c == '.')
      name += '_';
    else if (c >= 'a' && c <= 'z')
      name += static_cast<char>(c - 'a' + 'A');
    else
      name += c;
  }
  return name;
}

StatusOr<Settings> Settings::Load(const std::string& path,
                                  const std::vector<std::string>& known_keys) {
  Settings settings;
  if (!path.empty()) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
      return NotFoundError("configuration file " + path + " does not exist");
    // Debian's toml++ is built with exceptions: a syntax error arrives as toml::parse_error.
    try {
      toml::table parsed = toml::parse_file(path);
      Flatten(parsed, "", settings.values_);
    } catch (const toml::parse_error& err) {
      return InvalidArgumentError(path + ":" + std::to_string(err.source().begin.line) + ":" +
                                  std::to_string(err.source().begin.column) + ": " +
                                  std::string(err.description()));
    }
  }
  for (const auto& [key, value] : settings.values_) {
    if (std::find(known_keys.begin(), known_keys.end(), key) == known_keys.end())
      settings.unknown_keys_.push_back(key);
  }
  for (const auto& key : known_keys) {
    if (const char* v = std::getenv(EnvName(key).c_str())) settings.values_[key] = v;
  }
  return settings;
}

std::string Settings::GetString(std::string_view key, std::string_view fallback) const {
  auto it = values_.find(key);
  return it == values_.end() ? std::string(fallback) : it->second;
}

StatusOr<int64_t> Settings::GetInt(std::string_view key, int64_t fallback, int64_t min,
                                   int64_t max) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  const std::string& text = it->second;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE || v < min || v > max) {
    return InvalidArgumentError("setting " + std::string(key) + " must be an integer between " +
                                std::to_string(min) + " and " + std::to_string(max) + ", not '" +
                                text + "'");
  }
  return static_cast<int64_t>(v);
}

StatusOr<bool> Settings::GetBool(std::string_view key, bool fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  const std::string& v = it->second;
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  return InvalidArgumentError("setting " + std::string(key) + " must be true or false, not '" + v +
                              "'");
}

}  // namespace portico
