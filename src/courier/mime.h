// Internet message format for the courier: RFC 5322 headers and a MIME multipart/alternative
// body (RFC 2045–2046) carrying the text and HTML versions, each base64-encoded UTF-8 so that no
// line is too long and no byte needs an 8-bit path. A non-ASCII subject or display name is an
// RFC 2047 encoded word.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "courier/message.h"

namespace portico::courier {

struct Envelope {
  std::string from;        // "Portico <no-reply@example.org>" or a bare address
  std::string message_id;  // "<random@example.org>"
  std::string boundary;    // random, never found in base64 text
  int64_t date = 0;        // Unix seconds, becomes the Date header
};

// The full message (headers, blank line, body) with CRLF line ends.
// Errors: kInvalidArgument when an address or the subject holds a CR, LF or other control
// character (header injection) or the recipient is empty.
StatusOr<std::string> ComposeMime(const Message& message, const Envelope& envelope);

// The bare address inside "Name <addr>" (or the whole text when there are no brackets).
std::string AddressOf(std::string_view mailbox);

// RFC 5322 §3.3 date-time in UTC: "Sun, 29 Nov 2026 15:48:13 +0000".
std::string MailDate(int64_t unix_seconds);

}  // namespace portico::courier
