// The courier's message format: RFC 5322 headers, MIME parts, RFC 2047 subjects, and refusal of
// header injection.
#include "courier/mime.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "crypto/encoding.h"

namespace portico::courier {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Message Sample() {
  Message m;
  m.to = "ada@example.org";
  m.subject = "Choose a new password";
  m.text = "Hello Ada,\nthe link: https://network.example/password/reset?token=abc\n";
  m.html = "<p>Hello Ada &amp; friends</p>";
  m.kind = "password-reset";
  return m;
}

Envelope SampleEnvelope() {
  return {"Portico <no-reply@network.example>", "<id-1@network.example>", "=_boundary42",
          1796054400};
}

// The decoded body of the part of type `type`.
std::string Part(const std::string& mime, const std::string& type) {
  size_t at = mime.find("Content-Type: " + type);
  size_t start = mime.find("\r\n\r\n", at) + 4;
  size_t end = mime.find("\r\n--", start);
  std::string encoded;
  for (char c : mime.substr(start, end - start))
    if (c != '\r' && c != '\n') encoded += c;
  return crypto::Base64Decode(encoded).value_or("<undecodable>");
}

TEST(MimeTest, ComposesHeadersAndBothPartsWithCrlfLines) {
  auto mime = ComposeMime(Sample(), SampleEnvelope());
  ASSERT_TRUE(mime.ok()) << mime.status().ToString();
  EXPECT_EQ(mime->rfind("From: Portico <no-reply@network.example>\r\nTo: <ada@example.org>\r\n", 0),
            0u);
  EXPECT_THAT(*mime, HasSubstr("\r\nSubject: Choose a new password\r\n"));
  EXPECT_THAT(*mime, HasSubstr("\r\nDate: Mon, 30 Nov 2026 16:00:00 +0000\r\n"));
  EXPECT_THAT(*mime, HasSubstr("\r\nMessage-ID: <id-1@network.example>\r\n"));
  EXPECT_THAT(*mime, HasSubstr("\r\nAuto-Submitted: auto-generated\r\n"));
  EXPECT_THAT(*mime, HasSubstr("multipart/alternative; boundary=\"=_boundary42\""));
  EXPECT_THAT(*mime, HasSubstr("\r\n--=_boundary42--\r\n"));
  EXPECT_EQ(Part(*mime, "text/plain"), Sample().text);
  EXPECT_EQ(Part(*mime, "text/html"), Sample().html);
  // No bare LF, and no line longer than RFC 5322 §2.1.1's 78 characters.
  for (size_t i = 0; i < mime->size(); ++i) {
    if ((*mime)[i] == '\n') {
      ASSERT_EQ((*mime)[i - 1], '\r') << "bare LF at " << i;
    }
  }
  size_t start = 0;
  while (start < mime->size()) {
    size_t end = mime->find("\r\n", start);
    EXPECT_LE(end - start, 78u) << mime->substr(start, end - start);
    start = end + 2;
  }
}

TEST(MimeTest, ANonAsciiSubjectAndSenderNameBecomeEncodedWords) {
  Message m = Sample();
  m.subject = "Wählen Sie ein neues Passwort — jetzt, bitte, solange der Link gilt";
  Envelope e = SampleEnvelope();
  e.from = "Pörtico <no-reply@network.example>";
  auto mime = ComposeMime(m, e);
  ASSERT_TRUE(mime.ok());
  EXPECT_THAT(*mime, HasSubstr("From: =?UTF-8?B?"));
  EXPECT_THAT(*mime, Not(HasSubstr("Wählen")));
  // Each word decodes to whole UTF-8 characters; together they are the subject.
  std::string decoded;
  size_t at = mime->find("Subject: ");
  size_t end = mime->find("\r\nDate:");
  std::string header = mime->substr(at, end - at);
  for (size_t w = header.find("=?UTF-8?B?"); w != std::string::npos;
       w = header.find("=?UTF-8?B?", w + 1)) {
    size_t close = header.find("?=", w + 10);
    auto part = crypto::Base64Decode(header.substr(w + 10, close - w - 10));
    ASSERT_TRUE(part.has_value());
    decoded += *part;
  }
  EXPECT_EQ(decoded, m.subject);
}

TEST(MimeTest, RefusesHeaderInjectionAndAMissingRecipient) {
  Message m = Sample();
  m.subject = "Hello\r\nBcc: victim@example.org";
  EXPECT_EQ(ComposeMime(m, SampleEnvelope()).status().code(), StatusCode::kInvalidArgument);
  m = Sample();
  m.to = "ada@example.org\nBcc: x@example.org";
  EXPECT_EQ(ComposeMime(m, SampleEnvelope()).status().code(), StatusCode::kInvalidArgument);
  m = Sample();
  m.to = "";
  EXPECT_EQ(ComposeMime(m, SampleEnvelope()).status().code(), StatusCode::kInvalidArgument);
}

TEST(MimeTest, AddressOfTakesTheBracketedPart) {
  EXPECT_EQ(AddressOf("Portico <no-reply@example.org>"), "no-reply@example.org");
  EXPECT_EQ(AddressOf("plain@example.org"), "plain@example.org");
}

}  // namespace
}  // namespace portico::courier
