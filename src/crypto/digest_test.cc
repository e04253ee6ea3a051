// Tests for crypto/digest.h against published known answers.
#include "crypto/digest.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/encoding.h"

namespace portico::crypto {
namespace {

TEST(Sha256Test, MatchesFips180_2OneBlockMessage) {
  // FIPS 180-2 Appendix B.1.
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Test, MatchesFips180_2MultiBlockMessage) {
  // FIPS 180-2 Appendix B.2.
  EXPECT_EQ(HexEncode(Sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, HashesEmptyInputAndEmbeddedNul) {
  EXPECT_EQ(HexEncode(Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256("").size(), 32u);
  EXPECT_NE(Sha256(std::string("a\0b", 3)), Sha256("a"));
}

TEST(HmacSha256Test, MatchesRfc4231TestCase1) {
  std::string key(20, '\x0b');
  EXPECT_EQ(HexEncode(HmacSha256(key, "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(HmacSha256Test, MatchesRfc4231TestCase2) {
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256Test, MatchesRfc4231TestCase6WhenKeyIsLongerThanBlock) {
  std::string key(131, '\xaa');
  EXPECT_EQ(HexEncode(HmacSha256(key, "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256Test, KeysOfExactlyOneBlockAreUsedAsTheyAreAndLongerOnesHashedFirst) {
  // The block is 64 bytes (RFC 2104 §2); expected values from an independent implementation.
  std::string block, over;
  for (int i = 0; i < 64; ++i) block += static_cast<char>(i);
  over = block + static_cast<char>(64);
  EXPECT_EQ(HexEncode(HmacSha256(block, "exactly one block of key")),
            "aed89a53f83495834369f6c764db660e0e41d224347eb2b6f2054241399e36e2");
  EXPECT_EQ(HexEncode(HmacSha256(over, "one byte over a block")),
            "0b5379c38a50ee86d01e54b2a243b08207a4a9b3e9f1a443d433da159544f50a");
}

TEST(Sha512Test, MatchesFips180_2OneBlockMessage) {
  EXPECT_EQ(HexEncode(Sha512("abc")),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

TEST(HmacSha256Test, DependsOnKey) {
  EXPECT_NE(HmacSha256("key-a", "data"), HmacSha256("key-b", "data"));
  EXPECT_EQ(HmacSha256("key-a", "data").size(), 32u);
}

TEST(ConstantTimeEqualsTest, TrueForEqualStrings) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("secret-token", "secret-token"));
  EXPECT_TRUE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
}

TEST(ConstantTimeEqualsTest, FalseForDifferentContent) {
  EXPECT_FALSE(ConstantTimeEquals("secret-token", "secret-tokeN"));
  EXPECT_FALSE(ConstantTimeEquals("secret-token", "Secret-token"));
  // Bytes after a NUL count (no C-string comparison).
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(ConstantTimeEqualsTest, FalseForDifferentLengths) {
  EXPECT_FALSE(ConstantTimeEquals("secret", "secret-token"));
  EXPECT_FALSE(ConstantTimeEquals("secret-token", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("", "x"));
  EXPECT_FALSE(ConstantTimeEquals("x", ""));
}

}  // namespace
}  // namespace portico::crypto
