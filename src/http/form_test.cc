// Tests for http/form.h: percent-decoding, form bodies and the Cookie header.
#include "http/form.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace portico::http {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

// ---- PercentDecode ----

TEST(PercentDecodeTest, DecodesEscapes) {
  EXPECT_EQ(PercentDecode("a%20b", false), "a b");
  EXPECT_EQ(PercentDecode("%41%62", false), "Ab");
  EXPECT_EQ(PercentDecode("%c3%a9", false), "\xC3\xA9");  // lower-case hex
  EXPECT_EQ(PercentDecode("%C3%A9", false), "\xC3\xA9");  // upper-case hex
  EXPECT_EQ(PercentDecode("a%41", false), "aA");          // escape at the very end
  EXPECT_EQ(PercentDecode("plain", false), "plain");
  EXPECT_EQ(PercentDecode("", false), "");
  EXPECT_EQ(PercentDecode("%00", false), std::string("\0", 1));
  EXPECT_EQ(PercentDecode("%25", false), "%");  // decoded once, not twice
  EXPECT_EQ(PercentDecode("%2541", false), "%41");
}

TEST(PercentDecodeTest, PlusIsSpaceOnlyInFormMode) {
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(PercentDecode("%2B", true), "+");
  EXPECT_EQ(PercentDecode("%2B", false), "+");
}

TEST(PercentDecodeTest, RejectsTruncatedEscape) {
  EXPECT_EQ(PercentDecode("%4", false), std::nullopt);
  EXPECT_EQ(PercentDecode("%", false), std::nullopt);
  EXPECT_EQ(PercentDecode("abc%", true), std::nullopt);
  EXPECT_EQ(PercentDecode("abc%4", true), std::nullopt);
}

TEST(PercentDecodeTest, RejectsNonHexEscape) {
  EXPECT_EQ(PercentDecode("%zz", false), std::nullopt);
  EXPECT_EQ(PercentDecode("%4g", false), std::nullopt);
  EXPECT_EQ(PercentDecode("%g4", false), std::nullopt);
  EXPECT_EQ(PercentDecode("a% b", true), std::nullopt);
  EXPECT_EQ(PercentDecode("%-1", false), std::nullopt);
}

