#include "oidc/provider.h"

#include <boost/json/serialize.hpp>

#include "http/form.h"
#include "oidc/claims.h"
#include "oidc/protocol.h"

namespace portico::oidc {

Provider::Provider(ProviderOptions options, OidcStore& store, selfservice::SelfServiceWeb& web,
                   KeyManager& keys, ClientRegistry& clients, Clock& clock, crypto::Random& random,
                   std::string pairwise_key, std::string sealing_key, std::string access_token_key)
    : options_(std::move(options)),
      store_(store),
      web_(web),
      keys_(keys),
      clients_(clients),
      clock_(clock),
      random_(random),
      pairwise_key_(std::move(pairwise_key)),
      sealing_key_(std::move(sealing_key)),
      access_token_key_(std::move(access_token_key)) {
  SetIssuer(options_.issuer);
  web_.SetReturnOriginResolver(
      [this](std::string_view return_to) { return ReturnOriginFor(return_to); });
  // Every way a network session ends by sign-out reaches the sites it signed in to.
  web_.SetSignOutListener([this](const std::string& sid, const std::string& account_id) {
    NotifySitesOfLogout(sid, account_id);
  });
}

void Provider::RegisterRoutes(http::Router& router) {
  auto bind = [this](http::Response (Provider::*fn)(const http::Request&)) {
    return [this, fn](const http::Request& r) { return (this->*fn)(r); };
  };
  router.Get("/.well-known/openid-configuration", bind(&Provider::Discovery),
             http::Execution::kInline);
  // Inline as well: the snapshot is in memory; once per keys.reload_seconds a request reloads it
  // with one read of the database, which in WAL mode never waits for a writer.
  router.Get("/jwks", bind(&Provider::Jwks), http::Execution::kInline);
  router.Get("/authorize", bind(&Provider::Authorize));
  router.Post("/authorize", bind(&Provider::Authorize));
  router.Post("/authorize/consent", bind(&Provider::Consent));
  router.Post("/token", bind(&Provider::Token));
  router.Get("/userinfo", bind(&Provider::UserInfo));
  router.Post("/userinfo", bind(&Provider::UserInfo));
  router.Post("/revoke", bind(&Provider::Revoke));
  router.Post("/introspect", bind(&Provider::Introspect));
  router.Get("/logout", bind(&Provider::Logout));
  router.Post("/logout", bind(&Provider::Logout));
  router.Post("/logout/confirm", bind(&Provider::Logout));
}

std::optional<http::Response> Provider::ReadClientForm(const http::Request& request,
                                                       std::optional<http::FormData>& form,
                                                       std::optional<Client>& client) {
  std::string_view type = request.Header("content-type").value_or("");
  if (type.substr(0, type.find(';')) == "application/x-www-form-urlencoded")
    form = http::FormData::Parse(request.body);
  if (!form) return JsonError({wire::kInvalidRequest, "the body must be a form", "", 400});
  auto authenticated = clients_.Authenticate(request, *form);
  if (!authenticated.ok()) {
    if (authenticated.status().code() != StatusCode::kUnauthenticated) {
      return JsonError(
          {wire::kTemporarilyUnavailable, "please retry", authenticated.status().ToString(), 503});
    }
    return JsonError({wire::kInvalidClient, "client authentication failed", "", 401});
  }
  client = std::move(*authenticated);
  return std::nullopt;
}

}  // namespace portico::oidc
