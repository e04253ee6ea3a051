// Provider: the Network's OpenID Connect provider (MISSION N11) — discovery, JWKS, the
// authorization endpoint with its consent page, the token endpoint, and userinfo.
//
// Endpoints (each handler beside its RFC folder):
//   GET  /.well-known/openid-configuration   discovery/   (OpenID Connect Discovery §4)
//   GET  /jwks                               discovery/   (RFC 7517 §5)
//   GET|POST /authorize, POST /authorize/consent  authorize/ (RFC 6749 §4.1, OIDC Core §3.1.2)
//   POST /token                              token/       (RFC 6749 §4.1.3, §6, §4.4)
//   GET|POST /userinfo                       userinfo/    (OIDC Core §5.3)
//   POST /revoke                             revocation/  (RFC 7009)
//   POST /introspect                         introspection/ (RFC 7662)
//   GET|POST /logout, POST /logout/confirm   logout/      (RP-Initiated and Back-Channel Logout)
// The person's sign-in comes from the Network's own pages (selfservice): authorize sends a
// signed-out person to /signin with return_to pointing back at the request.
// Thread-safe once routes are registered.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.h"
#include "crypto/random.h"
#include "http/client.h"
#include "http/router.h"
#include "identity/account.h"
#include "oidc/client/client_registry.h"
#include "oidc/keys/key_manager.h"
#include "oidc/oidc_store.h"
#include "selfservice/web.h"

namespace portico::oidc {

struct ProviderOptions {
  std::string issuer;     // the public URL, e.g. "https://id.example.com"
  int64_t code_ttl = 60;  // SECURITY.md: ≤ 60 s
  int64_t access_token_ttl = 600;
  int64_t id_token_ttl = 600;
  int64_t refresh_token_ttl = 30 * 86400;
};

class Provider {
 public:
  // `sealing_key` (32 bytes) seals authorization codes and refresh tokens;
  // `access_token_key` (32 bytes) seals opaque access tokens (design record 0018). The person
  // behind a token is read through `store`, in the transaction of each token step.
  Provider(ProviderOptions options, OidcStore& store, selfservice::SelfServiceWeb& web,
           KeyManager& keys, ClientRegistry& clients, Clock& clock, crypto::Random& random,
           std::string pairwise_key, std::string sealing_key, std::string access_token_key);

  // The tokens one grant step issues (token/issued.h).
  struct Issued;

  void RegisterRoutes(http::Router& router);
  // Fixes the issuer once the public URL is known (before serving starts).
  void SetIssuer(std::string issuer);
  const std::string& issuer() const { return options_.issuer; }

  // Verifies a bearer access token of either format: a JWT (signature by a published key,
  // typ at+jwt, iss) or an opaque token (opens under the access-token key, and its site is
  // registered for opaque tokens); then expiry, not revoked, grant not revoked. With `account`,
  // also reads the grant's person in the same transaction (nullopt for a token without a person, or
  // when the account is gone). Errors: kNotFound for a value without a dot that is no access token
  // of this Network (it may be a refresh token); kUnauthenticated for any other refusal;
  // kUnavailable.
  StatusOr<AccessTokenClaims> VerifyAccessToken(
      std::string_view token, std::optional<identity::Account>* account = nullptr);

 private:
  // The signature and claim checks of VerifyAccessToken for a JWT, without the store.
  StatusOr<AccessTokenClaims> VerifyAccessTokenSignature(std::string_view token);
  // The same, answered from the cache of tokens already verified when it can be.
  StatusOr<AccessTokenClaims> VerifiedJwtClaims(std::string_view token);
  // The grant of `token` when it is a current refresh token of this Network (sealed, its
  // grant's generation, unexpired). Errors: kNotFound for anything else; kUnavailable.
  StatusOr<Grant> FindRefreshGrant(std::string_view token);

  http::Response Discovery(const http::Request& request);
  http::Response Jwks(const http::Request& request);
  http::Response Authorize(const http::Request& request);
  http::Response Consent(const http::Request& request);
  http::Response Token(const http::Request& request);
  http::Response UserInfo(const http::Request& request);
  // The form of a client-authenticated POST (revocation, introspection): parses the body and
  // authenticates the client, filling both; returns the error response when either fails.
  std::optional<http::Response> ReadClientForm(const http::Request& request,
                                               std::optional<http::FormData>& form,
                                               std::optional<Client>& client);
  http::Response Revoke(const http::Request& request);
  http::Response Logout(const http::Request& request);
  // Sends a logout token to every site `sid` signed in to that registered a back-channel URI.
  void NotifySitesOfLogout(const std::string& sid, const std::string& account_id);
  http::Response Introspect(const http::Request& request);

  struct AuthorizeRequest;
  // Validates an authorize request into `ar`; returns the error response when it is invalid.
  std::optional<http::Response> ParseAuthorizeRequest(const std::optional<http::FormData>& params,
                                                      const selfservice::PageContext& ctx,
                                                      int status, AuthorizeRequest& ar);
  // auth_after values carry a MAC so that only the provider can set them.
  std::string SignAuthAfter(const std::string& client_id, int64_t time) const;
  std::optional<int64_t> VerifyAuthAfter(const std::string& client_id,
                                         std::string_view signed_value) const;
  // The origin a sign-in page's return_to (an /authorize request) finally redirects to.
  std::string ReturnOriginFor(std::string_view return_to);
  http::Response ContinueAuthorize(const AuthorizeRequest& ar, const selfservice::PageContext& ctx,
                                   bool after_consent);
  http::Response IssueCode(const AuthorizeRequest& ar, const selfservice::PageContext& ctx,
                           int status);
  http::Response RedirectError(const AuthorizeRequest& ar, std::string_view error,
                               std::string_view description, int status);

  // Signs the tokens of one grant step for `account` (nullptr: the site itself, for
  // client_credentials). Errors: kPermissionDenied for a locked account; kUnavailable.
  StatusOr<Issued> MintTokens(const Client& client, const identity::Account* account,
                              const std::string& scope, const std::string& nonce,
                              const std::string& sid, int64_t auth_time,
                              const std::string& grant_id, bool with_id_token);
  http::Response GrantAuthorizationCode(const Client& client, const http::FormData& form);
  http::Response GrantRefreshToken(const Client& client, const http::FormData& form);
  http::Response GrantClientCredentials(const Client& client, const http::FormData& form);

  ProviderOptions options_;
  OidcStore& store_;
  selfservice::SelfServiceWeb& web_;
  KeyManager& keys_;
  ClientRegistry& clients_;
  Clock& clock_;
  crypto::Random& random_;
  std::string pairwise_key_;
  // Seals authorization codes and refresh tokens (authorize/sealed_code.h), 32 bytes.
  std::string sealing_key_;
  // Seals opaque access tokens, 32 bytes: it needs the database's secret as well as the
  // key-encryption key, because such a token is used without a site's credentials.
  std::string access_token_key_;
  std::string discovery_json_;
  http::HttpClient http_client_;

  // Access tokens whose signature and claims were already checked, by SHA-256 of the token,
  // until they expire: a repeated userinfo call costs two indexed reads, not a signature
  // verification. Revocation is still read from the store on every use.
  std::mutex verified_mutex_;
  std::unordered_map<std::string, AccessTokenClaims> verified_;
};

}  // namespace portico::oidc
