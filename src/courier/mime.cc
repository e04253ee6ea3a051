#include "courier/mime.h"

#include <ctime>

#include "crypto/encoding.h"

namespace portico::courier {
namespace {

bool HasControl(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

bool IsAscii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

// RFC 2047 §4.1 "B" encoded words, each short enough for a 78-column header line and never
// splitting a UTF-8 sequence.
std::string EncodeWords(std::string_view text) {
  if (IsAscii(text)) return std::string(text);
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = std::min(text.size(), start + 45);
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + crypto::Base64Encode(text.substr(start, end - start)) + "?=";
    start = end;
  }
  return out;
}

// "Name <addr>" with the name encoded when it is not plain ASCII.
std::string EncodeMailbox(std::string_view mailbox) {
  size_t open = mailbox.rfind('<');
  if (open == std::string_view::npos || open == 0) return std::string(mailbox);
  std::string_view name = mailbox.substr(0, open);
  while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
  return EncodeWords(name) + " " + std::string(mailbox.substr(open));
}

void AppendBase64Lines(std::string& out, std::string_view body) {
  std::string encoded = crypto::Base64Encode(body);
  for (size_t i = 0; i < encoded.size(); i += 76) out += encoded.substr(i, 76) + "\r\n";
}

}  // namespace

std::string AddressOf(std::string_view mailbox) {
  size_t open = mailbox.rfind('<');
  size_t close = mailbox.rfind('>');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    return std::string(mailbox);
  return std::string(mailbox.substr(open + 1, close - open - 1));
}

std::string MailDate(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buffer;
}

StatusOr<std::string> ComposeMime(const Message& m, const Envelope& e) {
  if (m.to.empty()) return InvalidArgumentError("a message needs a recipient");
  for (std::string_view field :
       {std::string_view(m.to), std::string_view(m.subject), std::string_view(e.from),
        std::string_view(e.message_id), std::string_view(e.boundary)}) {
    if (HasControl(field)) return InvalidArgumentError("a header holds a control character");
  }
  std::string out;
  out += "From: " + EncodeMailbox(e.from) + "\r\n";
  out += "To: <" + AddressOf(m.to) + ">\r\n";
  out += "Subject: " + EncodeWords(m.subject) + "\r\n";
  out += "Date: " + MailDate(e.date) + "\r\n";
  out += "Message-ID: " + e.message_id + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  // RFC 3834: an automatic message; well-behaved responders do not answer it.
  out += "Auto-Submitted: auto-generated\r\n";
  out += "Content-Type: multipart/alternative; boundary=\"" + e.boundary + "\"\r\n";
  out += "\r\n";
  out += "--" + e.boundary + "\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n\r\n";
  AppendBase64Lines(out, m.text);
  out += "--" + e.boundary + "\r\n";
  out += "Content-Type: text/html; charset=utf-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n\r\n";
  AppendBase64Lines(out, m.html);
  out += "--" + e.boundary + "--\r\n";
  return out;
}

}  // namespace portico::courier
