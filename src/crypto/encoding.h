// Byte encodings: base64url (RFC 4648 §5, no padding) and lower-case hex.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace portico::crypto {

std::string Base64UrlEncode(std::string_view bytes);
// Decodes unpadded base64url; nullopt on any character outside the alphabet or a bad length.
std::optional<std::string> Base64UrlDecode(std::string_view text);

// Encodes standard base64 with padding (RFC 4648 §4), as HTTP Basic authentication uses.
std::string Base64Encode(std::string_view bytes);

// Decodes standard base64 with padding (RFC 4648 §4), as HTTP Basic authentication uses.
std::optional<std::string> Base64Decode(std::string_view text);

std::string HexEncode(std::string_view bytes);

}  // namespace portico::crypto
