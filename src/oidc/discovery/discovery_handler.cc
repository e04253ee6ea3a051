// GET /.well-known/openid-configuration (OpenID Connect Discovery 1.0 §3, §4) and GET /jwks
// (RFC 7517 §5). Both are precomputed strings served from the I/O thread.
#include <boost/json/serialize.hpp>

#include "oidc/claims.h"
#include "oidc/protocol.h"
#include "oidc/provider.h"

namespace portico::oidc {
namespace {

boost::json::array Strings(std::initializer_list<std::string_view> items) {
  boost::json::array a;
  for (auto i : items) a.emplace_back(i);
  return a;
}

}  // namespace

void Provider::SetIssuer(std::string issuer) {
  options_.issuer = std::move(issuer);
  clients_.SetEndpoints(options_.issuer, options_.issuer + "/token");
  const std::string& iss = options_.issuer;
  boost::json::object d;
  d["issuer"] = iss;
  d["authorization_endpoint"] = iss + "/authorize";
  d["token_endpoint"] = iss + "/token";
  d["userinfo_endpoint"] = iss + "/userinfo";
  d["jwks_uri"] = iss + "/jwks";
  d["end_session_endpoint"] = iss + "/logout";
  d["backchannel_logout_supported"] = true;
  d["backchannel_logout_session_supported"] = true;
  d["revocation_endpoint"] = iss + "/revoke";
  d["introspection_endpoint"] = iss + "/introspect";
  d["revocation_endpoint_auth_methods_supported"] =
      Strings({kClientSecretBasic, kClientSecretPost, kPrivateKeyJwt, kNone});
  d["introspection_endpoint_auth_methods_supported"] =
      Strings({kClientSecretBasic, kClientSecretPost, kPrivateKeyJwt});
  boost::json::array scopes;
  for (auto s : kSupportedScopes) scopes.emplace_back(s);
  d["scopes_supported"] = std::move(scopes);
  d["response_types_supported"] = Strings({"code"});
  d["response_modes_supported"] = Strings({"query"});
  d["grant_types_supported"] =
      Strings({"authorization_code", "refresh_token", "client_credentials"});
  d["subject_types_supported"] = Strings({"public", "pairwise"});
  d["id_token_signing_alg_values_supported"] = Strings({"RS256", "ES256", "EdDSA"});
  d["userinfo_signing_alg_values_supported"] = Strings({"none"});
  d["token_endpoint_auth_methods_supported"] =
      Strings({kClientSecretBasic, kClientSecretPost, kPrivateKeyJwt, kNone});
  d["token_endpoint_auth_signing_alg_values_supported"] = Strings({"RS256", "ES256", "EdDSA"});
  d["code_challenge_methods_supported"] = Strings({"S256"});
  d["claims_supported"] = Strings({"sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr",
                                   "amr", "azp", "sid", "name", "given_name", "family_name",
                                   "locale", "email", "email_verified", "address"});
  d["claims_parameter_supported"] = false;
  d["request_parameter_supported"] = false;
  d["request_uri_parameter_supported"] = false;
  d["authorization_response_iss_parameter_supported"] = true;  // RFC 9207 §3
  d["prompt_values_supported"] = Strings({"none", "login", "consent", "create"});
  d["ui_locales_supported"] = Strings({"en"});
  discovery_json_ = boost::json::serialize(d);
}

http::Response Provider::Discovery(const http::Request&) {
  http::Response r;
  r.SetHeader("Content-Type", "application/json");
  r.SetHeader("Cache-Control", "public, max-age=300");
  r.SetHeader("Access-Control-Allow-Origin", "*");
  r.body = discovery_json_;
  return r;
}

http::Response Provider::Jwks(const http::Request&) {
  http::Response r;
  r.SetHeader("Content-Type", "application/jwk-set+json");
  // Short, so a rotation reaches sites quickly; retired keys stay published meanwhile.
  r.SetHeader("Cache-Control", "public, max-age=60");
  r.SetHeader("Access-Control-Allow-Origin", "*");
  r.body = keys_.Current()->jwks_json;
  return r;
}

}  // namespace portico::oidc
