// POST /token (RFC 6749 §3.2): authorization_code (§4.1.3 with RFC 7636 PKCE), refresh_token
// (§6, rotated with reuse detection per RFC 9700 §4.14.2) and client_credentials (§4.4).
#include <boost/json/object.hpp>

#include "core/log.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "http/form.h"
#include "oidc/authorize/sealed_code.h"
#include "oidc/claims.h"
#include "oidc/protocol.h"
#include "oidc/token/issued.h"

namespace portico::oidc {
namespace {

ProtocolError Invalid(std::string_view error, std::string_view description,
                      std::string_view debug = "") {
  return ProtocolError{std::string(error), std::string(description), std::string(debug), 400};
}

// A failure of ours after a code or a refresh token was spent (signing, sealing): a retry
// with it could only be a replay or a reuse, so the grant ends now and the answer says to
// start again rather than to retry. `what` names the spent credential.
http::Response Spent(OidcStore& store, const std::string& grant_id, int64_t now,
                     const Status& status, std::string_view what) {
  log::Error("token_endpoint_failed", {{"status", status.ToString()}});
  (void)store.RevokeGrant(grant_id, now);
  return JsonError(Invalid(wire::kInvalidGrant, "the tokens could not be issued; " +
                                                    std::string(what) +
                                                    " is spent, start the sign-in again"));
}

http::Response Unavailable(const Status& s) {
  if (s.code() == StatusCode::kPermissionDenied || s.code() == StatusCode::kNotFound) {
    return JsonError(ProtocolError{wire::kInvalidGrant, "the account is no longer available",
                                   s.ToString(), 400});
  }
  log::Error("token_endpoint_failed", {{"status", s.ToString()}});
  ProtocolError e{wire::kTemporarilyUnavailable, "please retry", "", 503};
  http::Response r = JsonError(e);
  r.SetHeader("Retry-After", "1");
  return r;
}

boost::json::object TokenBody(const Provider::Issued& issued, const std::string& refresh_token) {
  boost::json::object body;
  body["access_token"] = issued.access_token;
  body["token_type"] = "Bearer";
  body["expires_in"] = issued.expires_in;
  body["scope"] = issued.scope;
  if (!issued.id_token.empty()) body["id_token"] = issued.id_token;
  if (!refresh_token.empty()) body["refresh_token"] = refresh_token;
  return body;
}

bool IsVerifier(std::string_view v) {
  // RFC 7636 §4.1: 43–128 unreserved characters.
  if (v.size() < 43 || v.size() > 128) return false;
  for (char c : v) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_' || c == '~';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

http::Response Provider::Token(const http::Request& request) {
  std::string_view type = request.Header("content-type").value_or("");
  if (type.substr(0, type.find(';')) != "application/x-www-form-urlencoded") {
    return JsonError(
        Invalid(wire::kInvalidRequest, "the body must be application/x-www-form-urlencoded"));
  }
  auto form = http::FormData::Parse(request.body);
  if (!form) return JsonError(Invalid(wire::kInvalidRequest, "the body could not be parsed"));
  for (const auto& [k, v] : form->fields()) {
    if (form->Count(k) > 1) return JsonError(Invalid(wire::kInvalidRequest, k + " is repeated"));
  }
  auto client = clients_.Authenticate(request, *form);
  if (!client.ok()) {
    if (client.status().code() != StatusCode::kUnauthenticated) return Unavailable(client.status());
    ProtocolError e{wire::kInvalidClient, "client authentication failed", "", 401};
    return JsonError(e);
  }
  std::string_view grant_type = form->GetOr("grant_type");
  if (grant_type == "authorization_code") return GrantAuthorizationCode(*client, *form);
  if (grant_type == "refresh_token") return GrantRefreshToken(*client, *form);
  if (grant_type == "client_credentials") return GrantClientCredentials(*client, *form);
  if (grant_type.empty())
    return JsonError(Invalid(wire::kInvalidRequest, "grant_type is required"));
  return JsonError(Invalid(wire::kUnsupportedGrantType,
                           "supported: authorization_code, refresh_token, client_credentials"));
}

http::Response Provider::GrantAuthorizationCode(const Client& client, const http::FormData& form) {
  std::string_view code = form.GetOr("code");
  if (code.empty()) return JsonError(Invalid(wire::kInvalidRequest, "code is required"));
  auto stored = OpenCode(code, sealing_key_);
  if (!stored.ok()) {
    if (stored.status().code() != StatusCode::kPermissionDenied)
      return Unavailable(stored.status());
    return JsonError(Invalid(wire::kInvalidGrant, "the code is invalid or expired"));
  }
  int64_t now = clock_.NowSeconds();
  std::optional<identity::Account> account;
  auto redemption = store_.RedeemCode(*stored, now, now + options_.refresh_token_ttl, &account);
  if (!redemption.ok()) return Unavailable(redemption.status());
  if (*redemption == Redemption::kReplayed) {
    log::Warn("authorization_code_replayed", {{"client", client.id}, {"grant", stored->grant_id}});
    return JsonError(
        Invalid(wire::kInvalidGrant, "the code was already used; its tokens are revoked"));
  }
  if (*redemption == Redemption::kInvalid)
    return JsonError(Invalid(wire::kInvalidGrant, "the code is invalid or expired"));
  // From here the code is consumed: any failure must also end the grant it created.
  auto refuse = [&](std::string_view description) {
    (void)store_.RevokeGrant(stored->grant_id, now);
    return JsonError(Invalid(wire::kInvalidGrant, description));
  };
  if (stored->client_id != client.id) return refuse("the code was issued to another client");
  if (form.GetOr("redirect_uri") != stored->redirect_uri)
    return refuse("redirect_uri does not match the authorization request");
  std::string_view verifier = form.GetOr("code_verifier");
  if (!stored->code_challenge.empty()) {
    if (!IsVerifier(verifier)) return refuse("code_verifier is missing or malformed");
    if (crypto::Base64UrlEncode(crypto::Sha256(verifier)) != stored->code_challenge)
      return refuse("code_verifier does not match");
  } else if (!verifier.empty()) {
    // SECURITY.md: a verifier without a challenge is a downgrade attempt.
    return refuse("code_verifier sent but no code_challenge was");
  }
  // Deleted or locked since the code was issued: nothing is issued.
  if (!account || account->disabled_at) return refuse("the account is no longer available");
  // With offline_access the redemption recorded the grant's first refresh token: generation 1.
  std::string refresh_token;
  if (HasScope(stored->scope, "offline_access")) {
    auto sealed = SealRefreshToken({stored->grant_id, 1}, sealing_key_, random_);
    if (!sealed.ok()) return Spent(store_, stored->grant_id, now, sealed.status(), "the code");
    refresh_token = std::move(*sealed);
  }
  // The access token names its grant, so revoking the grant (a replayed code, a revoked
  // consent) ends it too.
  auto issued = MintTokens(client, &*account, stored->scope, stored->nonce, stored->sid,
                           stored->auth_time, stored->grant_id, true);
  if (!issued.ok()) return Spent(store_, stored->grant_id, now, issued.status(), "the code");
  return JsonResponse(TokenBody(*issued, refresh_token));
}

http::Response Provider::GrantRefreshToken(const Client& client, const http::FormData& form) {
  std::string_view presented = form.GetOr("refresh_token");
  if (presented.empty())
    return JsonError(Invalid(wire::kInvalidRequest, "refresh_token is required"));
  // A value that does not open touches nothing (too long, altered, another Network's).
  auto opened = OpenRefreshToken(presented, sealing_key_);
  if (!opened.ok()) {
    if (opened.status().code() != StatusCode::kPermissionDenied)
      return Unavailable(opened.status());
    return JsonError(
        Invalid(wire::kInvalidGrant, "the refresh token is invalid, expired or revoked"));
  }
  int64_t now = clock_.NowSeconds();
  // RFC 6749 §6: a narrower scope may be asked for, never a wider one; the rotation checks it
  // before it consumes the token.
  std::optional<std::string> narrowed;
  if (auto requested = form.Get("scope")) narrowed = NormalizeScope(*requested);
  Grant grant;
  std::optional<identity::Account> account;
  // RFC 6749 §6: the token must belong to this client; the store checks it before it consumes
  // the token, so another site cannot burn someone else's token.
  auto rotation = store_.RotateRefreshToken(*opened, client.id, narrowed, now,
                                            now + options_.refresh_token_ttl, &grant, &account);
  if (!rotation.ok()) return Unavailable(rotation.status());
  if (*rotation == Redemption::kReplayed) {
    log::Warn("refresh_token_reused", {{"client", client.id}, {"grant", grant.id}});
    return JsonError(
        Invalid(wire::kInvalidGrant, "the refresh token was already used; the grant is revoked"));
  }
  if (*rotation == Redemption::kScopeTooWide)
    return JsonError(Invalid(wire::kInvalidScope, "the scope is wider than the grant"));
  if (*rotation == Redemption::kInvalid) {
    if (!grant.id.empty() && !grant.revoked_at && grant.client_id != client.id) {
      return JsonError(
          Invalid(wire::kInvalidGrant, "the refresh token was issued to another client"));
    }
    return JsonError(
        Invalid(wire::kInvalidGrant, "the refresh token is invalid, expired or revoked"));
  }
  std::string scope = narrowed ? *narrowed : grant.scope;
  if (!account || account->disabled_at) {
    (void)store_.RevokeGrant(grant.id, now);
    return JsonError(Invalid(wire::kInvalidGrant, "the account is no longer available"));
  }
  auto issued = MintTokens(client, &*account, scope, "", grant.sid, grant.auth_time, grant.id,
                           HasScope(scope, "openid"));
  if (!issued.ok()) return Spent(store_, grant.id, now, issued.status(), "the refresh token");
  // The rotation moved the grant to this generation; the token is its sealed name.
  auto next =
      SealRefreshToken({grant.id, grant.refresh_generation.value_or(0)}, sealing_key_, random_);
  if (!next.ok()) return Spent(store_, grant.id, now, next.status(), "the refresh token");
  return JsonResponse(TokenBody(*issued, *next));
}

http::Response Provider::GrantClientCredentials(const Client& client, const http::FormData& form) {
  // RFC 6749 §4.4: confidential clients only; the token speaks for the site, not a person.
  if (client.is_public())
    return JsonError(
        Invalid(wire::kUnauthorizedClient, "public clients cannot use client_credentials"));
  std::string scope;
  std::string_view requested = form.GetOr("scope");
  for (size_t start = 0; start <= requested.size();) {
    size_t end = requested.find(' ', start);
    if (end == std::string_view::npos) end = requested.size();
    std::string_view one = requested.substr(start, end - start);
    if (!one.empty()) {
      // Person-related scopes mean nothing without a person.
      if (one == "openid" || one == "profile" || one == "email" || one == "address" ||
          one == "phone" || one == "offline_access") {
        return JsonError(
            Invalid(wire::kInvalidScope, "client_credentials cannot ask for " + std::string(one)));
      }
      if (one.size() > 100) return JsonError(Invalid(wire::kInvalidScope, "scope too long"));
      if (!scope.empty()) scope += ' ';
      scope += one;
    }
    start = end + 1;
  }
  // The scope travels in the token: bounded, so that any token a site gets can be checked.
  constexpr size_t kMaxScopeBytes = 1000;
  if (scope.size() > kMaxScopeBytes)
    return JsonError(Invalid(wire::kInvalidScope, "scope longer than 1,000 bytes"));
  auto issued = MintTokens(client, nullptr, scope, "", "", 0, "", false);
  if (!issued.ok()) return Unavailable(issued.status());
  return JsonResponse(TokenBody(*issued, ""));
}

}  // namespace portico::oidc
