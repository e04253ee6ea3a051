// Tests for http/cookie.h: Set-Cookie attributes (RFC 6265 §4.1, __Host- prefix rules).
#include "http/cookie.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace portico::http {
namespace {

using ::testing::Contains;
using ::testing::Each;
using ::testing::Not;
using ::testing::StartsWith;

// The "; "-separated parts of a Set-Cookie value: [name=value, attribute, ...].
std::vector<std::string> Parts(const std::string& set_cookie) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t end = set_cookie.find("; ", start);
    parts.push_back(
        set_cookie.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 2;
  }
  return parts;
}

TEST(FormatSetCookieTest, SessionCookieHasHostPrefixAttributes) {
  std::string header =
      FormatSetCookie({"__Host-portico-session", "tok_abc-123", std::nullopt, true, "Lax"});
  auto parts = Parts(header);
  ASSERT_FALSE(parts.empty());
  EXPECT_EQ(parts[0], "__Host-portico-session=tok_abc-123");
  EXPECT_THAT(parts, Contains("Path=/"));
  EXPECT_THAT(parts, Contains("Secure"));
  EXPECT_THAT(parts, Contains("HttpOnly"));
  EXPECT_THAT(parts, Contains("SameSite=Lax"));
  // Host-only (no Domain) and a browser-session cookie (no Max-Age, no Expires).
  EXPECT_THAT(parts, Each(Not(StartsWith("Domain"))));
  EXPECT_THAT(parts, Each(Not(StartsWith("Max-Age"))));
  EXPECT_THAT(parts, Each(Not(StartsWith("Expires"))));
}

TEST(FormatSetCookieTest, MaxAgeOnlyWhenSet) {
  auto parts = Parts(FormatSetCookie({"s", "v", 2592000, true, "Lax"}));
  EXPECT_THAT(parts, Contains("Max-Age=2592000"));
  EXPECT_THAT(parts, Contains("Path=/"));
  EXPECT_THAT(parts, Contains("Secure"));
}

TEST(FormatSetCookieTest, HttpOnlyCanBeTurnedOff) {
  auto parts = Parts(FormatSetCookie({"s", "v", std::nullopt, false, "Lax"}));
  EXPECT_THAT(parts, Not(Contains("HttpOnly")));
  EXPECT_THAT(parts, Contains("Secure"));
}

TEST(FormatSetCookieTest, SameSiteStrictWhenAsked) {
  auto parts = Parts(FormatSetCookie({"s", "v", std::nullopt, true, "Strict"}));
  EXPECT_THAT(parts, Contains("SameSite=Strict"));
  EXPECT_THAT(parts, Not(Contains("SameSite=Lax")));
}

TEST(FormatSetCookieTest, DefaultSpecIsHttpOnlyLax) {
  CookieSpec spec;
  spec.name = "s";
  spec.value = "v";
  auto parts = Parts(FormatSetCookie(spec));
  EXPECT_THAT(parts, Contains("HttpOnly"));
  EXPECT_THAT(parts, Contains("SameSite=Lax"));
}

TEST(FormatDeleteCookieTest, ExpiresImmediatelyWithSameAttributes) {
  auto parts = Parts(FormatDeleteCookie("__Host-portico-session"));
  ASSERT_FALSE(parts.empty());
  EXPECT_EQ(parts[0], "__Host-portico-session=");
  EXPECT_THAT(parts, Contains("Max-Age=0"));
  // A __Host- cookie is only accepted (and so only overwritten) with Path=/ and Secure.
  EXPECT_THAT(parts, Contains("Path=/"));
  EXPECT_THAT(parts, Contains("Secure"));
  EXPECT_THAT(parts, Contains("HttpOnly"));
  EXPECT_THAT(parts, Contains("SameSite=Lax"));
  EXPECT_THAT(parts, Each(Not(StartsWith("Domain"))));
}

}  // namespace
}  // namespace portico::http
