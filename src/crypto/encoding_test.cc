// Tests for crypto/encoding.h: base64url (RFC 4648 §5, unpadded) and hex.
#include "crypto/encoding.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/random.h"

namespace portico::crypto {
namespace {

// RFC 4648 §10 test vectors. None of them uses characters 62/63, so they read the same in the
// url alphabet; the padding is dropped.
struct Vector {
  const char* bytes;
  const char* encoded;
};
constexpr Vector kRfc4648Vectors[] = {
    {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
    {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
};

TEST(Base64UrlTest, EncodesRfc4648Vectors) {
  for (const auto& v : kRfc4648Vectors) {
    EXPECT_EQ(Base64UrlEncode(v.bytes), v.encoded) << "bytes: " << v.bytes;
  }
}

TEST(Base64UrlTest, DecodesRfc4648Vectors) {
  for (const auto& v : kRfc4648Vectors) {
    auto decoded = Base64UrlDecode(v.encoded);
    ASSERT_TRUE(decoded.has_value()) << "encoded: " << v.encoded;
    EXPECT_EQ(*decoded, v.bytes) << "encoded: " << v.encoded;
  }
}

TEST(Base64UrlTest, UsesUrlAlphabetForValues62And63) {
  // Standard base64 of FB EF BE is "++++", of FF FF FF is "////", of FB FF is "+/8=".
  EXPECT_EQ(Base64UrlEncode("\xFB\xEF\xBE"), "----");
  EXPECT_EQ(Base64UrlEncode("\xFF\xFF\xFF"), "____");
  EXPECT_EQ(Base64UrlEncode("\xFB\xFF"), "-_8");
  EXPECT_EQ(Base64UrlDecode("----"), std::string("\xFB\xEF\xBE"));
  EXPECT_EQ(Base64UrlDecode("____"), std::string("\xFF\xFF\xFF"));
  EXPECT_EQ(Base64UrlDecode("-_8"), std::string("\xFB\xFF"));
}

TEST(Base64UrlTest, EncodesBinaryWithNulBytes) {
  std::string bytes("\x00\x00\x00", 3);
  EXPECT_EQ(Base64UrlEncode(bytes), "AAAA");
  EXPECT_EQ(Base64UrlDecode("AAAA"), bytes);
  EXPECT_EQ(Base64UrlDecode("AA"), std::string("\x00", 1));
}

TEST(Base64UrlTest, RoundTripsRandomBytesOfEveryLength) {
  SecureRandom random;
  for (size_t n = 0; n <= 100; ++n) {
    for (int trial = 0; trial < 5; ++trial) {
      std::string bytes = random.Bytes(n);
      std::string encoded = Base64UrlEncode(bytes);
      EXPECT_EQ(encoded.size(), (n * 4 + 2) / 3) << "n=" << n;
      EXPECT_EQ(encoded.find_first_of("+/="), std::string::npos) << encoded;
      auto decoded = Base64UrlDecode(encoded);
      ASSERT_TRUE(decoded.has_value()) << encoded;
      EXPECT_EQ(*decoded, bytes) << "n=" << n;
    }
  }
}

TEST(Base64UrlTest, RejectsStandardAlphabetCharacters) {
  EXPECT_FALSE(Base64UrlDecode("++++").has_value());
  EXPECT_FALSE(Base64UrlDecode("////").has_value());
  EXPECT_FALSE(Base64UrlDecode("+_8").has_value());
  EXPECT_FALSE(Base64UrlDecode("-/8").has_value());
}

TEST(Base64UrlTest, RejectsPadding) {
  EXPECT_FALSE(Base64UrlDecode("Zg==").has_value());
  EXPECT_FALSE(Base64UrlDecode("Zm8=").has_value());
  EXPECT_FALSE(Base64UrlDecode("Zg=").has_value());
  EXPECT_FALSE(Base64UrlDecode("====").has_value());
}

TEST(Base64UrlTest, RejectsOtherCharacters) {
  EXPECT_FALSE(Base64UrlDecode("Zm9v\n").has_value());
  EXPECT_FALSE(Base64UrlDecode("Zm 9v").has_value());
  EXPECT_FALSE(Base64UrlDecode("Zm.v").has_value());
  EXPECT_FALSE(Base64UrlDecode(std::string("Zm\0v", 4)).has_value());
  EXPECT_FALSE(Base64UrlDecode("Zm\xC3\xA9").has_value());
}

TEST(Base64UrlTest, RejectsImpossibleLength) {
  EXPECT_FALSE(Base64UrlDecode("Z").has_value());
  EXPECT_FALSE(Base64UrlDecode("Zm9vY").has_value());
}

TEST(Base64UrlTest, RejectsNonCanonicalTrailingBits) {
  // RFC 4648 §3.5: "Zg" is the only encoding of "f"; "Zh".."Zv" set unused low bits.
  EXPECT_FALSE(Base64UrlDecode("Zh").has_value());
  EXPECT_FALSE(Base64UrlDecode("Zv").has_value());
  // "Zm8" is "fo"; "Zm9" sets one of the two unused bits.
  EXPECT_FALSE(Base64UrlDecode("Zm9").has_value());
  EXPECT_FALSE(Base64UrlDecode("Zm9vYh").has_value());
  EXPECT_FALSE(Base64UrlDecode("-_9").has_value());
}

TEST(HexEncodeTest, EncodesLowerCaseTwoDigitsPerByte) {
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(HexEncode("abc"), "616263");
  EXPECT_EQ(HexEncode(std::string("\x00\x01\x0f\x10\xab\xff", 6)), "00010f10abff");
}

// RFC 4648 §10 test vectors, standard alphabet with padding.
TEST(Base64Test, EncodesTheRfcVectorsWithPadding) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("\xfb\xff"), "+/8=");  // the two characters base64url replaces
  const std::string bytes("\xfb\xff\x00 any bytes", 13);
  EXPECT_EQ(*Base64Decode(Base64Encode(bytes)), bytes);
}

}  // namespace
}  // namespace portico::crypto
