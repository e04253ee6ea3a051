// GET|POST /authorize and POST /authorize/consent: the authorization code flow's front half
// (RFC 6749 §4.1.1–4.1.2, OpenID Connect Core §3.1.2, RFC 7636, RFC 9207).
//
// Order matters for safety (RFC 6749 §4.1.2.1): until client_id and redirect_uri are known to
// belong together, every error is an error page; after that, errors go back to the site with
// error, state and iss.
#include <boost/json/object.hpp>
#include <cstdio>

#include "core/log.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "http/form.h"
#include "jose/jws.h"
#include "oidc/authorize/sealed_code.h"
#include "oidc/claims.h"
#include "oidc/protocol.h"
#include "oidc/provider.h"
#include "oidc/sites/site_directory.h"

namespace portico::oidc {

struct Provider::AuthorizeRequest {
  Client client;
  std::string redirect_uri;
  std::string scope;
  std::string state;
  std::string nonce;
  std::string code_challenge;
  std::string prompt;
  std::optional<int64_t> max_age;
  // Internal, set by the provider itself when it sends the person to sign in: the sign-in must
  // be at least this recent. Carried as "<time>~<MAC>", so a site cannot forge it.
  std::optional<int64_t> auth_after;
  std::string id_token_hint_subject;  // the `sub` of a valid id_token_hint, or ""
  bool has_id_token_hint = false;
  std::string login_hint;
  bool response_mode_query = true;
  http::FormData params;  // as received, to rebuild the request after sign-in or consent
};

namespace {

constexpr std::string_view kParams[] = {
    "client_id",     "redirect_uri",  "response_type",  "scope",
    "state",         "nonce",         "code_challenge", "code_challenge_method",
    "prompt",        "max_age",       "login_hint",     "ui_locales",
    "acr_values",    "response_mode", "display",        "auth_after",
    "id_token_hint", "claims_locales"};

bool IsCodeChallenge(std::string_view s) {
  // RFC 7636 §4.2: 43 characters of base64url for S256.
  if (s.size() != 43) return false;
  for (char c : s) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::optional<int64_t> ParseNonNegative(std::string_view s) {
  if (s.empty() || s.size() > 12) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// The query string of an authorize request, rebuilt from its parameters, with `drop` removed
// and `extra` added.
std::string RebuildQuery(const http::FormData& params, std::initializer_list<std::string_view> drop,
                         const std::vector<std::pair<std::string, std::string>>& extra) {
  std::string q;
  for (const auto& [k, v] : params.fields()) {
    bool skip = false;
    for (auto d : drop) skip = skip || k == d;
    if (skip) continue;
    if (!q.empty()) q += '&';
    q += http::PercentEncode(k) + "=" + http::PercentEncode(v);
  }
  for (const auto& [k, v] : extra) {
    if (!q.empty()) q += '&';
    q += http::PercentEncode(k) + "=" + http::PercentEncode(v);
  }
  return q;
}

bool HasPrompt(std::string_view prompt, std::string_view value) { return HasScope(prompt, value); }

}  // namespace

std::string Provider::SignAuthAfter(const std::string& client_id, int64_t time) const {
  std::string value = std::to_string(time);
  return value + "~" +
         crypto::Base64UrlEncode(
             crypto::HmacSha256(pairwise_key_, "auth_after|" + client_id + "|" + value)
                 .substr(0, 16));
}

std::optional<int64_t> Provider::VerifyAuthAfter(const std::string& client_id,
                                                 std::string_view signed_value) const {
  size_t tilde = signed_value.find('~');
  if (tilde == std::string_view::npos) return std::nullopt;
  auto time = ParseNonNegative(signed_value.substr(0, tilde));
  if (!time || !crypto::ConstantTimeEquals(SignAuthAfter(client_id, *time), signed_value))
    return std::nullopt;
  return time;
}

http::Response Provider::RedirectError(const AuthorizeRequest& ar, std::string_view error,
                                       std::string_view description, int status) {
  std::string location = AppendQuery(ar.redirect_uri, "error", std::string(error));
  if (!description.empty())
    location = AppendQuery(location, "error_description", std::string(description));
  if (!ar.state.empty()) location = AppendQuery(location, "state", ar.state);
  location = AppendQuery(location, "iss", options_.issuer);  // RFC 9207 §2
  http::Response r;
  r.status = status;
  r.SetHeader("Location", location);
  return r;
}

std::optional<http::Response> Provider::ParseAuthorizeRequest(
    const std::optional<http::FormData>& params, const selfservice::PageContext& ctx, int status,
    AuthorizeRequest& ar) {
  auto page_error = [&](std::string_view message) {
    return web_.ErrorPage(ctx, 400, "This sign-in link is not valid", message, "/",
                          "Go to the Network's home page");
  };
  if (!params) return page_error("The request could not be read.");

  ar.params = *params;
  // RFC 6749 §3.1: parameters must not repeat. Before the redirect URI is trusted: a page.
  if (params->Count("client_id") != 1 || params->Count("redirect_uri") > 1) {
    return page_error("The site sent an incomplete or repeated sign-in request (client_id).");
  }
  auto client = clients_.Find(std::string(params->GetOr("client_id")));
  if (!client.ok()) {
    if (client.status().code() != StatusCode::kNotFound)
      return web_.Failure(ctx, client.status(), "authorize");
    return page_error("The site that sent you here is not registered on the network.");
  }
  ar.client = *client;
  ar.redirect_uri = std::string(params->GetOr("redirect_uri"));
  // SECURITY.md: exact string comparison, no patterns, and never a redirect before this check.
  bool registered = false;
  for (const auto& uri : ar.client.redirect_uris)
    registered = registered || RedirectUriMatches(uri, ar.redirect_uri);
  if (ar.redirect_uri.empty() || !registered) {
    log::Info("authorize_bad_redirect_uri", {{"client", ar.client.id}});
    return page_error(
        "The site asked to send you to an address it has not registered, so the request was "
        "stopped.");
  }
  ar.state = std::string(params->GetOr("state"));
  for (auto name : kParams) {
    if (params->Count(name) > 1) {
      return RedirectError(ar, wire::kInvalidRequest, std::string(name) + " is repeated", status);
    }
  }
  if (params->Get("request")) return RedirectError(ar, wire::kRequestNotSupported, "", status);
  if (params->Get("request_uri"))
    return RedirectError(ar, wire::kRequestUriNotSupported, "", status);
  if (params->GetOr("response_type") != "code") {
    return RedirectError(ar, wire::kUnsupportedResponseType, "only response_type=code is supported",
                         status);
  }
  std::string_view mode = params->GetOr("response_mode");
  if (!mode.empty() && mode != "query")
    return RedirectError(ar, wire::kInvalidRequest, "response_mode must be query", status);
  ar.scope = NormalizeScope(params->GetOr("scope"));
  if (!HasScope(ar.scope, "openid"))
    return RedirectError(ar, wire::kInvalidScope, "the openid scope is required", status);
  ar.nonce = std::string(params->GetOr("nonce"));
  if (ar.nonce.size() > 512 || ar.state.size() > 2048)
    return RedirectError(ar, wire::kInvalidRequest, "state or nonce too long", status);
  // PKCE (RFC 7636; SECURITY.md): S256 only; required for public clients.
  std::string_view method = params->GetOr("code_challenge_method");
  ar.code_challenge = std::string(params->GetOr("code_challenge"));
  if (!ar.code_challenge.empty()) {
    if (method != "S256")
      return RedirectError(ar, wire::kInvalidRequest, "code_challenge_method must be S256", status);
    if (!IsCodeChallenge(ar.code_challenge))
      return RedirectError(ar, wire::kInvalidRequest, "malformed code_challenge", status);
  } else if (!method.empty()) {
    return RedirectError(ar, wire::kInvalidRequest, "code_challenge_method without code_challenge",
                         status);
  } else if (ar.client.is_public()) {
    return RedirectError(ar, wire::kInvalidRequest, "public clients must use PKCE (S256)", status);
  }
  ar.prompt = std::string(params->GetOr("prompt"));
  for (size_t start = 0; start <= ar.prompt.size();) {
    size_t end = ar.prompt.find(' ', start);
    if (end == std::string::npos) end = ar.prompt.size();
    std::string_view one = std::string_view(ar.prompt).substr(start, end - start);
    if (!one.empty() && one != "none" && one != "login" && one != "consent" && one != "create" &&
        one != "select_account") {
      return RedirectError(ar, wire::kInvalidRequest, "unknown prompt value", status);
    }
    start = end + 1;
  }
  if (HasPrompt(ar.prompt, "none") && ar.prompt != "none") {
    return RedirectError(ar, wire::kInvalidRequest, "prompt=none cannot be combined", status);
  }
  if (auto max_age = params->Get("max_age")) {
    ar.max_age = ParseNonNegative(*max_age);
    if (!ar.max_age)
      return RedirectError(ar, wire::kInvalidRequest, "max_age must be a non-negative integer",
                           status);
  }
  if (auto after = params->Get("auth_after")) ar.auth_after = VerifyAuthAfter(ar.client.id, *after);
  if (auto hint = params->Get("id_token_hint")) {
    // OIDC Core §3.1.2.1: an ID token this provider issued to this site, naming who the site
    // expects to be signed in. An expired one is still a valid hint.
    auto jws = jose::DecodeCompact(*hint);
    bool verified = false;
    if (jws.ok()) {
      auto snapshot = keys_.Current();
      auto kid = jws->header.find("kid");
      for (const auto& key : snapshot->published) {
        if (kid != jws->header.end() && kid->value().is_string() &&
            key.kid() == kid->value().as_string()) {
          verified = jose::VerifyDecoded(*jws, key);
        }
      }
    }
    auto claim = [&](const char* name) -> std::string {
      auto it = jws->payload.find(name);
      return it != jws->payload.end() && it->value().is_string()
                 ? std::string(it->value().as_string())
                 : "";
    };
    auto typ = verified ? jws->header.find("typ") : jws->header.end();
    if (!verified || typ == jws->header.end() || !typ->value().is_string() ||
        typ->value().as_string() != "JWT" || claim("iss") != options_.issuer ||
        claim("aud") != ar.client.id) {
      return RedirectError(ar, wire::kInvalidRequest,
                           "id_token_hint is not an ID token issued to this site", status);
    }
    ar.has_id_token_hint = true;
    ar.id_token_hint_subject = claim("sub");
  }
  ar.login_hint = std::string(params->GetOr("login_hint"));
  return std::nullopt;
}

http::Response Provider::Authorize(const http::Request& request) {
  auto ctx = web_.Begin(request);
  if (!ctx.ok()) return web_.Failure(selfservice::PageContext{}, ctx.status(), "authorize");
  std::optional<http::FormData> params;
  if (request.method == "POST") {
    std::string_view type = request.Header("content-type").value_or("");
    if (type.substr(0, type.find(';')) == "application/x-www-form-urlencoded")
      params = http::FormData::Parse(request.body);
  } else {
    params = http::FormData::Parse(request.query);
  }
  AuthorizeRequest ar;
  int status = request.method == "POST" ? 303 : 302;
  if (auto error = ParseAuthorizeRequest(params, *ctx, status, ar)) return std::move(*error);
  return ContinueAuthorize(ar, *ctx, false);
}

http::Response Provider::ContinueAuthorize(const AuthorizeRequest& ar,
                                           const selfservice::PageContext& ctx,
                                           bool after_consent) {
  int status = after_consent ? 303 : 302;
  int64_t now = clock_.NowSeconds();
  bool interactive = ar.prompt != "none";
  // Does the browser's session satisfy the request?
  bool fresh_enough = ctx.signed_in();
  if (fresh_enough && ar.auth_after) {
    // Back from a sign-in this provider asked for: that sign-in is what counts.
    fresh_enough = ctx.active->session.authenticated_at >= *ar.auth_after;
  } else if (fresh_enough && ar.max_age &&
             now - ctx.active->session.authenticated_at > *ar.max_age) {
    fresh_enough = false;
  }
  // The site expects someone else to be signed in: never hand it this person's code silently.
  if (fresh_enough && ar.has_id_token_hint &&
      SubjectFor(ar.client, ctx.active->account.id, pairwise_key_) != ar.id_token_hint_subject) {
    fresh_enough = false;
  }
  // prompt=login is dropped from the request it sends back, so a returning request has none.
  bool force_login = HasPrompt(ar.prompt, "login");
  if (!fresh_enough || force_login) {
    if (!interactive) return RedirectError(ar, wire::kLoginRequired, "", status);
    // Send the person to the Network's sign-in (or sign-up) page; it returns here afterwards,
    // with auth_after so that only a sign-in made from now on satisfies the request.
    // The request comes back without login/create (they are being served now) and, when the
    // existing session was not enough (prompt=login, max_age), with auth_after so that only a
    // sign-in made from now on satisfies it.
    std::string remaining;
    for (std::string_view p : {"consent", "select_account"}) {
      if (!HasPrompt(ar.prompt, p)) continue;
      if (!remaining.empty()) remaining += ' ';
      remaining += p;
    }
    std::vector<std::pair<std::string, std::string>> extra;
    if (!remaining.empty()) extra.emplace_back("prompt", remaining);
    if (ctx.signed_in() || ar.max_age)
      extra.emplace_back("auth_after", SignAuthAfter(ar.client.id, now));
    std::string back = "/authorize?" + RebuildQuery(ar.params, {"prompt", "auth_after"}, extra);
    bool create = HasPrompt(ar.prompt, "create");
    std::string target = create ? "/signup?return_to=" : "/signin?reauth=1&return_to=";
    target += http::PercentEncode(back);
    if (!ar.login_hint.empty()) target += "&login_hint=" + http::PercentEncode(ar.login_hint);
    http::Response r = web_.Redirect(ctx, target);
    r.status = status;
    return r;
  }
  if (!ar.client.first_party && !after_consent) {
    auto consent = store_.FindConsent(ctx.active->account.id, ar.client.id);
    if (!consent.ok()) return web_.Failure(ctx, consent.status(), "authorize");
    bool covered = consent->has_value();
    if (covered) {
      for (size_t start = 0; start <= ar.scope.size();) {
        size_t end = ar.scope.find(' ', start);
        if (end == std::string::npos) end = ar.scope.size();
        covered = covered && HasScope((*consent)->scope,
                                      std::string_view(ar.scope).substr(start, end - start));
        start = end + 1;
      }
    }
    if (!covered || HasPrompt(ar.prompt, "consent")) {
      if (!interactive) return RedirectError(ar, wire::kConsentRequired, "", status);
      ui::Data data;
      data.set("site", ar.client.name);
      data.set("home_uri", ar.client.home_uri);
      ui::Data releases = ui::List();
      for (const std::string& text : DescribeScope(ar.scope)) {
        ui::Data d;
        d.set("text", text);
        releases.push_back(d);
      }
      data.set("releases", releases);
      ui::Data hidden = ui::List();
      for (const auto& [k, v] : ar.params.fields()) {
        if (k == "prompt") continue;  // the consent being given now satisfies prompt=consent
        ui::Data h;
        h.set("name", k);
        h.set("value", v);
        hidden.push_back(h);
      }
      data.set("params", hidden);
      http::Response page = web_.Page(ctx, "consent", "Allow access", data);
      // Both answers end in a redirect to the site, which browsers check against form-action.
      selfservice::SelfServiceWeb::AllowFormTarget(page, http::OriginOf(ar.redirect_uri));
      return page;
    }
  }
  return IssueCode(ar, ctx, status);
}

http::Response Provider::IssueCode(const AuthorizeRequest& ar, const selfservice::PageContext& ctx,
                                   int status) {
  AuthorizationCode c;
  c.client_id = ar.client.id;
  c.account_id = ctx.active->account.id;
  c.redirect_uri = ar.redirect_uri;
  c.scope = ar.scope;
  c.nonce = ar.nonce;
  c.code_challenge = ar.code_challenge;
  c.sid = ctx.active->session.public_id;
  c.auth_time = ctx.active->session.authenticated_at;
  c.include_auth_time = ar.max_age.has_value();
  c.issued_at = clock_.NowSeconds();
  // The grant id is this code's single-use key (design record 0019): redeeming the code inserts
  // the grant, so the id must be made fresh for each code, never reused or derived. The issue
  // time leads it (hex, fixed width, so ids sort by time): new grants land together at the end
  // of the id index instead of on a random page each.
  char issued_hex[24];
  std::snprintf(issued_hex, sizeof issued_hex, "%010llx",
                static_cast<unsigned long long>(c.issued_at));
  c.grant_id = "grant_" + std::string(issued_hex) + crypto::RandomToken(random_, 16);
  c.expires_at = c.issued_at + options_.code_ttl;
  // Sealed, not stored: the token endpoint consumes it once (design record 0014).
  auto code = SealCode(c, sealing_key_, random_);
  if (!code.ok()) {
    log::Error("authorization_code_not_sealed", {{"status", code.status().ToString()}});
    return RedirectError(ar, wire::kServerError, "", status);
  }
  std::string location = AppendQuery(ar.redirect_uri, "code", *code);
  if (!ar.state.empty()) location = AppendQuery(location, "state", ar.state);
  location = AppendQuery(location, "iss", options_.issuer);  // RFC 9207 §2
  http::Response r;
  r.status = status;
  r.SetHeader("Location", location);
  return r;
}

std::string Provider::ReturnOriginFor(std::string_view return_to) {
  constexpr std::string_view kPrefix = "/authorize?";
  if (return_to.substr(0, kPrefix.size()) != kPrefix) return "";
  auto params = http::FormData::Parse(return_to.substr(kPrefix.size()));
  if (!params) return "";
  auto client = clients_.Find(std::string(params->GetOr("client_id")));
  if (!client.ok()) return "";
  std::string_view redirect_uri = params->GetOr("redirect_uri");
  for (const auto& uri : client->redirect_uris) {
    if (RedirectUriMatches(uri, redirect_uri)) return http::OriginOf(redirect_uri);
  }
  return "";
}

http::Response Provider::Consent(const http::Request& request) {
  auto ctx = web_.Begin(request);
  if (!ctx.ok()) return web_.Failure(selfservice::PageContext{}, ctx.status(), "consent");
  http::Response error;
  auto form = web_.ReadForm(request, *ctx, &error);
  if (!form) return error;
  // The hidden fields came back through the browser: validate them as a new request.
  std::string query;
  for (const auto& [k, v] : form->fields()) {
    if (k == "csrf_token" || k == "decision") continue;
    if (!query.empty()) query += '&';
    query += http::PercentEncode(k) + "=" + http::PercentEncode(v);
  }
  AuthorizeRequest ar;
  if (auto invalid = ParseAuthorizeRequest(http::FormData::Parse(query), *ctx, 303, ar))
    return std::move(*invalid);
  // The session may have ended meanwhile (CSRF binds to it, so this is rare): start over.
  if (!ctx->signed_in()) return ContinueAuthorize(ar, *ctx, false);
  if (form->GetOr("decision") != "allow") {
    log::Info("consent_denied", {{"client", ar.client.id}, {"account", ctx->active->account.id}});
    return RedirectError(ar, wire::kAccessDenied, "the person did not allow access", 303);
  }
  Status saved =
      store_.SaveConsent(ctx->active->account.id, {ar.client.id, ar.scope, clock_.NowSeconds()});
  if (!saved.ok()) return web_.Failure(*ctx, saved, "consent");
  log::Info("consent_granted", {{"client", ar.client.id}, {"account", ctx->active->account.id}});
  return ContinueAuthorize(ar, *ctx, true);
}

}  // namespace portico::oidc
