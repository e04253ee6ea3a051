// Tests for crypto/password_hash.h: Argon2id PHC strings, verification, salt, pepper, rehash.
#include "crypto/password_hash.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace portico::crypto {
namespace {

using ::testing::StartsWith;

// Small parameters keep the tests fast; the production defaults are checked separately.
constexpr PasswordHashParams kFast{1, 1 << 20};

std::string MustHash(const PasswordHasher& hasher, std::string_view password) {
  auto hash = hasher.Hash(password);
  EXPECT_TRUE(hash.ok()) << hash.status().ToString();
  return hash.ok() ? *hash : std::string();
}

TEST(PasswordHasherTest, DefaultParamsProduceOwaspArgon2idBaseline) {
  PasswordHasher hasher;  // 19 MiB, t=2 (SECURITY.md)
  std::string hash = MustHash(hasher, "correct horse battery staple");
  EXPECT_THAT(hash, StartsWith("$argon2id$v=19$m=19456,t=2,p=1$"));
  EXPECT_TRUE(hasher.Verify(hash, "correct horse battery staple"));
}

TEST(PasswordHasherTest, HashEncodesConfiguredParams) {
  PasswordHasher hasher(kFast);
  EXPECT_THAT(MustHash(hasher, "pw"), StartsWith("$argon2id$v=19$m=1024,t=1,p=1$"));
}

TEST(PasswordHasherTest, VerifyTrueForTheRightPassword) {
  PasswordHasher hasher(kFast);
  std::string hash = MustHash(hasher, "correct horse battery staple");
  EXPECT_TRUE(hasher.Verify(hash, "correct horse battery staple"));
}

TEST(PasswordHasherTest, VerifyFalseForAWrongPassword) {
  PasswordHasher hasher(kFast);
  std::string hash = MustHash(hasher, "correct horse battery staple");
  EXPECT_FALSE(hasher.Verify(hash, "correct horse battery stapler"));
  EXPECT_FALSE(hasher.Verify(hash, "Correct horse battery staple"));
  EXPECT_FALSE(hasher.Verify(hash, ""));
}

TEST(PasswordHasherTest, VerifyUsesEveryByteWhenPasswordHasNul) {
  PasswordHasher hasher(kFast);
  std::string hash = MustHash(hasher, std::string("abc\0def", 7));
  EXPECT_TRUE(hasher.Verify(hash, std::string("abc\0def", 7)));
  EXPECT_FALSE(hasher.Verify(hash, "abc"));
  EXPECT_FALSE(hasher.Verify(hash, std::string("abc\0xyz", 7)));
}

TEST(PasswordHasherTest, VerifyFalseForMalformedStoredString) {
  PasswordHasher hasher(kFast);
  std::string hash = MustHash(hasher, "pw");
  EXPECT_FALSE(hasher.Verify("not a hash", "pw"));
  EXPECT_FALSE(hasher.Verify("$argon2id$v=19$m=1024,t=1,p=1$garbage", "pw"));
  EXPECT_FALSE(hasher.Verify(hash.substr(0, hash.size() - 5), "pw"));  // truncated
  EXPECT_FALSE(hasher.Verify(hash + std::string(200, 'A'), "pw"));     // overlong
  EXPECT_FALSE(hasher.Verify(std::string(hash).replace(1, 8, "argon2i_"), "pw"));
}

TEST(PasswordHasherTest, VerifyFalseForEmptyStoredString) {
  PasswordHasher hasher(kFast);
  EXPECT_FALSE(hasher.Verify("", ""));
  EXPECT_FALSE(hasher.Verify("", "pw"));
}

TEST(PasswordHasherTest, HashesOfTheSamePasswordDifferBySalt) {
  PasswordHasher hasher(kFast);
  std::string a = MustHash(hasher, "same password");
  std::string b = MustHash(hasher, "same password");
  EXPECT_NE(a, b);
  EXPECT_TRUE(hasher.Verify(a, "same password"));
  EXPECT_TRUE(hasher.Verify(b, "same password"));
}

TEST(PasswordHasherTest, PepperChangesTheOutcome) {
  PasswordHasher pepper_a(kFast, "pepper-a");
  PasswordHasher pepper_b(kFast, "pepper-b");
  PasswordHasher no_pepper(kFast);
  std::string hash = MustHash(pepper_a, "correct horse battery staple");
  EXPECT_TRUE(pepper_a.Verify(hash, "correct horse battery staple"));
  EXPECT_FALSE(pepper_b.Verify(hash, "correct horse battery staple"));
  EXPECT_FALSE(no_pepper.Verify(hash, "correct horse battery staple"));
  std::string plain = MustHash(no_pepper, "correct horse battery staple");
  EXPECT_FALSE(pepper_a.Verify(plain, "correct horse battery staple"));
}

TEST(PasswordHasherTest, NeedsRehashWhenStoredWithFewerPasses) {
  PasswordHasher weak({1, 1 << 20});
  PasswordHasher strong({2, 1 << 20});
  std::string old_hash = MustHash(weak, "pw");
  EXPECT_TRUE(strong.NeedsRehash(old_hash));
  EXPECT_TRUE(strong.Verify(old_hash, "pw"));  // old hashes still verify
}

TEST(PasswordHasherTest, NeedsRehashWhenStoredWithLessMemory) {
  PasswordHasher weak({1, 1 << 20});
  PasswordHasher strong({1, 2 << 20});
  EXPECT_TRUE(strong.NeedsRehash(MustHash(weak, "pw")));
}

TEST(PasswordHasherTest, NoRehashForCurrentParams) {
  PasswordHasher hasher(kFast);
  EXPECT_FALSE(hasher.NeedsRehash(MustHash(hasher, "pw")));
}

}  // namespace
}  // namespace portico::crypto
