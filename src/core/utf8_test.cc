// Tests for core/utf8.h: RFC 3629 well-formedness, code point counting, replacement of
// ill-formed sequences and control character detection.
#include "core/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace portico::utf8 {
namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

TEST(Utf8Test, IsValidAcceptsAsciiAndEmpty) {
  EXPECT_TRUE(IsValid(""));
  EXPECT_TRUE(IsValid("hello, world"));
  EXPECT_TRUE(IsValid(std::string("a\0b", 3)));  // U+0000 is a scalar value
  EXPECT_TRUE(IsValid("\x7F"));
}

TEST(Utf8Test, IsValidAcceptsTwoThreeAndFourByteSequences) {
  EXPECT_TRUE(IsValid("\xC2\x80"));          // U+0080, smallest 2-byte
  EXPECT_TRUE(IsValid("\xC3\xA9"));          // é
  EXPECT_TRUE(IsValid("\xDF\xBF"));          // U+07FF, largest 2-byte
  EXPECT_TRUE(IsValid("\xE0\xA0\x80"));      // U+0800, smallest 3-byte
  EXPECT_TRUE(IsValid("\xE2\x82\xAC"));      // €
  EXPECT_TRUE(IsValid("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  EXPECT_TRUE(IsValid("\xEE\x80\x80"));      // U+E000, just above the surrogates
  EXPECT_TRUE(IsValid("\xEF\xBF\xBF"));      // U+FFFF
  EXPECT_TRUE(IsValid("\xF0\x90\x80\x80"));  // U+10000, smallest 4-byte
  EXPECT_TRUE(IsValid("\xF0\x9F\x98\x80"));  // 😀
  EXPECT_TRUE(IsValid("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
  EXPECT_TRUE(IsValid("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80!"));
}

TEST(Utf8Test, IsValidRejectsOverlongEncodings) {
  EXPECT_FALSE(IsValid("\xC0\xAF"));  // '/' in two bytes
  EXPECT_FALSE(IsValid("\xC1\xBF"));
  EXPECT_FALSE(IsValid("\xC0\x80"));          // NUL in two bytes ("modified UTF-8")
  EXPECT_FALSE(IsValid("\xE0\x80\xAF"));      // '/' in three bytes
  EXPECT_FALSE(IsValid("\xE0\x9F\xBF"));      // U+07FF in three bytes
  EXPECT_FALSE(IsValid("\xF0\x80\x80\xAF"));  // '/' in four bytes
  EXPECT_FALSE(IsValid("\xF0\x8F\xBF\xBF"));  // U+FFFF in four bytes
}

TEST(Utf8Test, IsValidRejectsSurrogates) {
  EXPECT_FALSE(IsValid("\xED\xA0\x80"));              // U+D800
  EXPECT_FALSE(IsValid("\xED\xAF\xBF"));              // U+DBFF
  EXPECT_FALSE(IsValid("\xED\xB0\x80"));              // U+DC00
  EXPECT_FALSE(IsValid("\xED\xBF\xBF"));              // U+DFFF
  EXPECT_FALSE(IsValid("\xED\xA0\xBD\xED\xB8\x80"));  // CESU-8 pair for 😀
}

TEST(Utf8Test, IsValidRejectsCodePointsAboveU10FFFF) {
  EXPECT_FALSE(IsValid("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(IsValid("\xF5\x80\x80\x80"));
  EXPECT_FALSE(IsValid("\xF7\xBF\xBF\xBF"));
  EXPECT_FALSE(IsValid("\xF8\x88\x80\x80\x80"));  // old 5-byte form
  EXPECT_FALSE(IsValid("\xFC\x84\x80\x80\x80\x80"));
}

TEST(Utf8Test, IsValidRejectsTruncatedSequences) {
  EXPECT_FALSE(IsValid("\xC3"));
  EXPECT_FALSE(IsValid("\xE2\x82"));
  EXPECT_FALSE(IsValid("\xE2"));
  EXPECT_FALSE(IsValid("\xF0\x9F\x98"));
  EXPECT_FALSE(IsValid("\xF0\x9F"));
  EXPECT_FALSE(IsValid("abc\xE2\x82"));  // truncated at the end of otherwise valid text
  EXPECT_FALSE(
      IsValid("\xE2\x82"
              "abc"));  // continuation byte missing mid-text
  EXPECT_FALSE(
      IsValid("\xC3"
              "a"));
}

TEST(Utf8Test, IsValidRejectsStrayAndInvalidBytes) {
  EXPECT_FALSE(IsValid("\x80"));  // lone continuation byte
  EXPECT_FALSE(
      IsValid("a\xBF"
              "b"));
  EXPECT_FALSE(IsValid("\xFE"));
  EXPECT_FALSE(IsValid("\xFF"));
  EXPECT_FALSE(IsValid("\xC3\xA9\xA9"));      // extra continuation byte
  EXPECT_FALSE(IsValid("\xE2\x28\xA1"));      // second byte is not a continuation
  EXPECT_FALSE(IsValid("\xF0\x9F\x98\x28"));  // fourth byte is not a continuation
}

// IsValid checks ASCII eight bytes at a time: a sequence or a bad byte at any offset, on either
// side of an eight-byte boundary, must still be judged byte by byte.
TEST(Utf8Test, IsValidJudgesEveryOffsetInLongText) {
  const std::string ascii(24, 'a');
  for (size_t at = 0; at <= ascii.size(); ++at) {
    std::string text = ascii;
    EXPECT_TRUE(IsValid(text.insert(at, "\xE2\x82\xAC"))) << at;  // U+20AC
    text = ascii;
    EXPECT_FALSE(IsValid(text.insert(at, "\x80"))) << at;
    text = ascii;
    EXPECT_FALSE(IsValid(text.insert(at, "\xE2\x82"))) << at;  // truncated
    text = ascii;
    EXPECT_FALSE(IsValid(text.insert(at, "\xC0\xAF"))) << at;  // overlong
  }
}

TEST(Utf8Test, CountCodePointsCountsCharactersNotBytes) {
  EXPECT_EQ(CountCodePoints(""), 0u);
  EXPECT_EQ(CountCodePoints("abc"), 3u);
  EXPECT_EQ(CountCodePoints("\xC3\xA9"), 1u);
  EXPECT_EQ(CountCodePoints("\xE2\x82\xAC"), 1u);
  EXPECT_EQ(CountCodePoints("\xF0\x9F\x98\x80"), 1u);
  EXPECT_EQ(CountCodePoints("a\xC3\xA9"
                            "b\xE2\x82\xAC"
                            "c\xF0\x9F\x98\x80"),
            6u);
  // A combining sequence is two code points (normalization is the caller's job).
  EXPECT_EQ(CountCodePoints("e\xCC\x81"), 2u);
}

TEST(Utf8Test, ReplaceInvalidKeepsValidTextUnchanged) {
  const std::string text = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80";
  EXPECT_EQ(ReplaceInvalid(text), text);
  EXPECT_EQ(ReplaceInvalid(""), "");
}

TEST(Utf8Test, ReplaceInvalidReplacesIllFormedBytesWithU_FFFD) {
  EXPECT_EQ(ReplaceInvalid("a\xFF"
                           "b"),
            std::string("a") + kReplacement + "b");
  EXPECT_EQ(ReplaceInvalid("\x80"), kReplacement);
  // Overlong: neither byte can start or continue a well-formed sequence.
  EXPECT_EQ(ReplaceInvalid("\xC0\xAF"), std::string(kReplacement) + kReplacement);
  // Valid characters around the bad byte survive.
  EXPECT_EQ(ReplaceInvalid("\xC3\xA9\xFF\xC3\xA9"),
            std::string("\xC3\xA9") + kReplacement + "\xC3\xA9");
}

TEST(Utf8Test, ReplaceInvalidAlwaysProducesValidUtf8) {
  const char* inputs[] = {"\xED\xA0\x80",
                          "\xF4\x90\x80\x80",
                          "abc\xE2\x82",
                          "\xE2\x82"
                          "abc",
                          "\xF0\x9F\x98",
                          "\xC3\x28",
                          "\xFE\xFF"};
  for (const char* input : inputs) {
    std::string out = ReplaceInvalid(input);
    EXPECT_TRUE(IsValid(out)) << "input: " << input;
    EXPECT_NE(out.find(kReplacement), std::string::npos) << "input: " << input;
  }
  // ASCII after a truncated sequence is kept.
  std::string out = ReplaceInvalid(
      "\xE2\x82"
      "abc");
  EXPECT_EQ(out.substr(out.size() - 3), "abc");
}

TEST(Utf8Test, HasControlCharactersAllowsTabCrLf) {
  EXPECT_FALSE(HasControlCharacters(""));
  EXPECT_FALSE(HasControlCharacters("plain text"));
  EXPECT_FALSE(HasControlCharacters("a\tb"));
  EXPECT_FALSE(HasControlCharacters("line one\r\nline two\n"));
  EXPECT_FALSE(HasControlCharacters("caf\xC3\xA9 \xF0\x9F\x98\x80"));  // multi-byte is not control
  EXPECT_FALSE(HasControlCharacters(" ~"));  // 0x20 and 0x7E are printable
}

TEST(Utf8Test, HasControlCharactersFindsOtherC0ControlsAndDel) {
  EXPECT_TRUE(HasControlCharacters(std::string("a\0b", 3)));
  EXPECT_TRUE(HasControlCharacters("a\x01"));
  EXPECT_TRUE(HasControlCharacters("\x1B[31m"));  // ESC
  EXPECT_TRUE(HasControlCharacters("a\x1F"));
  EXPECT_TRUE(HasControlCharacters("\x0B"));   // vertical tab
  EXPECT_TRUE(HasControlCharacters("\x0C"));   // form feed
  EXPECT_TRUE(HasControlCharacters("a\x7F"));  // DEL
}

}  // namespace
}  // namespace portico::utf8
