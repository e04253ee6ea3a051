// ClientRegistry: the sites registered at the Network and how they prove who they are.
//
// Registration validates what a site gives (RFC 9700 §2.1, OpenID Connect Registration §2):
// redirect URIs are absolute, without fragments, https — or http on a loopback host for
// development — and matched later by exact string comparison. Secrets are 256-bit random
// strings shown once; the store keeps HMAC-SHA-256(server key, secret), a fast keyed hash,
// because a random secret needs no slow hash (SECURITY.md).
// Client authentication (RFC 6749 §2.3, OpenID Connect Core §9) accepts only the method the
// site registered.
// Lookups (Find, Authenticate) keep what they read for the rest of the clock's current second
// (design record 0015): the token and authorization endpoints then read a site once per
// second, not on every request. A change made through this registry is seen at once; one made
// elsewhere (the CLI, another node) within a second. Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "crypto/random.h"
#include "http/form.h"
#include "http/message.h"
#include "oidc/model.h"
#include "oidc/oidc_store.h"

namespace portico::oidc {

struct ClientSpec {
  std::string name;
  std::vector<std::string> redirect_uris;
  std::vector<std::string> post_logout_redirect_uris;
  std::string auth_method = kClientSecretBasic;
  bool first_party = false;
  std::string subject_type = "public";
  std::string sector_id;  // default: the host of the first redirect URI
  std::string id_token_alg = "RS256";
  std::string access_token_format = kJwtAccessTokens;  // or kOpaqueAccessTokens
  std::string jwks;                                    // required for private_key_jwt
  std::string backchannel_logout_uri;
  std::string logo_uri;
  std::string home_uri;
  bool listed = true;  // shown in the home page's site directory
};

struct RegisteredClient {
  Client client;
  std::string secret;  // empty unless a secret method; shown once
};

class ClientRegistry {
 public:
  // `server_key`: the key secrets are hashed under (a server secret). `token_endpoint` and
  // `issuer`: the audiences a private_key_jwt assertion may name.
  ClientRegistry(OidcStore& store, std::string server_key, Clock& clock, crypto::Random& random,
                 std::string issuer, std::string token_endpoint);

  // Errors: kInvalidArgument (which field and why).
  StatusOr<RegisteredClient> Register(const ClientSpec& spec);
  // A new secret for a secret-method client; the old one stops working. Errors: kNotFound,
  // kFailedPrecondition (not a secret method).
  StatusOr<std::string> RotateSecret(const std::string& client_id);

  // The registered client `client_id`, as read at most a second ago. Errors: kNotFound;
  // kUnavailable.
  StatusOr<Client> Find(const std::string& client_id);

  // Authenticates the client of a token, revocation or introspection request.
  // Errors: kUnauthenticated (invalid_client) for every failure, with a log-only reason.
  StatusOr<Client> Authenticate(const http::Request& request, const http::FormData& form);

  // Checks one redirect or logout URI. Errors: kInvalidArgument.
  static Status ValidateRedirectUri(const std::string& uri);

  void SetEndpoints(std::string issuer, std::string token_endpoint) {
    issuer_ = std::move(issuer);
    token_endpoint_ = std::move(token_endpoint);
  }

 private:
  std::string HashSecret(std::string_view secret) const;
  StatusOr<Client> AuthenticateAssertion(const Client& client, const http::FormData& form);

  // Drops what Find keeps of `client_id`.
  void Forget(const std::string& client_id);

  OidcStore& store_;
  std::string server_key_;
  Clock& clock_;
  crypto::Random& random_;
  std::string issuer_;
  std::string token_endpoint_;

  struct Kept {
    Client client;
    int64_t read_at = 0;  // the second it was read in; used only within that second
  };
  std::mutex kept_mutex_;
  std::unordered_map<std::string, Kept> kept_;
};

// True when `host` is exactly a loopback name or address: localhost, a dotted-quad in
// 127.0.0.0/8, or [::1].
bool IsLoopbackHost(std::string_view host);

// Whether a redirect URI sent in a request matches a registered one: exact string comparison
// (RFC 9700 §4.1.3), except that for http on a loopback host the port may differ (RFC 8252
// §7.3: native apps listen on whatever port is free).
bool RedirectUriMatches(std::string_view registered, std::string_view presented);

}  // namespace portico::oidc
