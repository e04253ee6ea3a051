// RelyingParty: how a site on the network signs people in through the Network — OpenID Connect
// authorization code flow with PKCE (RFC 7636), state and nonce bound to the browser, the
// RFC 9207 `iss` check, ID token validation against the Network's JWKS (OIDC Core §3.1.3.7),
// RP-initiated logout, and back-channel logout token validation (Back-Channel Logout §2.6).
//
// It talks to the Network only over HTTP, exactly as a third-party site would: it depends on
// core, crypto, jose and http, never on the Network's identity or provider code.
// The login transaction (state, nonce, verifier, return address) travels in a cookie sealed
// with AES-256-GCM under the site's own key, so the site keeps no server state before sign-in.
// Thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "crypto/random.h"
#include "http/client.h"
#include "jose/key.h"

namespace portico::rp {

struct RpConfig {
  std::string issuer;  // the Network's issuer URL, exactly as its discovery says
  std::string client_id;
  std::string client_secret;  // client_secret_basic
  std::string redirect_uri;   // this site's callback, registered at the Network
  std::string post_logout_redirect_uri;
  std::string scope = "openid profile email";
  std::string cookie_key;  // 32 bytes: seals the login transaction cookie
};

// Who signed in, from a validated ID token.
struct SignedIn {
  std::string subject;
  std::string network_sid;  // the Network's session id (`sid`), for back-channel logout
  std::string name;
  std::string given_name;
  std::string family_name;
  std::string email;
  bool email_verified = false;
  int64_t auth_time = 0;
  std::string id_token;   // kept for the logout's id_token_hint
  std::string return_to;  // where the person was going
  boost::json::object claims;
};

struct LoginStart {
  std::string authorization_url;
  std::string transaction_cookie;  // sealed; set it as the login cookie
};

class RelyingParty {
 public:
  // Fetches the Network's discovery document and JWKS. Errors: kUnavailable (network),
  // kFailedPrecondition (the document's issuer is not `config.issuer`).
  static StatusOr<std::unique_ptr<RelyingParty>> Create(RpConfig config, http::HttpClient& client,
                                                        Clock& clock, crypto::Random& random);
  // Create, retried every 200 ms for up to `wait_seconds` while the Network answers
  // kUnavailable (it may still be starting, as under ./run). Other errors return at once.
  static StatusOr<std::unique_ptr<RelyingParty>> CreateWhenReady(RpConfig config,
                                                                 http::HttpClient& client,
                                                                 Clock& clock,
                                                                 crypto::Random& random,
                                                                 int wait_seconds);

  // Starts a sign-in. `prompt` may be "" , "create" (sign-up) or "login". A non-empty
  // `login_hint` (an e-mail address the site expects, OpenID Connect Core §3.1.2.1) prefills
  // the Network's sign-in or sign-up form; it is a hint, never a constraint.
  StatusOr<LoginStart> BeginLogin(const std::string& return_to, const std::string& prompt = "",
                                  const std::string& login_hint = "");

  // Completes it from the callback's query and the transaction cookie. Errors:
  // kPermissionDenied for every validation failure (state, iss, token signature, claims) with
  // the reason in the message; kFailedPrecondition when the Network answered with `error=`
  // (the message is the error code, e.g. "access_denied"); kUnavailable (network).
  StatusOr<SignedIn> CompleteLogin(std::string_view callback_query,
                                   std::string_view transaction_cookie);

  // Validates an ID token from the Network (exposed for tests). `nonce` must match.
  StatusOr<boost::json::object> ValidateIdToken(std::string_view id_token, std::string_view nonce);

  // The Network's end_session URL for RP-initiated logout.
  std::string LogoutUrl(const std::string& id_token_hint, const std::string& state) const;

  // Validates a back-channel logout_token. Returns its `sid` (or "" when only `sub` is given)
  // and fills `*subject`. Errors: kPermissionDenied.
  StatusOr<std::string> ValidateLogoutToken(std::string_view logout_token, std::string* subject);

  const RpConfig& config() const { return config_; }

 private:
  RelyingParty(RpConfig config, http::HttpClient& client, Clock& clock, crypto::Random& random);
  Status FetchDiscovery();
  Status RefreshKeys();
  // The key for `kid`, refreshing the JWKS once when it is unknown (the Network rotated).
  std::optional<jose::PublicKey> KeyFor(std::string_view kid);
  StatusOr<boost::json::object> VerifyJwt(std::string_view token, std::string_view expected_typ);

  RpConfig config_;
  http::HttpClient& client_;
  Clock& clock_;
  crypto::Random& random_;
  std::string authorization_endpoint_;
  std::string token_endpoint_;
  std::string jwks_uri_;
  std::string end_session_endpoint_;
  std::mutex keys_mutex_;
  std::vector<jose::PublicKey> keys_;
  int64_t keys_fetched_at_ = 0;
};

}  // namespace portico::rp
