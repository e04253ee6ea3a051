// UTF-8 checks used wherever untrusted bytes become text (forms, cookies, log lines).
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace portico::utf8 {

// True when `text` is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF).
bool IsValid(std::string_view text);

// Number of code points in valid UTF-8 `text` (the unit NIST SP 800-63B counts passwords in).
size_t CountCodePoints(std::string_view text);

// A copy of `text` with every ill-formed sequence replaced by U+FFFD.
std::string ReplaceInvalid(std::string_view text);

// True when `text` contains a C0 control character other than tab, CR, LF, or DEL.
bool HasControlCharacters(std::string_view text);

}  // namespace portico::utf8
