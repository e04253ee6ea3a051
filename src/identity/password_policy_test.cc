// Tests for identity/password_policy.h with the shipped list of common passwords.
#include "identity/password_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "core/utf8.h"

namespace portico::identity {
namespace {

using ::testing::HasSubstr;

std::string ReadCommonList() {
  std::ifstream in(PORTICO_SOURCE_DIR "/data/common-passwords.txt", std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string& CommonList() {
  static const std::string list = ReadCommonList();
  return list;
}

std::string Repeat(std::string_view unit, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out += unit;
  return out;
}

// The NFKC form, or a marker that cannot equal any expected value.
std::string Normalized(std::string_view password) {
  auto n = PasswordPolicy::Normalize(password);
  return n.ok() ? *n : "<error: " + n.status().ToString() + ">";
}

class PasswordPolicyTest : public ::testing::Test {
 protected:
  PasswordPolicyTest() : policy_(CommonList(), false), strict_(CommonList(), true) {}

  // Normalizes `password` and checks it as the sign-up form does.
  PasswordProblem Check(std::string_view password, std::string_view email = "",
                        const PasswordPolicy* policy = nullptr) {
    auto normalized = PasswordPolicy::Normalize(password);
    EXPECT_TRUE(normalized.ok()) << normalized.status().ToString();
    if (!normalized.ok()) return PasswordProblem::kNotUtf8;
    return (policy ? *policy : policy_).Check(*normalized, email);
  }

  PasswordPolicy policy_;
  PasswordPolicy strict_;
};

TEST_F(PasswordPolicyTest, LoadsTheShippedList) {
  ASSERT_FALSE(CommonList().empty()) << "cannot read data/common-passwords.txt";
  EXPECT_GT(policy_.common_count(), 10000u);
}

TEST_F(PasswordPolicyTest, RefusesSevenCharactersAndAcceptsEight) {
  EXPECT_EQ(policy_.min_length(), 8u);
  EXPECT_EQ(Check("tqzvbwk"), PasswordProblem::kTooShort);
  EXPECT_EQ(Check("tqzvbwkm"), PasswordProblem::kNone);
  EXPECT_EQ(Check(""), PasswordProblem::kTooShort);
}

TEST_F(PasswordPolicyTest, StrictPolicyRequiresFifteenCharacters) {
  EXPECT_EQ(strict_.min_length(), 15u);
  EXPECT_EQ(Check("tqzvbwkmxrjplsd", "", &strict_), PasswordProblem::kNone);     // 15
  EXPECT_EQ(Check("tqzvbwkmxrjpls", "", &strict_), PasswordProblem::kTooShort);  // 14
  EXPECT_EQ(Check("tqzvbwkm", "", &strict_), PasswordProblem::kTooShort);
}

TEST_F(PasswordPolicyTest, CountsMultiByteCharactersAsOne) {
  EXPECT_EQ(Check(Repeat("\xC3\xA9", 8)), PasswordProblem::kNone);      // 8 × é (16 bytes)
  EXPECT_EQ(Check(Repeat("\xC3\xA9", 7)), PasswordProblem::kTooShort);  // 14 bytes, 7 characters
  EXPECT_EQ(Check(Repeat("\xF0\x9F\x98\x80", 7)), PasswordProblem::kTooShort);  // 28 bytes, 7 emoji
  EXPECT_EQ(Check(Repeat("\xF0\x9F\x98\x80", 8)), PasswordProblem::kNone);
}

TEST_F(PasswordPolicyTest, CountsCharactersAfterNormalization) {
  // 8 × (e + combining acute) is 16 code points typed, 8 × é after NFKC: still long enough,
  // while 7 of them compose to 7 characters and are too short.
  EXPECT_EQ(Check(Repeat("e\xCC\x81", 8)), PasswordProblem::kNone);
  EXPECT_EQ(Check(Repeat("e\xCC\x81", 7)), PasswordProblem::kTooShort);
}

TEST_F(PasswordPolicyTest, Accepts1024CharactersAndRefuses1025) {
  std::string max = Repeat("tqzvbwkm", 128);
  ASSERT_EQ(max.size(), 1024u);
  EXPECT_EQ(Check(max), PasswordProblem::kNone);
  EXPECT_EQ(Check(max + "x"), PasswordProblem::kTooLong);
  // Multi-byte: 1024 characters in 2048 bytes are fine.
  EXPECT_EQ(Check(Repeat("\xC3\xA9", 1024)), PasswordProblem::kNone);
  EXPECT_EQ(Check(Repeat("\xC3\xA9", 1025)), PasswordProblem::kTooLong);
}

TEST_F(PasswordPolicyTest, NeverTruncates) {
  std::string a = Repeat("x", 1023) + "a";
  std::string b = Repeat("x", 1023) + "b";
  auto na = PasswordPolicy::Normalize(a);
  auto nb = PasswordPolicy::Normalize(b);
  ASSERT_TRUE(na.ok() && nb.ok());
  EXPECT_EQ(*na, a);
  EXPECT_EQ(*nb, b);
  EXPECT_NE(*na, *nb);
  auto longer = PasswordPolicy::Normalize(Repeat("x", 1025));
  ASSERT_TRUE(longer.ok());
  EXPECT_EQ(longer->size(), 1025u);
}

TEST_F(PasswordPolicyTest, NormalizesToNfkc) {
  EXPECT_EQ(Normalized("\xEF\xAC\x81"), "fi");  // U+FB01 ligature
  EXPECT_EQ(Normalized("\xEF\xBC\xB0\xEF\xBC\xA1\xEF\xBC\xB3\xEF\xBC\xB3"), "PASS");  // ＰＡＳＳ
  EXPECT_EQ(Normalized("e\xCC\x81"), "\xC3\xA9");                                     // composed
  EXPECT_EQ(Normalized("plain ascii"), "plain ascii");
  EXPECT_EQ(Normalized(""), "");
}

TEST_F(PasswordPolicyTest, NormalizeKeepsCase) { EXPECT_EQ(Normalized("CamelCase"), "CamelCase"); }

TEST_F(PasswordPolicyTest, NormalizeRejectsInvalidUtf8) {
  auto n = PasswordPolicy::Normalize("abc\xFFxyz12");
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(PasswordPolicy::Normalize("\xED\xA0\x80"
                                         "abcdefgh")
                   .ok());
}

TEST_F(PasswordPolicyTest, CheckReportsInvalidUtf8) {
  EXPECT_EQ(policy_.Check("abcdefgh\xFF", ""), PasswordProblem::kNotUtf8);
}

TEST_F(PasswordPolicyTest, RefusesCommonPasswords) {
  EXPECT_EQ(Check("password123"), PasswordProblem::kCommon);
  EXPECT_EQ(Check("iloveyou1"), PasswordProblem::kCommon);
  EXPECT_EQ(Check("baseball"), PasswordProblem::kCommon);
}

TEST_F(PasswordPolicyTest, RefusesCommonPasswordsInOtherCase) {
  EXPECT_EQ(Check("PASSWORD123"), PasswordProblem::kCommon);
  EXPECT_EQ(Check("PassWord123"), PasswordProblem::kCommon);
  EXPECT_EQ(Check("ILoveYou1"), PasswordProblem::kCommon);
}

TEST_F(PasswordPolicyTest, RefusesCommonPasswordsTypedInFullWidth) {
  // ｐａｓｓｗｏｒｄ１２３ normalizes to password123.
  EXPECT_EQ(
      Check("\xEF\xBD\x90\xEF\xBD\x81\xEF\xBD\x93\xEF\xBD\x93\xEF\xBD\x97\xEF\xBD\x8F\xEF\xBD\x92"
            "\xEF\xBD\x84\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93"),
      PasswordProblem::kCommon);
}

TEST_F(PasswordPolicyTest, AcceptsPasswordsThatOnlyContainACommonOne) {
  EXPECT_EQ(Check("password123 tqzvbwkm"), PasswordProblem::kNone);
}

TEST_F(PasswordPolicyTest, ListSkipsCommentsAndHandlesCrLf) {
  PasswordPolicy policy("# comment-line-here\r\nzqxwvbnmz\r\nQWXZVBNMT\n", false);
  EXPECT_EQ(policy.common_count(), 2u);
  EXPECT_EQ(Check("zqxwvbnmz", "", &policy), PasswordProblem::kCommon);
  EXPECT_EQ(Check("qwxzvbnmt", "", &policy),
            PasswordProblem::kCommon);  // list entries are folded too
  EXPECT_EQ(Check("# comment-line-here", "", &policy), PasswordProblem::kNone);
}

TEST_F(PasswordPolicyTest, RefusesTheProductName) {
  // The documented rule: the letters of the case-folded password, alone, spell the name.
  EXPECT_EQ(Check("Portico2024"), PasswordProblem::kProductName);
  EXPECT_EQ(Check("PORTICO!!!!"), PasswordProblem::kProductName);
  EXPECT_EQ(Check("p-o-r-t-i-c-o"), PasswordProblem::kProductName);
  EXPECT_EQ(Check("portico network"), PasswordProblem::kProductName);
  EXPECT_EQ(Check("Portico Account 1"), PasswordProblem::kProductName);
}

TEST_F(PasswordPolicyTest, AcceptsPasswordsThatMerelyContainTheProductName) {
  EXPECT_EQ(Check("portico is my tqzvbwkm"), PasswordProblem::kNone);
}

TEST_F(PasswordPolicyTest, RefusesPasswordContainingTheEmailAddress) {
  EXPECT_EQ(Check("my ada.lovelace@example.com pw", "ada.lovelace@example.com"),
            PasswordProblem::kContainsEmail);
  EXPECT_EQ(Check("ADA.LOVELACE@EXAMPLE.COM!", "ada.lovelace@example.com"),
            PasswordProblem::kContainsEmail);
}

TEST_F(PasswordPolicyTest, RefusesPasswordContainingTheLocalPart) {
  EXPECT_EQ(Check("ada.lovelace99", "ada.lovelace@example.com"), PasswordProblem::kContainsEmail);
  EXPECT_EQ(Check("XxAda.LovelacexX", "Ada.Lovelace@Example.com"), PasswordProblem::kContainsEmail);
  EXPECT_EQ(Check("adal-zqxwvbnm", "adal@example.com"),
            PasswordProblem::kContainsEmail);  // 4 characters
}

TEST_F(PasswordPolicyTest, IgnoresLocalPartShorterThanFour) {
  EXPECT_EQ(Check("ada-zqxwvbnm", "ada@example.com"), PasswordProblem::kNone);
}

TEST_F(PasswordPolicyTest, NoEmailCheckWithoutAddress) {
  EXPECT_EQ(Check("ada.lovelace99", ""), PasswordProblem::kNone);
}

TEST_F(PasswordPolicyTest, ExplainsEachProblem) {
  EXPECT_THAT(policy_.Explain(PasswordProblem::kCommon), HasSubstr("common"));
  EXPECT_THAT(policy_.Explain(PasswordProblem::kTooShort), HasSubstr("8 characters"));
  EXPECT_THAT(strict_.Explain(PasswordProblem::kTooShort), HasSubstr("15 characters"));
  EXPECT_THAT(policy_.Explain(PasswordProblem::kTooLong), HasSubstr("1024"));
  EXPECT_FALSE(policy_.Explain(PasswordProblem::kNotUtf8).empty());
  EXPECT_FALSE(policy_.Explain(PasswordProblem::kProductName).empty());
  EXPECT_THAT(policy_.Explain(PasswordProblem::kContainsEmail), HasSubstr("e-mail"));
  EXPECT_EQ(policy_.Explain(PasswordProblem::kNone), "");
}

}  // namespace
}  // namespace portico::identity
