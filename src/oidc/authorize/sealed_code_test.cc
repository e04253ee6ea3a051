#include "oidc/authorize/sealed_code.h"

#include <gtest/gtest.h>

#include <set>

#include "crypto/encoding.h"

namespace portico::oidc {
namespace {

const std::string kKey(32, 'c');

AuthorizationCode Sample() {
  AuthorizationCode c;
  c.client_id = "site_abc";
  c.account_id = "acct_123";
  c.redirect_uri = "https://rp.example/cb?x=1";
  c.scope = "openid email offline_access";
  c.nonce = std::string(512, 'n');
  c.code_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
  c.sid = "sess_9";
  c.grant_id = "grant_77";
  c.auth_time = 1'700'000'000;
  c.include_auth_time = true;
  c.issued_at = 1'700'000'100;
  c.expires_at = 1'700'000'160;
  return c;
}

void ExpectSameRecord(const AuthorizationCode& a, const AuthorizationCode& b) {
  EXPECT_EQ(a.client_id, b.client_id);
  EXPECT_EQ(a.account_id, b.account_id);
  EXPECT_EQ(a.redirect_uri, b.redirect_uri);
  EXPECT_EQ(a.scope, b.scope);
  EXPECT_EQ(a.nonce, b.nonce);
  EXPECT_EQ(a.code_challenge, b.code_challenge);
  EXPECT_EQ(a.sid, b.sid);
  EXPECT_EQ(a.grant_id, b.grant_id);
  EXPECT_EQ(a.auth_time, b.auth_time);
  EXPECT_EQ(a.include_auth_time, b.include_auth_time);
  EXPECT_EQ(a.issued_at, b.issued_at);
  EXPECT_EQ(a.expires_at, b.expires_at);
}

TEST(SealedCodeTest, OpensToTheSameRecordWithAFreshNonceEachTime) {
  std::set<std::string> nonces;
  for (int i = 0; i < 50; ++i) {
    auto code = SealCode(Sample(), kKey, crypto::SecureRandom::Get());
    ASSERT_TRUE(code.ok());
    EXPECT_LE(code->size(), kMaxCodeChars);
    // Opaque: nothing of the record shows through, and it is safe in a URL as it is.
    EXPECT_EQ(code->find("acct_123"), std::string::npos);
    EXPECT_EQ(
        code->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos);
    auto opened = OpenCode(*code, kKey);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    ExpectSameRecord(*opened, Sample());
    // The wire form starts with the seal's 24-byte nonce (32 base64url characters).
    nonces.insert(code->substr(0, 32));
  }
  EXPECT_EQ(nonces.size(), 50u);
}

TEST(SealedCodeTest, RefusesAnotherKeyAnyChangedCharacterAndGarbage) {
  std::string code = *SealCode(Sample(), kKey, crypto::SecureRandom::Get());
  EXPECT_EQ(OpenCode(code, std::string(32, 'x')).status().code(), StatusCode::kPermissionDenied);
  for (size_t i = 0; i < code.size(); ++i) {
    std::string changed = code;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    EXPECT_EQ(OpenCode(changed, kKey).status().code(), StatusCode::kPermissionDenied) << i;
  }
  EXPECT_EQ(OpenCode(code.substr(0, code.size() - 4), kKey).status().code(),
            StatusCode::kPermissionDenied);
  for (std::string_view garbage : {"", "abc", "!!!!", "a b", "%00"}) {
    EXPECT_EQ(OpenCode(garbage, kKey).status().code(), StatusCode::kPermissionDenied) << garbage;
  }
  EXPECT_EQ(OpenCode(std::string(kMaxCodeChars + 1, 'A'), kKey).status().code(),
            StatusCode::kPermissionDenied);
}

TEST(SealedCodeTest, TheRecordReaderAcceptsOnlyWhatTheWriterWrote) {
  std::string record = *EncodeCodeRecord(Sample());
  auto back = DecodeCodeRecord(record);
  ASSERT_TRUE(back.has_value());
  ExpectSameRecord(*back, Sample());
  for (size_t n = 0; n < record.size(); ++n) {
    EXPECT_FALSE(DecodeCodeRecord(record.substr(0, n)).has_value()) << n;
  }
  EXPECT_FALSE(DecodeCodeRecord(record + "x").has_value());
  std::string other_version = record;
  other_version[0] = 2;
  EXPECT_FALSE(DecodeCodeRecord(other_version).has_value());
  AuthorizationCode too_long = Sample();
  too_long.redirect_uri = std::string(70'000, 'u');
  EXPECT_FALSE(EncodeCodeRecord(too_long).has_value());
  EXPECT_EQ(SealCode(too_long, kKey, crypto::SecureRandom::Get()).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(SealedRefreshTokenTest, OpensToItsGrantAndGenerationAndOnlyAsARefreshToken) {
  const RefreshToken sample{"grant_0000000001abc", 7};
  auto token = SealRefreshToken(sample, kKey, crypto::SecureRandom::Get());
  ASSERT_TRUE(token.ok());
  EXPECT_LE(token->size(), kMaxRefreshTokenChars);
  EXPECT_EQ(token->find("grant_"), std::string::npos);
  auto opened = OpenRefreshToken(*token, kKey);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->grant_id, sample.grant_id);
  EXPECT_EQ(opened->generation, 7);
  // Same key, another purpose: a code never opens as a refresh token, nor the other way.
  std::string code = *SealCode(Sample(), kKey, crypto::SecureRandom::Get());
  EXPECT_EQ(OpenRefreshToken(code, kKey).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(OpenCode(*token, kKey).status().code(), StatusCode::kPermissionDenied);
  // Another key, any changed character, a cut, garbage and oversize are all refused.
  EXPECT_EQ(OpenRefreshToken(*token, std::string(32, 'x')).status().code(),
            StatusCode::kPermissionDenied);
  for (size_t i = 0; i < token->size(); ++i) {
    std::string changed = *token;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    EXPECT_EQ(OpenRefreshToken(changed, kKey).status().code(), StatusCode::kPermissionDenied) << i;
  }
  EXPECT_EQ(OpenRefreshToken(token->substr(1), kKey).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(OpenRefreshToken("not a token", kKey).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(OpenRefreshToken(std::string(kMaxRefreshTokenChars + 1, 'A'), kKey).status().code(),
            StatusCode::kPermissionDenied);
  // Two seals of the same record differ (fresh nonces), and both open.
  auto again = SealRefreshToken(sample, kKey, crypto::SecureRandom::Get());
  ASSERT_TRUE(again.ok());
  EXPECT_NE(*again, *token);
  EXPECT_TRUE(OpenRefreshToken(*again, kKey).ok());
}

TEST(SealedRefreshTokenTest, TheRecordReaderAcceptsOnlyWhatTheWriterWrote) {
  std::string record = *EncodeRefreshRecord({"grant_1", 3});
  auto back = DecodeRefreshRecord(record);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->grant_id, "grant_1");
  EXPECT_EQ(back->generation, 3);
  for (size_t n = 0; n < record.size(); ++n)
    EXPECT_FALSE(DecodeRefreshRecord(record.substr(0, n)).has_value()) << n;
  EXPECT_FALSE(DecodeRefreshRecord(record + "x").has_value());
  EXPECT_FALSE(EncodeRefreshRecord({std::string(70'000, 'g'), 1}).has_value());
}

AccessTokenClaims SampleAccess() {
  AccessTokenClaims c;
  c.subject = "pairwise-subject-0123456789";
  c.client_id = "site_abc";
  c.scope = "openid email";
  c.grant_id = "grant_0000000001abc";
  c.issued_at = 1'700'000'000;
  c.expires_at = 1'700'000'600;
  return c;
}

TEST(SealedAccessTokenTest, OpensToItsClaimsWithTheNonceAsJtiAndOnlyAsAnAccessToken) {
  auto token = SealAccessToken(SampleAccess(), kKey, crypto::SecureRandom::Get());
  ASSERT_TRUE(token.ok());
  EXPECT_LE(token->size(), kMaxAccessTokenChars);
  // Opaque: no claim shows through, and no dot, so it is never taken for a JWT.
  EXPECT_EQ(token->find("site_abc"), std::string::npos);
  EXPECT_EQ(token->find('.'), std::string::npos);
  auto opened = OpenAccessToken(*token, kKey);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->subject, SampleAccess().subject);
  EXPECT_EQ(opened->client_id, "site_abc");
  EXPECT_EQ(opened->scope, "openid email");
  EXPECT_EQ(opened->grant_id, SampleAccess().grant_id);
  EXPECT_EQ(opened->issued_at, SampleAccess().issued_at);
  EXPECT_EQ(opened->expires_at, SampleAccess().expires_at);
  EXPECT_TRUE(opened->account_id.empty());  // read from the grant, never from the token
  EXPECT_EQ(opened->jti.size(), 32u);       // base64url of the 24-byte nonce
  auto again =
      OpenAccessToken(*SealAccessToken(SampleAccess(), kKey, crypto::SecureRandom::Get()), kKey);
  ASSERT_TRUE(again.ok());
  EXPECT_NE(again->jti, opened->jti);
  // Same key, other purposes: none of code, refresh token and access token opens as another.
  std::string code = *SealCode(Sample(), kKey, crypto::SecureRandom::Get());
  std::string refresh = *SealRefreshToken({"grant_1", 1}, kKey, crypto::SecureRandom::Get());
  EXPECT_EQ(OpenAccessToken(code, kKey).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(OpenAccessToken(refresh, kKey).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(OpenRefreshToken(*token, kKey).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(OpenCode(*token, kKey).status().code(), StatusCode::kPermissionDenied);
  // Another key, any changed character, a cut, garbage and oversize are all refused.
  EXPECT_EQ(OpenAccessToken(*token, std::string(32, 'x')).status().code(),
            StatusCode::kPermissionDenied);
  for (size_t i = 0; i < token->size(); ++i) {
    std::string changed = *token;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    EXPECT_EQ(OpenAccessToken(changed, kKey).status().code(), StatusCode::kPermissionDenied) << i;
  }
  EXPECT_EQ(OpenAccessToken(token->substr(1), kKey).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(OpenAccessToken("not a token", kKey).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(OpenAccessToken(std::string(kMaxAccessTokenChars + 1, 'A'), kKey).status().code(),
            StatusCode::kPermissionDenied);
}

// The token endpoint bounds a scope at 1,000 bytes; with the longest subject, client and grant
// ids the Network makes, the token must still be short enough to open.
TEST(SealedAccessTokenTest, TheLongestTokenTheNetworkIssuesStillOpens) {
  AccessTokenClaims longest = SampleAccess();
  longest.subject = std::string(43, 's');    // a pairwise subject
  longest.client_id = std::string(21, 'c');  // site_ + 16
  longest.grant_id = std::string(38, 'g');   // grant_ + 32
  longest.scope = std::string(1000, 'x');
  auto token = SealAccessToken(longest, kKey, crypto::SecureRandom::Get());
  ASSERT_TRUE(token.ok());
  EXPECT_LE(token->size(), kMaxAccessTokenChars);
  EXPECT_TRUE(OpenAccessToken(*token, kKey).ok());
}

TEST(SealedAccessTokenTest, TheRecordReaderAcceptsOnlyWhatTheWriterWrote) {
  std::string record = *EncodeAccessRecord(SampleAccess());
  auto back = DecodeAccessRecord(record);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->subject, SampleAccess().subject);
  EXPECT_EQ(back->expires_at, SampleAccess().expires_at);
  for (size_t n = 0; n < record.size(); ++n)
    EXPECT_FALSE(DecodeAccessRecord(record.substr(0, n)).has_value()) << n;
  EXPECT_FALSE(DecodeAccessRecord(record + "x").has_value());
  AccessTokenClaims too_long = SampleAccess();
  too_long.scope = std::string(70'000, 's');
  EXPECT_FALSE(EncodeAccessRecord(too_long).has_value());
  EXPECT_EQ(SealAccessToken(too_long, kKey, crypto::SecureRandom::Get()).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace portico::oidc
