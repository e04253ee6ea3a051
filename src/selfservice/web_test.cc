// Tests for the safe return address of selfservice/web.h (RFC 9700 §4.11: no open redirects).
#include "selfservice/web.h"

#include <gtest/gtest.h>

#include <string>

namespace portico::selfservice {
namespace {

TEST(SafeReturnToTest, AcceptsPathsOnThisSite) {
  EXPECT_EQ(SafeReturnTo("/"), "/");
  EXPECT_EQ(SafeReturnTo("/account"), "/account");
  EXPECT_EQ(SafeReturnTo("/x?y=1"), "/x?y=1");
  EXPECT_EQ(SafeReturnTo("/settings/password?from=%2Faccount#top"),
            "/settings/password?from=%2Faccount#top");
}

TEST(SafeReturnToTest, RefusesSchemeRelativeAddresses) {
  EXPECT_EQ(SafeReturnTo("//evil.example"), "/");
  EXPECT_EQ(SafeReturnTo("//evil.example/account"), "/");
  EXPECT_EQ(SafeReturnTo("///evil.example"), "/");
}

TEST(SafeReturnToTest, RefusesBackslashes) {
  EXPECT_EQ(SafeReturnTo("/\\evil.example"), "/");
  EXPECT_EQ(SafeReturnTo("\\\\evil.example"), "/");
  EXPECT_EQ(SafeReturnTo("/account\\..\\x"), "/");
}

TEST(SafeReturnToTest, RefusesAbsoluteAndOtherSchemes) {
  EXPECT_EQ(SafeReturnTo("https://evil.example"), "/");
  EXPECT_EQ(SafeReturnTo("http://evil.example/"), "/");
  EXPECT_EQ(SafeReturnTo("javascript:alert(1)"), "/");
  EXPECT_EQ(SafeReturnTo("data:text/html,<script>alert(1)</script>"), "/");
  EXPECT_EQ(SafeReturnTo("account"), "/");
}

TEST(SafeReturnToTest, RefusesEmpty) { EXPECT_EQ(SafeReturnTo(""), "/"); }

TEST(SafeReturnToTest, RefusesSpacesAndControlCharacters) {
  EXPECT_EQ(SafeReturnTo("/a b"), "/");
  EXPECT_EQ(SafeReturnTo("/a\tb"), "/");
  EXPECT_EQ(SafeReturnTo("/a\r\nSet-Cookie: x=1"), "/");
  EXPECT_EQ(SafeReturnTo("/a\x01"), "/");
  EXPECT_EQ(SafeReturnTo(std::string("/a\0b", 4)), "/");
  EXPECT_EQ(SafeReturnTo("/a\x7F"), "/");
  EXPECT_EQ(SafeReturnTo("/\t/evil.example"),
            "/");  // browsers drop the tab, leaving //evil.example
}

TEST(SafeReturnToTest, RefusesNonAsciiBytes) { EXPECT_EQ(SafeReturnTo("/caf\xC3\xA9"), "/"); }

// An authorization request coming back through sign-in carries a long query.
TEST(SafeReturnToTest, Accepts4096BytesAndRefuses4097) {
  std::string at_limit = "/" + std::string(4095, 'a');
  ASSERT_EQ(at_limit.size(), 4096u);
  EXPECT_EQ(SafeReturnTo(at_limit), at_limit);
  std::string over = "/" + std::string(4096, 'a');
  EXPECT_EQ(SafeReturnTo(over), "/");
}

TEST(ReturnQueryTest, EncodesTheReturnAddress) {
  EXPECT_EQ(ReturnQuery("/"), "");
  EXPECT_EQ(ReturnQuery(""), "");
  EXPECT_EQ(ReturnQuery("/account"), "?return_to=%2Faccount");
  EXPECT_EQ(ReturnQuery("/x?y=1&z=2"), "?return_to=%2Fx%3Fy%3D1%26z%3D2");
}

}  // namespace
}  // namespace portico::selfservice
