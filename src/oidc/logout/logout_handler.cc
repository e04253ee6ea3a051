// GET|POST /logout and POST /logout/confirm: RP-Initiated Logout (OpenID Connect RP-Initiated
// Logout 1.0 §2–3), and back-channel logout to every site the session signed in to
// (OpenID Connect Back-Channel Logout 1.0 §2.4–2.5).
//
// A post_logout_redirect_uri is honoured only when it is registered, exactly, for the site that
// the id_token_hint (an ID token this provider signed) or client_id names; anything else ends
// on the Network's own "signed out" page — never an open redirect (SECURITY.md).
// Without a valid id_token_hint for the current session, the person confirms first, so a
// third-party page cannot sign people out by embedding a link.
#include <boost/json/object.hpp>

#include "core/log.h"
#include "crypto/encoding.h"
#include "http/form.h"
#include "jose/jws.h"
#include "oidc/claims.h"
#include "oidc/protocol.h"
#include "oidc/provider.h"

namespace portico::oidc {

using jose::StringClaim;

namespace {

constexpr char kBackchannelEvent[] = "http://schemas.openid.net/event/backchannel-logout";

}  // namespace

void Provider::NotifySitesOfLogout(const std::string& sid, const std::string& account_id) {
  auto sites = store_.ListSessionSites(sid);
  if (!sites.ok()) {
    log::Warn("backchannel_logout_skipped", {{"sid", sid}, {"status", sites.status().ToString()}});
    return;
  }
  auto snapshot = keys_.Current();
  for (const std::string& client_id : *sites) {
    auto client = store_.FindClient(client_id);
    if (!client.ok() || client->backchannel_logout_uri.empty()) continue;
    auto alg = jose::ParseAlgorithm(client->id_token_alg);
    const jose::SigningKey* key = alg.ok() ? keys_.Active(*snapshot, *alg) : nullptr;
    if (key == nullptr) continue;
    int64_t now = clock_.NowSeconds();
    boost::json::object claims;
    claims["iss"] = options_.issuer;
    claims["aud"] = client->id;
    claims["iat"] = now;
    claims["exp"] = now + 120;
    claims["jti"] = crypto::RandomToken(random_, 16);
    claims["sub"] = SubjectFor(*client, account_id, pairwise_key_);
    claims["sid"] = sid;
    boost::json::object events;
    events[kBackchannelEvent] = boost::json::object();
    claims["events"] = std::move(events);
    auto token = jose::SignCompact(*key, claims, "logout+jwt");
    if (!token.ok()) continue;
    auto sent =
        http_client_.Post(client->backchannel_logout_uri, "application/x-www-form-urlencoded",
                          "logout_token=" + http::PercentEncode(*token));
    if (sent.ok() && (sent->status == 200 || sent->status == 204)) {
      log::Info("backchannel_logout_delivered", {{"client", client->id}, {"sid", sid}});
    } else {
      log::Warn("backchannel_logout_failed",
                {{"client", client->id},
                 {"sid", sid},
                 {"reason", sent.ok() ? "status " + std::to_string(sent->status)
                                      : sent.status().ToString()}});
    }
  }
}

http::Response Provider::Logout(const http::Request& request) {
  auto ctx = web_.Begin(request);
  if (!ctx.ok()) return web_.Failure(selfservice::PageContext{}, ctx.status(), "logout");
  std::optional<http::FormData> params;
  bool confirmed = false;
  if (request.method == "POST") {
    http::Response error;
    if (request.path == "/logout/confirm") {
      params = web_.ReadForm(request, *ctx, &error);
      if (!params) return error;
      confirmed = true;
    } else {
      std::string_view type = request.Header("content-type").value_or("");
      if (type.substr(0, type.find(';')) == "application/x-www-form-urlencoded")
        params = http::FormData::Parse(request.body);
    }
  } else {
    params = http::FormData::Parse(request.query);
  }
  if (!params)
    return web_.ErrorPage(*ctx, 400, "Sign-out request not understood",
                          "The request could not be read.");

  // Which site is asking, and is the hint an ID token we issued for this session's person?
  std::optional<Client> client;
  bool hint_matches_session = false;
  std::string_view hint = params->GetOr("id_token_hint");
  std::string hint_client;
  if (!hint.empty()) {
    auto jws = jose::DecodeCompact(hint);
    bool verified = false;
    if (jws.ok()) {
      auto snapshot = keys_.Current();
      for (const auto& key : snapshot->published) {
        if (key.kid() == StringClaim(jws->header, "kid")) verified = jose::VerifyDecoded(*jws, key);
      }
    }
    // OpenID Connect RP-Initiated Logout §2: an expired ID token is still a valid hint.
    // Only an ID token (typ JWT) is a hint; an access or logout token is not.
    if (!verified || StringClaim(jws->header, "typ") != "JWT" ||
        StringClaim(jws->payload, "iss") != options_.issuer) {
      return web_.ErrorPage(*ctx, 400, "Sign-out request not valid",
                            "The site sent a sign-out request we did not issue.");
    }
    hint_client = std::string(StringClaim(jws->payload, "aud"));
    if (ctx->signed_in()) {
      hint_matches_session = StringClaim(jws->payload, "sid") == ctx->active->session.public_id;
    }
  }
  std::string client_id = std::string(params->GetOr("client_id"));
  if (!client_id.empty() && !hint_client.empty() && client_id != hint_client) {
    return web_.ErrorPage(*ctx, 400, "Sign-out request not valid",
                          "The sign-out request names two different sites.");
  }
  if (client_id.empty()) client_id = hint_client;
  if (!client_id.empty()) {
    auto found = store_.FindClient(client_id);
    if (found.ok()) client = *found;
  }
  std::string redirect = std::string(params->GetOr("post_logout_redirect_uri"));
  if (!redirect.empty()) {
    bool registered = false;
    if (client) {
      for (const auto& uri : client->post_logout_redirect_uris)
        registered = registered || RedirectUriMatches(uri, redirect);
    }
    if (!registered) {
      log::Info("logout_bad_redirect_uri", {{"client", client_id}});
      return web_.ErrorPage(*ctx, 400, "Sign-out request not valid",
                            "The site asked to send you to an address it has not registered.");
    }
  }
  std::string state = std::string(params->GetOr("state"));

  if (ctx->signed_in() && !hint_matches_session && !confirmed) {
    ui::Data data;
    data.set("confirm", true);
    if (client) data.set("site", client->name);
    ui::Data hidden = ui::List();
    for (const auto& [k, v] : params->fields()) {
      if (k == "csrf_token") continue;
      ui::Data h;
      h.set("name", k);
      h.set("value", v);
      hidden.push_back(h);
    }
    data.set("params", hidden);
    http::Response page = web_.Page(*ctx, "logout", "Sign out", data);
    if (!redirect.empty())
      selfservice::SelfServiceWeb::AllowFormTarget(page, http::OriginOf(redirect));
    return page;
  }
  if (ctx->signed_in()) {
    Status s = web_.EndSession(ctx->session_token, ctx->active->session);
    if (!s.ok()) return web_.Failure(*ctx, s, "logout");
  }
  http::Response r;
  if (!redirect.empty()) {
    std::string location = state.empty() ? redirect : AppendQuery(redirect, "state", state);
    r = web_.RedirectWithSession(location, std::nullopt);
    if (request.method == "GET") r.status = 302;
    return r;
  }
  ui::Data data;
  data.set("done", true);
  r = web_.Page(selfservice::PageContext{}, "logout", "Signed out", data);
  r.AddHeader("Set-Cookie",
              "__Host-portico-session=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0");
  return r;
}

}  // namespace portico::oidc
