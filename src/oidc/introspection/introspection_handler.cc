// POST /introspect (RFC 7662). The caller authenticates as a client and learns about tokens
// issued to itself only; anything else — unknown, expired, revoked, another client's — is
// {"active": false} (RFC 7662 §2.2, SECURITY.md).
#include "http/form.h"
#include "oidc/claims.h"
#include "oidc/protocol.h"
#include "oidc/provider.h"

namespace portico::oidc {

http::Response Provider::Introspect(const http::Request& request) {
  std::optional<http::FormData> form;
  std::optional<Client> client;
  if (auto refused = ReadClientForm(request, form, client)) return std::move(*refused);
  // A public client proves nothing about itself, so it may not introspect.
  if (client->is_public())
    return JsonError({wire::kInvalidClient, "introspection needs client authentication", "", 401});
  std::string_view token = form->GetOr("token");
  if (token.empty()) return JsonError({wire::kInvalidRequest, "token is required", "", 400});
  boost::json::object inactive;
  inactive["active"] = false;
  if (token.find('.') == std::string_view::npos) {
    // A refresh token, or an opaque access token (design record 0018): the two are sealed
    // with different associated data, so a value opens as one of them at most.
    auto grant = FindRefreshGrant(token);
    if (!grant.ok() && grant.status().code() != StatusCode::kNotFound) {
      return JsonError(
          {wire::kTemporarilyUnavailable, "please retry", grant.status().ToString(), 503});
    }
    if (grant.ok()) {
      if (grant->revoked_at || grant->client_id != client->id) return JsonResponse(inactive);
      boost::json::object out;
      out["active"] = true;
      out["scope"] = grant->scope;
      out["client_id"] = grant->client_id;
      out["sub"] = SubjectFor(*client, grant->account_id, pairwise_key_);
      out["iss"] = options_.issuer;
      out["token_type"] = "refresh_token";
      return JsonResponse(out);
    }
  }
  std::optional<identity::Account> account;
  auto claims = VerifyAccessToken(token, &account);
  if (claims.status().code() == StatusCode::kUnavailable) {
    return JsonError({wire::kTemporarilyUnavailable, "please retry", "", 503});
  }
  if (!claims.ok() || claims->client_id != client->id) return JsonResponse(inactive);
  // A token of a locked account is no longer active (userinfo refuses it too).
  if (!claims->account_id.empty() && (!account || account->disabled_at))
    return JsonResponse(inactive);
  boost::json::object out;
  out["active"] = true;
  out["scope"] = claims->scope;
  out["client_id"] = claims->client_id;
  out["sub"] = claims->subject;
  out["exp"] = claims->expires_at;
  out["iat"] = claims->issued_at;
  out["iss"] = options_.issuer;
  out["jti"] = claims->jti;
  out["token_type"] = "Bearer";
  return JsonResponse(out);
}

}  // namespace portico::oidc
