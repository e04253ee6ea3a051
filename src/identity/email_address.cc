#include "identity/email_address.h"

#include <utf8proc.h>

#include <cstdlib>

#include "core/utf8.h"

namespace portico::identity {

StatusOr<std::string> ValidateEmailAddress(std::string_view input) {
  while (!input.empty() && (input.front() == ' ' || input.front() == '\t')) input.remove_prefix(1);
  while (!input.empty() && (input.back() == ' ' || input.back() == '\t')) input.remove_suffix(1);
  if (input.empty()) return InvalidArgumentError("Enter your e-mail address.");
  if (input.size() > 254) return InvalidArgumentError("That e-mail address is too long.");
  bool has_control = false;
  for (unsigned char c : input) has_control = has_control || c < 0x20 || c == 0x7F;
  // Line breaks would let an address inject mail headers: every control character is refused.
  if (!utf8::IsValid(input) || has_control) {
    return InvalidArgumentError("That e-mail address contains characters that are not allowed.");
  }
  size_t at = input.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= input.size() ||
      input.find('@', at + 1) != std::string_view::npos) {
    return InvalidArgumentError("Enter an e-mail address like name@example.com.");
  }
  std::string_view local = input.substr(0, at);
  std::string_view domain = input.substr(at + 1);
  if (local.size() > 64) return InvalidArgumentError("The part before @ is too long.");
  // RFC 5321 §4.1.2 dot-string: dots only between characters.
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return InvalidArgumentError("Enter an e-mail address like name@example.com.");
  }
  for (char c : input) {
    if (c == ' ' || c == '\t' || c == '<' || c == '>' || c == ',' || c == ';' || c == '\\' ||
        c == '"') {
      return InvalidArgumentError("That e-mail address contains characters that are not allowed.");
    }
  }
  if (domain.find('.') == std::string_view::npos || domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos || domain.front() == '-') {
    return InvalidArgumentError("Enter an e-mail address like name@example.com.");
  }
  return std::string(input);
}

std::string EmailKey(std::string_view address) {
  utf8proc_uint8_t* folded = nullptr;
  utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(address.data()),
                   static_cast<utf8proc_ssize_t>(address.size()), &folded,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT |
                                                  UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD));
  if (n < 0) {
    // Not valid UTF-8 (callers validate first): fall back to ASCII lower-casing.
    std::string key(address);
    for (char& c : key) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return key;
  }
  std::string key(reinterpret_cast<char*>(folded), static_cast<size_t>(n));
  std::free(folded);
  return key;
}

}  // namespace portico::identity
