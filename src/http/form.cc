#include "http/form.h"

#include "core/utf8.h"

namespace portico::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsTokenChar(unsigned char c) {
  // RFC 9110 §5.6.2 tchar.
  if (c >= '0' && c <= '9') return true;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  // Written through a pointer into a buffer of the input's size (the output is never longer):
  // a token-sized form value is decoded without a capacity check per character.
  std::string out(text.size(), '\0');
  char* o = out.data();
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      *o++ = static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      *o++ = c == '+' && plus_is_space ? ' ' : c;
    }
  }
  out.resize(static_cast<size_t>(o - out.data()));
  return out;
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::optional<FormData> FormData::Parse(std::string_view encoded, size_t max_fields) {
  FormData form;
  size_t start = 0;
  while (start <= encoded.size()) {
    size_t end = encoded.find('&', start);
    if (end == std::string_view::npos) end = encoded.size();
    std::string_view pair = encoded.substr(start, end - start);
    if (!pair.empty()) {
      if (form.fields_.size() >= max_fields) return std::nullopt;
      size_t eq = pair.find('=');
      std::string_view raw_name = pair.substr(0, eq);
      std::string_view raw_value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
      auto name = PercentDecode(raw_name, true);
      auto value = PercentDecode(raw_value, true);
      if (!name || !value) return std::nullopt;
      if (!utf8::IsValid(*name) || !utf8::IsValid(*value)) return std::nullopt;
      form.fields_.emplace_back(std::move(*name), std::move(*value));
    }
    if (end == encoded.size()) break;
    start = end + 1;
  }
  return form;
}

std::optional<std::string_view> FormData::Get(std::string_view name) const {
  for (const auto& [k, v] : fields_) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::string_view FormData::GetOr(std::string_view name, std::string_view fallback) const {
  auto v = Get(name);
  return v ? *v : fallback;
}

size_t FormData::Count(std::string_view name) const {
  size_t n = 0;
  for (const auto& [k, v] : fields_) n += (k == name);
  return n;
}

std::vector<std::pair<std::string, std::string>> ParseCookieHeader(std::string_view header,
                                                                   size_t max_cookies) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (start <= header.size() && out.size() < max_cookies) {
    size_t end = header.find(';', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view pair = TrimSpaces(header.substr(start, end - start));
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && eq > 0) {
      std::string_view name = TrimSpaces(pair.substr(0, eq));
      std::string_view value = TrimSpaces(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      bool name_ok = !name.empty();
      for (unsigned char c : name) name_ok = name_ok && IsTokenChar(c);
      if (name_ok) out.emplace_back(std::string(name), std::string(value));
    }
    if (end == header.size()) break;
    start = end + 1;
  }
  return out;
}

std::optional<std::string> FindCookie(std::string_view header, std::string_view name) {
  for (auto& [k, v] : ParseCookieHeader(header)) {
    if (k == name) return std::move(v);
  }
  return std::nullopt;
}

}  // namespace portico::http
