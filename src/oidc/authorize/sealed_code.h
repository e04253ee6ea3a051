// Sealed authorization codes (design record 0014), refresh tokens (0017) and opaque access
// tokens (0018).
//
// The code the authorization endpoint
// returns carries its own record — client, account, redirect URI, scope, nonce, PKCE
// challenge, session, times and the grant it will create — encrypted and authenticated with
// XChaCha20-Poly1305 under a key only the Network holds. Issuing a code writes nothing; the
// token endpoint opens it and consumes it once in the database (OidcStore::RedeemCode), by
// inserting the grant whose id it carries (docs/design/0019).
//
// Wire form: base64url without padding of nonce (24) || ciphertext || tag (16). The plaintext
// is a version byte followed by the fields in a fixed order (strings as a 2-byte big-endian
// length and bytes, integers as 8 bytes big-endian). Pure functions; thread-safe.
//
// A refresh token is sealed the same way, under the same key, with its own associated data,
// so neither kind of value ever opens as the other. Its record names the grant and the
// token's generation; the database keeps only the grant's current generation.
//
// An opaque access token (a site registered with that format) is sealed the same way with
// associated data of its own. Its record is what a JWT access token would say: subject,
// client, scope, grant, issue and expiry times; its jti is the seal's nonce.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "crypto/random.h"
#include "oidc/model.h"

namespace portico::oidc {

// The longest code OpenCode accepts, in characters: a 512-character nonce and a long redirect
// URI fit well within it.
inline constexpr size_t kMaxCodeChars = 4096;

// Seals `code` under the 32-byte `key`. Errors: kInvalidArgument when the key is not 32 bytes
// or a field is longer than 65,535 bytes.
StatusOr<std::string> SealCode(const AuthorizationCode& code, std::string_view key,
                               crypto::Random& random);

// Opens a code SealCode made under `key`. It does not look at the time: the caller decides
// what an expired code means. Errors: kPermissionDenied for anything that is not such a code
// (too long, not base64url, altered, sealed under another key); kInvalidArgument when the key
// is not 32 bytes.
StatusOr<AuthorizationCode> OpenCode(std::string_view code, std::string_view key);

// The plaintext record inside the seal, exposed for tests and the fuzzer. Encode fails only
// when a field is longer than 65,535 bytes; Decode accepts exactly what Encode produces.
std::optional<std::string> EncodeCodeRecord(const AuthorizationCode& code);
std::optional<AuthorizationCode> DecodeCodeRecord(std::string_view record);

// The longest refresh token OpenRefreshToken accepts, in characters (one is about 120).
inline constexpr size_t kMaxRefreshTokenChars = 512;

// Seals `token` under the 32-byte `key`. Errors: kInvalidArgument when the key is not 32 bytes
// or the grant id is longer than 65,535 bytes.
StatusOr<std::string> SealRefreshToken(const RefreshToken& token, std::string_view key,
                                       crypto::Random& random);

// Opens a refresh token SealRefreshToken made under `key`. Errors: kPermissionDenied for
// anything else (too long, not base64url, altered, sealed under another key, a code);
// kInvalidArgument when the key is not 32 bytes.
StatusOr<RefreshToken> OpenRefreshToken(std::string_view token, std::string_view key);

// The refresh token's plaintext record, exposed for tests and the fuzzer, as for codes.
std::optional<std::string> EncodeRefreshRecord(const RefreshToken& token);
std::optional<RefreshToken> DecodeRefreshRecord(std::string_view record);

// The longest opaque access token OpenAccessToken accepts, in characters. A person's token is
// 140 to 300; a site's own (client_credentials) grows with its scope, at most 1,000 bytes,
// which seals to under 1,500.
inline constexpr size_t kMaxAccessTokenChars = 2048;

// Seals `claims` (all but `account_id` and `jti`, which are not part of the record) under the
// 32-byte `key`. Errors: kInvalidArgument when the key is not 32 bytes or a field is longer
// than 65,535 bytes.
StatusOr<std::string> SealAccessToken(const AccessTokenClaims& claims, std::string_view key,
                                      crypto::Random& random);

// Opens an access token SealAccessToken made under `key`, filling `jti` from the seal's nonce.
// It does not look at the time. Errors: kPermissionDenied for anything else (too long, not
// base64url, altered, another key, a code or a refresh token); kInvalidArgument for a key
// that is not 32 bytes.
StatusOr<AccessTokenClaims> OpenAccessToken(std::string_view token, std::string_view key);

// The opaque access token's plaintext record, exposed for tests and the fuzzer, as for codes.
std::optional<std::string> EncodeAccessRecord(const AccessTokenClaims& claims);
std::optional<AccessTokenClaims> DecodeAccessRecord(std::string_view record);

}  // namespace portico::oidc
