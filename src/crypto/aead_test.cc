#include "crypto/aead.h"

#include <gtest/gtest.h>

namespace portico::crypto {
namespace {

const std::string kKey(32, 'k');

TEST(AeadTest, SealedValuesOpenWithTheSameKeyAndContext) {
  auto sealed = Seal(kKey, "private key PEM", "kid-1", SecureRandom::Get());
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->find("private key PEM"), std::string::npos);  // not in clear
  auto opened = Open(kKey, *sealed, "kid-1");
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "private key PEM");
}

TEST(AeadTest, EachSealUsesAFreshNonce) {
  EXPECT_NE(*Seal(kKey, "same", "a", SecureRandom::Get()),
            *Seal(kKey, "same", "a", SecureRandom::Get()));
}

TEST(AeadTest, RefusesAnotherKeyAnotherContextOrAnyChangedByte) {
  std::string sealed = *Seal(kKey, "secret", "kid-1", SecureRandom::Get());
  EXPECT_EQ(Open(std::string(32, 'x'), sealed, "kid-1").status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(Open(kKey, sealed, "kid-2").status().code(), StatusCode::kPermissionDenied);
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string changed = sealed;
    changed[i] = static_cast<char>(changed[i] ^ 1);
    EXPECT_FALSE(Open(kKey, changed, "kid-1").ok()) << "byte " << i;
  }
  EXPECT_FALSE(Open(kKey, sealed.substr(0, 10), "kid-1").ok());
}

TEST(AeadTest, RefusesKeysOfTheWrongLength) {
  EXPECT_EQ(Seal("short", "x", "", SecureRandom::Get()).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Open("short", std::string(40, 'a'), "").status().code(), StatusCode::kInvalidArgument);
}

TEST(AeadTest, SealManyOpensOnlyWithTheSameKeyAndContextAndUsesAFreshNonce) {
  auto sealed = SealMany(kKey, "authorization code", "purpose", SecureRandom::Get());
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->size(), kManyNonceBytes + 18 + kManyTagBytes);
  EXPECT_EQ(sealed->find("authorization code"), std::string::npos);
  EXPECT_EQ(*OpenMany(kKey, *sealed, "purpose"), "authorization code");
  EXPECT_NE(sealed->substr(0, kManyNonceBytes),
            SealMany(kKey, "authorization code", "purpose", SecureRandom::Get())
                ->substr(0, kManyNonceBytes));
  EXPECT_EQ(OpenMany(std::string(32, 'x'), *sealed, "purpose").status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(OpenMany(kKey, *sealed, "other").status().code(), StatusCode::kPermissionDenied);
  for (size_t i = 0; i < sealed->size(); ++i) {
    std::string changed = *sealed;
    changed[i] = static_cast<char>(changed[i] ^ 1);
    EXPECT_FALSE(OpenMany(kKey, changed, "purpose").ok()) << "byte " << i;
  }
  for (size_t n = 0; n < sealed->size(); ++n) {
    EXPECT_FALSE(OpenMany(kKey, sealed->substr(0, n), "purpose").ok()) << "length " << n;
  }
  EXPECT_EQ(SealMany("short", "x", "", SecureRandom::Get()).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenMany("short", std::string(60, 'a'), "").status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace portico::crypto
