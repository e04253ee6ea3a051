// GET|POST /userinfo (OpenID Connect Core §5.3) with a bearer access token (RFC 6750 §2.1
// header, or §2.2 form body on POST). Errors carry WWW-Authenticate (RFC 6750 §3).
#include <boost/json/object.hpp>

#include "http/form.h"
#include "oidc/claims.h"
#include "oidc/protocol.h"
#include "oidc/provider.h"

namespace portico::oidc {
namespace {

http::Response BearerError(std::string_view error, std::string_view description, int status) {
  http::Response r;
  if (error.empty()) {
    // RFC 6750 §3.1: a request without a token gets the challenge alone, no error code.
    r.status = status;
    r.SetHeader("Cache-Control", "no-store");
  } else {
    r = JsonError(ProtocolError{std::string(error), std::string(description), "", status});
  }
  std::string challenge = "Bearer realm=\"portico\"";
  if (!error.empty()) challenge += ", error=\"" + std::string(error) + "\"";
  r.SetHeader("WWW-Authenticate", challenge);
  return r;
}

}  // namespace

http::Response Provider::UserInfo(const http::Request& request) {
  std::string token;
  auto auth = request.Header("authorization");
  if (auth && auth->size() > 7 && http::EqualsIgnoreCase(auth->substr(0, 7), "Bearer "))
    token = std::string(auth->substr(7));
  if (request.method == "POST") {
    std::string_view type = request.Header("content-type").value_or("");
    if (type.substr(0, type.find(';')) == "application/x-www-form-urlencoded") {
      auto form = http::FormData::Parse(request.body);
      if (form && form->Get("access_token")) {
        if (!token.empty()) return BearerError(wire::kInvalidRequest, "one token, one method", 400);
        token = std::string(form->GetOr("access_token"));
      }
    }
  }
  if (token.empty()) return BearerError("", "", 401);
  std::optional<identity::Account> account;
  auto claims = VerifyAccessToken(token, &account);
  if (!claims.ok()) {
    if (claims.status().code() == StatusCode::kUnavailable)
      return BearerError(wire::kTemporarilyUnavailable, "", 503);
    return BearerError(wire::kInvalidToken, "the access token is invalid, expired or revoked", 401);
  }
  if (claims->account_id.empty() || !HasScope(claims->scope, "openid")) {
    return BearerError("insufficient_scope", "the token was not issued for OpenID Connect", 403);
  }
  if (!account || account->disabled_at)
    return BearerError(wire::kInvalidToken, "the account is not available", 401);
  boost::json::object body;
  body["sub"] = claims->subject;
  AddScopedClaims(*account, claims->scope, body);
  return JsonResponse(body);
}

}  // namespace portico::oidc
