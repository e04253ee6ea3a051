// POST /revoke (RFC 7009). The client authenticates; a refresh token of its own revokes its
// whole grant (and so the grant's access tokens), an access token of its own is revoked by jti.
// Unknown tokens and other clients' tokens get the same 200 (RFC 7009 §2.2) and change nothing.
#include "http/form.h"
#include "oidc/protocol.h"
#include "oidc/provider.h"

namespace portico::oidc {

http::Response Provider::Revoke(const http::Request& request) {
  std::optional<http::FormData> form;
  std::optional<Client> client;
  if (auto refused = ReadClientForm(request, form, client)) return std::move(*refused);
  std::string_view token = form->GetOr("token");
  if (token.empty()) return JsonError({wire::kInvalidRequest, "token is required", "", 400});
  int64_t now = clock_.NowSeconds();
  // Try the token as a refresh token, then as an access token, whatever the hint says
  // (RFC 7009 §2.1: the hint only speeds up the lookup).
  auto grant = FindRefreshGrant(token);
  if (grant.ok()) {
    if (grant->client_id == client->id) {
      Status s = store_.RevokeGrant(grant->id, now);
      // SECURITY.md promise 7: never acknowledge a revocation that was not written.
      if (!s.ok())
        return JsonError({wire::kTemporarilyUnavailable, "please retry", s.ToString(), 503});
    }
  } else if (grant.status().code() != StatusCode::kNotFound) {
    return JsonError(
        {wire::kTemporarilyUnavailable, "please retry", grant.status().ToString(), 503});
  } else if (auto claims = VerifyAccessToken(token);
             claims.ok() && claims->client_id == client->id) {
    Status s = store_.RevokeAccessToken(claims->jti, claims->expires_at);
    if (!s.ok())
      return JsonError({wire::kTemporarilyUnavailable, "please retry", s.ToString(), 503});
  } else if (claims.status().code() == StatusCode::kUnavailable) {
    // Promise 7: when the token could not be checked, say so rather than 200.
    return JsonError(
        {wire::kTemporarilyUnavailable, "please retry", claims.status().ToString(), 503});
  }
  http::Response r = JsonResponse(boost::json::object());
  r.body.clear();
  return r;
}

}  // namespace portico::oidc
