// Tests for identity/email_address.h: address syntax and the case-insensitive key.
#include "identity/email_address.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace portico::identity {
namespace {

void ExpectAccepted(const std::string& input, const std::string& expected) {
  auto result = ValidateEmailAddress(input);
  ASSERT_TRUE(result.ok()) << "'" << input << "': " << result.status().ToString();
  EXPECT_EQ(*result, expected);
}

void ExpectRejected(const std::string& input) {
  auto result = ValidateEmailAddress(input);
  ASSERT_FALSE(result.ok()) << "'" << input << "' was accepted as '" << *result << "'";
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << input;
  EXPECT_FALSE(result.status().message().empty()) << input;
}

// A domain of `length` bytes made of DNS labels of at most 63 characters, ending in ".com".
std::string DomainOfLength(size_t length) {
  std::string domain;
  size_t body = length - 4;
  while (domain.size() < body) {
    size_t room = body - domain.size();
    if (!domain.empty()) {
      domain += '.';
      --room;
    }
    domain += std::string(std::min<size_t>(room, 63), 'd');
  }
  return domain + ".com";
}

TEST(EmailAddressTest, AcceptsCommonForms) {
  ExpectAccepted("ada@example.com", "ada@example.com");
  ExpectAccepted("ada.lovelace+portico@mail.example.co.uk",
                 "ada.lovelace+portico@mail.example.co.uk");
  ExpectAccepted("o'brien@example.ie", "o'brien@example.ie");
  ExpectAccepted("first_last-1@sub-domain.example.org", "first_last-1@sub-domain.example.org");
  ExpectAccepted("x@y.io", "x@y.io");
  ExpectAccepted("jos\xC3\xA9@ex\xC3\xA4mple.de",
                 "jos\xC3\xA9@ex\xC3\xA4mple.de");  // internationalized
}

TEST(EmailAddressTest, KeepsTypedCaseAndTrimsSurroundingSpace) {
  ExpectAccepted("Ada@Example.COM", "Ada@Example.COM");
  ExpectAccepted("  ada@example.com\t", "ada@example.com");
}

TEST(EmailAddressTest, RejectsEmpty) {
  ExpectRejected("");
  ExpectRejected("   ");
}

TEST(EmailAddressTest, RejectsMissingAt) {
  ExpectRejected("adaexample.com");
  ExpectRejected("ada");
}

TEST(EmailAddressTest, RejectsEmptyLocalPartOrDomain) {
  ExpectRejected("@example.com");
  ExpectRejected("ada@");
}

TEST(EmailAddressTest, RejectsDomainWithoutDot) {
  ExpectRejected("ada@example");
  ExpectRejected("ada@localhost");
}

TEST(EmailAddressTest, RejectsSpaces) {
  ExpectRejected("ada lovelace@example.com");
  ExpectRejected("ada@exa mple.com");
  ExpectRejected("ada@example.com extra");
}

TEST(EmailAddressTest, RejectsLeadingTrailingOrDoubleDotsInDomain) {
  ExpectRejected("ada@.example.com");
  ExpectRejected("ada@example.com.");
  ExpectRejected("ada@example..com");
}

TEST(EmailAddressTest, RejectsLeadingTrailingOrDoubleDotsInLocalPart) {
  // RFC 5321 §4.1.2: Dot-string = Atom *("." Atom); dots only between atoms.
  ExpectRejected(".ada@example.com");
  ExpectRejected("ada.@example.com");
  ExpectRejected("ada..lovelace@example.com");
}

TEST(EmailAddressTest, RejectsMoreThanOneAt) { ExpectRejected("ada@lovelace@example.com"); }

TEST(EmailAddressTest, RejectsSpecialCharacters) {
  ExpectRejected("ada<x>@example.com");
  ExpectRejected("ada,bob@example.com");
  ExpectRejected("\"ada\"@example.com");
  ExpectRejected("ada\\x@example.com");
}

TEST(EmailAddressTest, Accepts254BytesAndRejects255) {
  std::string local(64, 'a');
  std::string at_limit = local + "@" + DomainOfLength(254 - 65);
  ASSERT_EQ(at_limit.size(), 254u);
  ExpectAccepted(at_limit, at_limit);
  std::string over = local + "@" + DomainOfLength(255 - 65);
  ASSERT_EQ(over.size(), 255u);
  ExpectRejected(over);
}

TEST(EmailAddressTest, Accepts64ByteLocalPartAndRejects65) {
  ExpectAccepted(std::string(64, 'a') + "@example.com", std::string(64, 'a') + "@example.com");
  ExpectRejected(std::string(65, 'a') + "@example.com");
}

TEST(EmailAddressTest, RejectsInvalidUtf8) {
  ExpectRejected("ada\xFF@example.com");
  ExpectRejected("ada@exa\xC0\xAFmple.com");
  ExpectRejected("ada@example.co\xE2\x82");
}

TEST(EmailAddressTest, RejectsControlCharacters) {
  ExpectRejected("ada\x01@example.com");
  ExpectRejected("ada\x7F@example.com");
  ExpectRejected(std::string("ada\0@example.com", 16));
}

TEST(EmailAddressTest, RejectsLineBreaks) {
  // CR and LF are fine in free text but never in an address (mail header injection).
  ExpectRejected("ada\n@example.com");
  ExpectRejected("ada\r@example.com");
  ExpectRejected("ada@example.com\r\nBcc:eve@example.com");
}

TEST(EmailKeyTest, IsCaseInsensitiveForAscii) {
  EXPECT_EQ(EmailKey("Ada@Example.COM"), EmailKey("ada@example.com"));
  EXPECT_EQ(EmailKey("ADA@EXAMPLE.COM"), "ada@example.com");
}

TEST(EmailKeyTest, IsCaseInsensitiveForNonAscii) {
  EXPECT_EQ(EmailKey("\xC3\x84"
                     "DA@example.com"),
            EmailKey("\xC3\xA4"
                     "da@example.com"));  // ÄDA / äda
  EXPECT_EQ(EmailKey("\xC3\x84"
                     "DA@example.com"),
            "\xC3\xA4"
            "da@example.com");
}

TEST(EmailKeyTest, NormalizesCompatibilityAndCompositionForms) {
  // Full-width ＡＤＡ and a decomposed ä (a + U+0308) compare equal to their plain forms.
  EXPECT_EQ(EmailKey("\xEF\xBC\xA1\xEF\xBC\xA4\xEF\xBC\xA1@example.com"),
            EmailKey("ada@example.com"));
  EXPECT_EQ(EmailKey("a\xCC\x88"
                     "da@example.com"),
            EmailKey("\xC3\xA4"
                     "da@example.com"));
}

TEST(EmailKeyTest, DistinguishesDifferentAddresses) {
  EXPECT_NE(EmailKey("ada@example.com"), EmailKey("bob@example.com"));
  EXPECT_NE(EmailKey("ada@example.com"), EmailKey("ada@example.org"));
  EXPECT_NE(EmailKey("\xC3\xA4"
                     "da@example.com"),
            EmailKey("ada@example.com"));
}

TEST(EmailKeyTest, ValidateKeepsTypedFormWhileKeysMatch) {
  auto typed = ValidateEmailAddress("Ada.Lovelace@Example.com");
  ASSERT_TRUE(typed.ok());
  EXPECT_EQ(*typed, "Ada.Lovelace@Example.com");
  EXPECT_EQ(EmailKey(*typed), EmailKey("ada.lovelace@example.com"));
}

}  // namespace
}  // namespace portico::identity
