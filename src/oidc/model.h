// The provider's records: signing keys, sites (clients), consents, codes, grants and refresh
// tokens. Plain values; see db/network/sqlite/0002_oidc.sql for their storage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace portico::oidc {

struct StoredKey {
  std::string kid;
  std::string alg;
  std::string sealed_key;
  std::string public_jwk;
  int64_t created_at = 0;
  std::optional<int64_t> retired_at;
  std::optional<int64_t> remove_after;
};

// Client authentication methods (OpenID Connect Core §9).
inline constexpr char kClientSecretBasic[] = "client_secret_basic";
inline constexpr char kClientSecretPost[] = "client_secret_post";
inline constexpr char kPrivateKeyJwt[] = "private_key_jwt";
inline constexpr char kNone[] = "none";

// Access token formats a site is registered with (design record 0018): a JWT (RFC 9068) that
// anyone holding the JWKS can check, or an opaque value sealed under a Network key that only
// the Network opens (its resource servers introspect it, RFC 7662).
inline constexpr char kJwtAccessTokens[] = "jwt";
inline constexpr char kOpaqueAccessTokens[] = "opaque";

struct Client {
  std::string id;
  std::string name;
  std::string secret_hash;  // raw HMAC bytes; empty unless a secret method
  std::string auth_method;
  std::vector<std::string> redirect_uris;
  std::vector<std::string> post_logout_redirect_uris;
  bool first_party = false;
  std::string subject_type = "public";  // or "pairwise"
  std::string sector_id;
  std::string id_token_alg = "RS256";
  std::string access_token_format = kJwtAccessTokens;  // or kOpaqueAccessTokens
  std::string jwks;                                    // JSON, for private_key_jwt
  std::string backchannel_logout_uri;
  std::string logo_uri;
  std::string home_uri;
  bool listed = true;
  int64_t created_at = 0;

  bool is_public() const { return auth_method == kNone; }
};

// What an access token says, a JWT's claims (RFC 9068 §2.2) or an opaque token's record.
struct AccessTokenClaims {
  std::string subject;
  std::string client_id;
  std::string account_id;  // empty for client_credentials tokens; read from the grant
  std::string scope;
  std::string jti;  // an opaque token's: its seal's nonce, base64url
  std::string grant_id;
  int64_t expires_at = 0;
  int64_t issued_at = 0;
};

// What an authorization code stands for; it travels sealed inside the code itself
// (authorize/sealed_code.h).
struct AuthorizationCode {
  std::string client_id;
  std::string account_id;
  std::string redirect_uri;
  std::string scope;
  std::string nonce;
  std::string code_challenge;
  std::string sid;
  int64_t auth_time = 0;
  bool include_auth_time = false;
  std::string grant_id;
  int64_t issued_at = 0;
  int64_t expires_at = 0;
};

struct Grant {
  std::string id;
  std::string client_id;
  std::string account_id;
  std::string scope;
  std::string sid;
  int64_t auth_time = 0;
  int64_t created_at = 0;
  std::optional<int64_t> revoked_at;
  // The number of the grant's current refresh token (1 for the first, one more at each
  // rotation), and when it expires; both unset when the grant has no refresh token.
  std::optional<int64_t> refresh_generation;
  std::optional<int64_t> refresh_expires_at;
};

// What a sealed refresh token stands for (design record 0017): its grant, and its place in
// the grant's rotation. Only the grant's current generation is accepted.
struct RefreshToken {
  std::string grant_id;
  int64_t generation = 0;
};

struct Consent {
  std::string client_id;
  std::string scope;
  int64_t granted_at = 0;
};

// A site a person has signed in to, for account information.
struct AccountSite {
  std::string client_id;
  std::string scope;       // what it was last granted
  int64_t last_at = 0;     // the last grant or consent
  bool consented = false;  // a remembered consent exists
};

}  // namespace portico::oidc
