// Structured logging: one JSON object per line on stderr.
//
// Every line has "ts" (RFC 3339 UTC), "level" and "event" (a stable snake_case name that
// operators can alert on), then the caller's fields. Secrets (passwords, session ids, tokens)
// are never passed here. Thread-safe: a line is written with a single write(2).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace portico::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// A field value is always rendered as a JSON string unless it came from a number.
struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v), quoted(true) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v), quoted(true) {}
  Field(std::string_view k, const char* v) : key(k), value(v), quoted(true) {}
  Field(std::string_view k, long long v) : key(k), value(std::to_string(v)), quoted(false) {}
  Field(std::string_view k, int v) : key(k), value(std::to_string(v)), quoted(false) {}
  Field(std::string_view k, unsigned v) : key(k), value(std::to_string(v)), quoted(false) {}
  Field(std::string_view k, long v) : key(k), value(std::to_string(v)), quoted(false) {}
  Field(std::string_view k, unsigned long v) : key(k), value(std::to_string(v)), quoted(false) {}
  Field(std::string_view k, double v) : key(k), value(std::to_string(v)), quoted(false) {}
  std::string_view key;
  std::string value;
  bool quoted;
};

// Lines below this level are dropped. Default kInfo; PORTICO_LOG_LEVEL=debug|info|warn|error.
void SetMinLevel(Level level);
bool ParseLevel(std::string_view name, Level* out);

void Write(Level level, std::string_view event, std::initializer_list<Field> fields = {});
inline void Info(std::string_view event, std::initializer_list<Field> fields = {}) {
  Write(Level::kInfo, event, fields);
}
inline void Warn(std::string_view event, std::initializer_list<Field> fields = {}) {
  Write(Level::kWarn, event, fields);
}
inline void Error(std::string_view event, std::initializer_list<Field> fields = {}) {
  Write(Level::kError, event, fields);
}

// Appends `text` to `out` as a quoted JSON string (RFC 8259 §7), escaping control characters;
// invalid UTF-8 bytes are replaced by U+FFFD so the line stays valid JSON.
void AppendJsonString(std::string& out, std::string_view text);

}  // namespace portico::log