TEST(PercentEncodeTest, KeepsUnreservedAndEscapesTheRest) {
  EXPECT_EQ(PercentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(PercentEncode("/a b?c=d&e"), "%2Fa%20b%3Fc%3Dd%26e");
  EXPECT_EQ(PercentEncode("\xC3\xA9"), "%C3%A9");
  EXPECT_EQ(PercentDecode(PercentEncode("/x?y=1&z=\xC3\xA9+"), false), "/x?y=1&z=\xC3\xA9+");
}

// ---- FormData ----

TEST(FormDataTest, ParsesPairsInOrder) {
  auto form = FormData::Parse("a=1&b=2&c=3");
  ASSERT_TRUE(form.has_value());
  EXPECT_THAT(form->fields(), ElementsAre(Pair("a", "1"), Pair("b", "2"), Pair("c", "3")));
  EXPECT_EQ(form->Get("b"), "2");
  EXPECT_EQ(form->Get("missing"), std::nullopt);
  EXPECT_EQ(form->GetOr("missing", "fallback"), "fallback");
  EXPECT_EQ(form->GetOr("missing"), "");
}

TEST(FormDataTest, ParsesEmptyBody) {
  auto form = FormData::Parse("");
  ASSERT_TRUE(form.has_value());
  EXPECT_THAT(form->fields(), IsEmpty());
}

TEST(FormDataTest, DecodesNamesAndValues) {
  auto form = FormData::Parse("full+name=Ada+Lovelace&email=ada%40example.com&sum=1%2B1&eq=a=b");
  ASSERT_TRUE(form.has_value());
  EXPECT_EQ(form->Get("full name"), "Ada Lovelace");
  EXPECT_EQ(form->Get("email"), "ada@example.com");
  EXPECT_EQ(form->Get("sum"), "1+1");
  EXPECT_EQ(form->Get("eq"), "a=b");  // only the first '=' separates
}

TEST(FormDataTest, KeepsRepeatedNamesAndGetReturnsTheFirst) {
  auto form = FormData::Parse("a=1&b=x&a=2&a=3");
  ASSERT_TRUE(form.has_value());
  EXPECT_EQ(form->Get("a"), "1");
  EXPECT_EQ(form->Count("a"), 3u);
  EXPECT_EQ(form->Count("b"), 1u);
  EXPECT_EQ(form->Count("c"), 0u);
  EXPECT_THAT(form->fields(),
              ElementsAre(Pair("a", "1"), Pair("b", "x"), Pair("a", "2"), Pair("a", "3")));
}

TEST(FormDataTest, SkipsEmptyPairs) {
  auto form = FormData::Parse("&a=1&&b=2&");
  ASSERT_TRUE(form.has_value());
  EXPECT_THAT(form->fields(), ElementsAre(Pair("a", "1"), Pair("b", "2")));
}

TEST(FormDataTest, NameWithoutEqualsHasEmptyValue) {
  auto form = FormData::Parse("remember&a=1&empty=");
  ASSERT_TRUE(form.has_value());
  EXPECT_EQ(form->Get("remember"), "");
  EXPECT_EQ(form->Count("remember"), 1u);
  EXPECT_EQ(form->Get("empty"), "");
  EXPECT_EQ(form->Get("a"), "1");
}

TEST(FormDataTest, RejectsInvalidUtf8AfterDecoding) {
  EXPECT_EQ(FormData::Parse("a=%FF"), std::nullopt);
  EXPECT_EQ(FormData::Parse("%FF=1"), std::nullopt);
  EXPECT_EQ(FormData::Parse("a=%C0%AF"), std::nullopt);       // overlong
  EXPECT_EQ(FormData::Parse("a=%ED%A0%80"), std::nullopt);    // surrogate
  EXPECT_EQ(FormData::Parse("ok=1&a=%E2%82"), std::nullopt);  // truncated
  EXPECT_TRUE(FormData::Parse("a=%E2%82%AC").has_value());    // € is fine
}

TEST(FormDataTest, RejectsBadEscapes) {
  EXPECT_EQ(FormData::Parse("a=%zz"), std::nullopt);
  EXPECT_EQ(FormData::Parse("a=1&b=%4"), std::nullopt);
  EXPECT_EQ(FormData::Parse("%=1"), std::nullopt);
}

TEST(FormDataTest, RejectsMoreThanMaxFields) {
  EXPECT_EQ(FormData::Parse("a=1&b=2&c=3", 2), std::nullopt);
  auto at_limit = FormData::Parse("a=1&b=2", 2);
  ASSERT_TRUE(at_limit.has_value());
  EXPECT_EQ(at_limit->fields().size(), 2u);
  // Empty pairs do not count towards the limit.
  EXPECT_TRUE(FormData::Parse("a=1&&&b=2&", 2).has_value());
}

TEST(FormDataTest, DefaultLimitIs64Fields) {
  std::string body;
  for (int i = 0; i < 64; ++i) body += (i ? "&f" : "f") + std::to_string(i) + "=v";
  EXPECT_TRUE(FormData::Parse(body).has_value());
  EXPECT_EQ(FormData::Parse(body + "&f64=v"), std::nullopt);
}

// ---- Cookie header ----

TEST(CookieHeaderTest, ParsesPairs) {
  EXPECT_THAT(ParseCookieHeader("a=1; b=2"), ElementsAre(Pair("a", "1"), Pair("b", "2")));
  EXPECT_THAT(ParseCookieHeader(""), IsEmpty());
}

TEST(CookieHeaderTest, TrimsSpacesAroundPairsNamesAndValues) {
  EXPECT_THAT(ParseCookieHeader("  a = 1 ;b=2  ;\tc=3"),
              ElementsAre(Pair("a", "1"), Pair("b", "2"), Pair("c", "3")));
  EXPECT_THAT(ParseCookieHeader("a=1;b=2"), ElementsAre(Pair("a", "1"), Pair("b", "2")));
}

TEST(CookieHeaderTest, StripsDoubleQuotesAroundValue) {
  EXPECT_THAT(ParseCookieHeader("a=\"quoted\"; b=\"\""),
              ElementsAre(Pair("a", "quoted"), Pair("b", "")));
  EXPECT_EQ(FindCookie("theme=\"dark\"", "theme"), "dark");
}

TEST(CookieHeaderTest, KeepsValueBytesUndecoded) {
  EXPECT_EQ(FindCookie("a=%41+b", "a"), "%41+b");
  EXPECT_EQ(FindCookie("t=abc=def", "t"), "abc=def");  // only the first '=' separates
}

TEST(CookieHeaderTest, SkipsInvalidNames) {
  EXPECT_THAT(ParseCookieHeader("b@d=1; good=2; a b=3; (x)=4; ok=5"),
              ElementsAre(Pair("good", "2"), Pair("ok", "5")));
  EXPECT_EQ(FindCookie("b@d=1", "b@d"), std::nullopt);
}

TEST(CookieHeaderTest, SkipsPairsWithoutEquals) {
  EXPECT_THAT(ParseCookieHeader("justvalue; a=1; =nameless; ;"), ElementsAre(Pair("a", "1")));
}

TEST(CookieHeaderTest, KeepsAtMostMaxCookies) {
  EXPECT_THAT(ParseCookieHeader("a=1; b=2; c=3", 2), ElementsAre(Pair("a", "1"), Pair("b", "2")));
}

TEST(FindCookieTest, FindsByExactName) {
  const char* header = "__Host-portico-csrf=abc; __Host-portico-session=tok123; other=x";
  EXPECT_EQ(FindCookie(header, "__Host-portico-session"), "tok123");
  EXPECT_EQ(FindCookie(header, "__Host-portico-csrf"), "abc");
  EXPECT_EQ(FindCookie(header, "__host-portico-session"),
            std::nullopt);  // names are case-sensitive
  EXPECT_EQ(FindCookie(header, "missing"), std::nullopt);
  EXPECT_EQ(FindCookie("", "a"), std::nullopt);
}

TEST(FindCookieTest, FirstOfRepeatedNamesWins) {
  EXPECT_EQ(FindCookie("s=first; s=second", "s"), "first");
  EXPECT_EQ(FindCookie("x=1; s=first; y=2; s=second", "s"), "first");
}

TEST(FindCookieTest, SkipsInvalidPairBeforeTheMatch) {
  EXPECT_EQ(FindCookie("garbage; b@d=1; s=value", "s"), "value");
}

}  // namespace
}  // namespace portico::http
