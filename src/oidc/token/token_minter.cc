// Minting and verifying the provider's tokens: ID tokens (OIDC Core §2, §3.1.3.6) signed with
// the site's registered algorithm, and access tokens in the site's format: JWTs (RFC 9068)
// always signed with ES256 — an order of magnitude cheaper than RS256 — so a code exchange
// costs one RS256 signature at most, or opaque tokens sealed under a Network key (0018).
#include <boost/json/object.hpp>

#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "jose/jws.h"
#include "oidc/authorize/sealed_code.h"
#include "oidc/claims.h"
#include "oidc/protocol.h"
#include "oidc/token/issued.h"

namespace portico::oidc {

using jose::IntClaim;
using jose::StringClaim;

namespace {

constexpr char kAcr[] = "urn:portico:acr:password";

// OIDC Core §3.1.3.6: the left half of the hash of the access token, the hash being the one
// the ID token's algorithm uses (SHA-256 for RS256/ES256, SHA-512 for Ed25519).
std::string AtHash(std::string_view access_token, jose::Algorithm alg) {
  std::string digest =
      alg == jose::Algorithm::kEdDSA ? crypto::Sha512(access_token) : crypto::Sha256(access_token);
  return crypto::Base64UrlEncode(digest.substr(0, digest.size() / 2));
}

}  // namespace

StatusOr<Provider::Issued> Provider::MintTokens(const Client& client,
                                                const identity::Account* account,
                                                const std::string& scope, const std::string& nonce,
                                                const std::string& sid, int64_t auth_time,
                                                const std::string& grant_id, bool with_id_token) {
  auto snapshot = keys_.Current();
  int64_t now = clock_.NowSeconds();
  Issued out;
  out.scope = scope;
  out.expires_in = options_.access_token_ttl;

  // Locked since the code was issued, or since the last refresh: nothing more is issued.
  if (account != nullptr && account->disabled_at)
    return PermissionDeniedError("the account is locked");
  std::string subject = account ? SubjectFor(client, account->id, pairwise_key_) : client.id;

  if (client.access_token_format == kOpaqueAccessTokens) {
    // Design record 0018: the record a JWT would carry, sealed; no signature.
    AccessTokenClaims record;
    record.subject = subject;
    record.client_id = client.id;
    record.scope = scope;
    record.grant_id = grant_id;
    record.issued_at = now;
    record.expires_at = now + options_.access_token_ttl;
    PORTICO_ASSIGN_OR_RETURN(out.access_token, SealAccessToken(record, access_token_key_, random_));
    // Never hand out a token that OpenAccessToken would refuse unread.
    if (out.access_token.size() > kMaxAccessTokenChars)
      return InvalidArgumentError("the access token would be too long");
  } else {
    const jose::SigningKey* at_key = keys_.Active(*snapshot, jose::Algorithm::kES256);
    if (at_key == nullptr) return UnavailableError("no active ES256 key");
    boost::json::object at;
    at["iss"] = options_.issuer;
    at["sub"] = subject;
    at["aud"] = options_.issuer;
    at["client_id"] = client.id;
    at["iat"] = now;
    at["exp"] = now + options_.access_token_ttl;
    at["jti"] = crypto::RandomToken(random_, 16);
    at["scope"] = scope;
    if (account) {
      at["auth_time"] = auth_time;
      at["sid"] = sid;
    }
    if (!grant_id.empty()) at["gid"] = grant_id;
    PORTICO_ASSIGN_OR_RETURN(out.access_token, jose::SignCompact(*at_key, at, "at+jwt"));
  }

  if (with_id_token && account) {
    PORTICO_ASSIGN_OR_RETURN(jose::Algorithm alg, jose::ParseAlgorithm(client.id_token_alg));
    const jose::SigningKey* id_key = keys_.Active(*snapshot, alg);
    if (id_key == nullptr) return UnavailableError("no active key for the site's algorithm");
    boost::json::object id;
    id["iss"] = options_.issuer;
    id["sub"] = subject;
    id["aud"] = client.id;
    id["azp"] = client.id;
    id["exp"] = now + options_.id_token_ttl;
    id["iat"] = now;
    id["auth_time"] = auth_time;
    if (!nonce.empty()) id["nonce"] = nonce;
    id["acr"] = kAcr;
    id["amr"] = boost::json::array{"pwd"};
    id["sid"] = sid;
    id["at_hash"] = AtHash(out.access_token, alg);
    AddScopedClaims(*account, scope, id);
    PORTICO_ASSIGN_OR_RETURN(out.id_token, jose::SignCompact(*id_key, id, "JWT"));
  }
  return out;
}

StatusOr<AccessTokenClaims> Provider::VerifyAccessToken(std::string_view token,
                                                        std::optional<identity::Account>* account) {
  AccessTokenClaims c;
  if (token.find('.') == std::string_view::npos) {
    // An opaque access token (design record 0018): that it opens under the key is its check,
    // and only a site registered for opaque tokens has any.
    auto opened = OpenAccessToken(token, access_token_key_);
    if (!opened.ok()) {
      if (opened.status().code() == StatusCode::kPermissionDenied)
        return NotFoundError("not an access token of this Network");
      return UnavailableError(opened.status().ToString());
    }
    auto site = clients_.Find(opened->client_id);
    if (!site.ok()) {
      if (site.status().code() == StatusCode::kNotFound) return UnauthenticatedError("no site");
      return UnavailableError(site.status().ToString());
    }
    if (site->access_token_format != kOpaqueAccessTokens)
      return UnauthenticatedError("the site does not use opaque access tokens");
    c = std::move(*opened);
  } else {
    PORTICO_ASSIGN_OR_RETURN(c, VerifiedJwtClaims(token));
  }
  if (c.expires_at <= clock_.NowSeconds()) return UnauthenticatedError("expired");
  PORTICO_ASSIGN_OR_RETURN(auto state,
                           store_.CheckAccessToken(c.jti, c.grant_id, account != nullptr));
  if (state.revoked) return UnauthenticatedError("revoked");
  if (!c.grant_id.empty()) {
    if (!state.grant) return UnauthenticatedError("no grant");
    if (state.grant->revoked_at) return UnauthenticatedError("grant revoked");
    c.account_id = state.grant->account_id;
  }
  if (account != nullptr) *account = std::move(state.account);
  return c;
}

StatusOr<AccessTokenClaims> Provider::VerifiedJwtClaims(std::string_view token) {
  constexpr size_t kMaxCached = 20000;
  std::string cache_key = crypto::Sha256(token);
  {
    std::lock_guard lock(verified_mutex_);
    if (auto it = verified_.find(cache_key); it != verified_.end()) return it->second;
  }
  PORTICO_ASSIGN_OR_RETURN(AccessTokenClaims checked, VerifyAccessTokenSignature(token));
  std::lock_guard lock(verified_mutex_);
  if (verified_.size() >= kMaxCached) {
    // Drop the expired ones; if all are live, start over (a bound, not a policy).
    int64_t now = clock_.NowSeconds();
    std::erase_if(verified_, [now](const auto& e) { return e.second.expires_at <= now; });
    if (verified_.size() >= kMaxCached) verified_.clear();
  }
  verified_.emplace(cache_key, checked);
  return checked;
}

StatusOr<Grant> Provider::FindRefreshGrant(std::string_view token) {
  auto opened = OpenRefreshToken(token, sealing_key_);
  if (!opened.ok()) {
    if (opened.status().code() == StatusCode::kPermissionDenied)
      return NotFoundError("not a refresh token of this Network");
    return UnavailableError(opened.status().ToString());
  }
  auto grant = store_.FindGrantByRefreshToken(*opened, clock_.NowSeconds());
  if (!grant.ok() && grant.status().code() != StatusCode::kNotFound)
    return UnavailableError(grant.status().ToString());
  return grant;
}

StatusOr<AccessTokenClaims> Provider::VerifyAccessTokenSignature(std::string_view token) {
  auto jws = jose::DecodeCompact(token);
  if (!jws.ok()) return UnauthenticatedError("malformed token");
  // RFC 9068 §4: typ must be at+jwt, so an ID token is never accepted as an access token.
  if (StringClaim(jws->header, "typ") != "at+jwt")
    return UnauthenticatedError("not an access token");
  std::string_view kid = StringClaim(jws->header, "kid");
  auto snapshot = keys_.Current();
  bool verified = false;
  for (const auto& key : snapshot->published) {
    if (key.kid() == kid) {
      verified = jose::VerifyDecoded(*jws, key);
      break;
    }
  }
  if (!verified) return UnauthenticatedError("signature");
  const auto& p = jws->payload;
  AccessTokenClaims c;
  c.subject = std::string(StringClaim(p, "sub"));
  c.client_id = std::string(StringClaim(p, "client_id"));
  c.scope = std::string(StringClaim(p, "scope"));
  c.jti = std::string(StringClaim(p, "jti"));
  c.grant_id = std::string(StringClaim(p, "gid"));
  c.expires_at = IntClaim(p, "exp");
  c.issued_at = IntClaim(p, "iat");
  if (StringClaim(p, "iss") != options_.issuer || c.expires_at <= clock_.NowSeconds() ||
      c.jti.empty()) {
    return UnauthenticatedError("expired or foreign");
  }
  return c;
}

}  // namespace portico::oidc
