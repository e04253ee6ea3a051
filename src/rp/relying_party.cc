#include "rp/relying_party.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <thread>

#include "core/log.h"
#include "crypto/aead.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "http/form.h"
#include "jose/jws.h"

namespace portico::rp {

namespace {

constexpr int64_t kTransactionLifetime = 600;  // a sign-in must finish within 10 minutes
constexpr int64_t kClockSkew = 60;
constexpr char kBackchannelEvent[] = "http://schemas.openid.net/event/backchannel-logout";

std::optional<boost::json::object> ParseObject(std::string_view text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

Status Denied(std::string reason) {
  log::Info("rp_validation_failed", {{"reason", reason}});
  return PermissionDeniedError(std::move(reason));
}

}  // namespace

RelyingParty::RelyingParty(RpConfig config, http::HttpClient& client, Clock& clock,
                           crypto::Random& random)
    : config_(std::move(config)), client_(client), clock_(clock), random_(random) {}

StatusOr<std::unique_ptr<RelyingParty>> RelyingParty::Create(RpConfig config,
                                                             http::HttpClient& client, Clock& clock,
                                                             crypto::Random& random) {
  if (config.cookie_key.size() != crypto::kAeadKeyBytes)
    return InvalidArgumentError("cookie_key must be 32 bytes");
  std::unique_ptr<RelyingParty> rp(new RelyingParty(std::move(config), client, clock, random));
  PORTICO_RETURN_IF_ERROR(rp->FetchDiscovery());
  PORTICO_RETURN_IF_ERROR(rp->RefreshKeys());
  return rp;
}

Status RelyingParty::FetchDiscovery() {
  PORTICO_ASSIGN_OR_RETURN(auto r,
                           client_.Get(config_.issuer + "/.well-known/openid-configuration"));
  if (r.status != 200) return UnavailableError("discovery answered " + std::to_string(r.status));
  auto d = ParseObject(r.body);
  if (!d) return UnavailableError("discovery is not JSON");
  // OpenID Connect Discovery §4.3: the issuer must be exactly the one we were configured with.
  if (jose::StringClaim(*d, "issuer") != config_.issuer)
    return FailedPreconditionError("discovery issuer mismatch");
  authorization_endpoint_ = std::string(jose::StringClaim(*d, "authorization_endpoint"));
  token_endpoint_ = std::string(jose::StringClaim(*d, "token_endpoint"));
  jwks_uri_ = std::string(jose::StringClaim(*d, "jwks_uri"));
  end_session_endpoint_ = std::string(jose::StringClaim(*d, "end_session_endpoint"));
  if (authorization_endpoint_.empty() || token_endpoint_.empty() || jwks_uri_.empty()) {
    return FailedPreconditionError("discovery lacks endpoints");
  }
  return OkStatus();
}

Status RelyingParty::RefreshKeys() {
  PORTICO_ASSIGN_OR_RETURN(auto r, client_.Get(jwks_uri_));
  if (r.status != 200) return UnavailableError("JWKS answered " + std::to_string(r.status));
  auto doc = ParseObject(r.body);
  if (!doc || !doc->contains("keys") || !doc->at("keys").is_array())
    return UnavailableError("JWKS is malformed");
  std::vector<jose::PublicKey> keys;
  for (const auto& k : doc->at("keys").as_array()) {
    if (!k.is_object()) continue;
    auto key = jose::PublicKey::FromJwk(k.as_object());
    if (key.ok()) keys.push_back(*key);
  }
  std::lock_guard lock(keys_mutex_);
  keys_ = std::move(keys);
  keys_fetched_at_ = clock_.NowSeconds();
  return OkStatus();
}

std::optional<jose::PublicKey> RelyingParty::KeyFor(std::string_view kid) {
  {
    std::lock_guard lock(keys_mutex_);
    for (const auto& k : keys_) {
      if (k.kid() == kid) return k;
    }
    // At most one refetch every 10 seconds: an unknown kid from an attacker costs nothing.
    if (clock_.NowSeconds() - keys_fetched_at_ < 10) return std::nullopt;
  }
  if (!RefreshKeys().ok()) return std::nullopt;
  std::lock_guard lock(keys_mutex_);
  for (const auto& k : keys_) {
    if (k.kid() == kid) return k;
  }
  return std::nullopt;
}

StatusOr<boost::json::object> RelyingParty::VerifyJwt(std::string_view token,
                                                      std::string_view expected_typ) {
  auto jws = jose::DecodeCompact(token);
  if (!jws.ok()) return Denied("malformed token");
  std::string_view typ = jose::StringClaim(jws->header, "typ");
  if (!expected_typ.empty() && typ != expected_typ) return Denied("wrong typ");
  auto key = KeyFor(jose::StringClaim(jws->header, "kid"));
  if (!key) return Denied("unknown signing key");
  // The header's alg must be the key's own (jose refuses anything else, "none" included).
  if (!jose::VerifyDecoded(*jws, *key)) return Denied("bad signature");
  const auto& p = jws->payload;
  if (jose::StringClaim(p, "iss") != config_.issuer) return Denied("wrong issuer");
  bool audience = false;
  if (auto aud = p.find("aud"); aud != p.end()) {
    if (aud->value().is_string()) {
      audience = aud->value().as_string() == config_.client_id;
    } else if (aud->value().is_array()) {
      for (const auto& a : aud->value().as_array())
        audience = audience || (a.is_string() && a.as_string() == config_.client_id);
    }
  }
  if (!audience) return Denied("wrong audience");
  return std::move(jws->payload);
}

StatusOr<boost::json::object> RelyingParty::ValidateIdToken(std::string_view id_token,
                                                            std::string_view nonce) {
  PORTICO_ASSIGN_OR_RETURN(auto claims, VerifyJwt(id_token, ""));
  int64_t now = clock_.NowSeconds();
  if (jose::IntClaim(claims, "exp") + kClockSkew <= now) return Denied("expired");
  if (jose::IntClaim(claims, "iat") > now + kClockSkew) return Denied("issued in the future");
  // OIDC Core §3.1.3.7 (11): the nonce binds the token to this browser's sign-in.
  if (nonce.empty() || jose::StringClaim(claims, "nonce") != nonce) return Denied("wrong nonce");
  if (auto azp = jose::StringClaim(claims, "azp"); !azp.empty() && azp != config_.client_id)
    return Denied("wrong azp");
  if (jose::StringClaim(claims, "sub").empty()) return Denied("no subject");
  return claims;
}

StatusOr<LoginStart> RelyingParty::BeginLogin(const std::string& return_to,
                                              const std::string& prompt,
                                              const std::string& login_hint) {
  std::string state = crypto::RandomToken(random_, 24);
  std::string nonce = crypto::RandomToken(random_, 24);
  std::string verifier = crypto::RandomToken(random_, 32);
  boost::json::object tx;
  tx["state"] = state;
  tx["nonce"] = nonce;
  tx["verifier"] = verifier;
  tx["return_to"] = return_to;
  tx["created_at"] = clock_.NowSeconds();
  PORTICO_ASSIGN_OR_RETURN(
      std::string sealed,
      crypto::Seal(config_.cookie_key, boost::json::serialize(tx), "login", random_));
  LoginStart out;
  out.transaction_cookie = crypto::Base64UrlEncode(sealed);
  std::string url = authorization_endpoint_;
  url += authorization_endpoint_.find('?') == std::string::npos ? '?' : '&';
  url += "response_type=code&client_id=" + http::PercentEncode(config_.client_id);
  url += "&redirect_uri=" + http::PercentEncode(config_.redirect_uri);
  url += "&scope=" + http::PercentEncode(config_.scope);
  url += "&state=" + state + "&nonce=" + nonce;
  url += "&code_challenge=" + crypto::Base64UrlEncode(crypto::Sha256(verifier)) +
         "&code_challenge_method=S256";
  if (!prompt.empty()) url += "&prompt=" + http::PercentEncode(prompt);
  if (!login_hint.empty()) url += "&login_hint=" + http::PercentEncode(login_hint);
  out.authorization_url = std::move(url);
  return out;
}

StatusOr<SignedIn> RelyingParty::CompleteLogin(std::string_view callback_query,
                                               std::string_view transaction_cookie) {
  auto params = http::FormData::Parse(callback_query);
  if (!params) return Denied("callback query unreadable");
  auto sealed = crypto::Base64UrlDecode(transaction_cookie);
  if (!sealed) return Denied("no login in progress in this browser");
  auto opened = crypto::Open(config_.cookie_key, *sealed, "login");
  if (!opened.ok()) return Denied("login cookie does not authenticate");
  auto tx = ParseObject(*opened);
  if (!tx) return Denied("login cookie malformed");
  if (clock_.NowSeconds() - jose::IntClaim(*tx, "created_at") > kTransactionLifetime)
    return Denied("sign-in took too long");
  // The state ties the callback to the browser that started the sign-in (CSRF on the callback).
  std::string_view state = params->GetOr("state");
  if (state.empty() || !crypto::ConstantTimeEquals(state, jose::StringClaim(*tx, "state")))
    return Denied("state mismatch");
  // RFC 9207 §2.4: the response must come from the issuer we sent the person to (mix-up).
  if (params->GetOr("iss") != config_.issuer) return Denied("iss mismatch");
  if (auto error = params->Get("error")) return FailedPreconditionError(std::string(*error));
  std::string_view code = params->GetOr("code");
  if (code.empty()) return Denied("no code");

  std::string body = "grant_type=authorization_code&code=" + http::PercentEncode(code) +
                     "&redirect_uri=" + http::PercentEncode(config_.redirect_uri) +
                     "&code_verifier=" + http::PercentEncode(jose::StringClaim(*tx, "verifier"));
  // RFC 6749 §2.3.1: id and secret are form-encoded before base64.
  std::string basic = "Basic " + crypto::Base64Encode(http::PercentEncode(config_.client_id) + ":" +
                                                      http::PercentEncode(config_.client_secret));
  PORTICO_ASSIGN_OR_RETURN(
      auto r, client_.Post(token_endpoint_, "application/x-www-form-urlencoded", body,
                           std::chrono::milliseconds(5000), {{"Authorization", basic}}));
  auto tokens = ParseObject(r.body);
  if (r.status != 200 || !tokens) {
    return Denied("token endpoint answered " + std::to_string(r.status) + " " +
                  (tokens ? std::string(jose::StringClaim(*tokens, "error")) : std::string()));
  }
  std::string id_token(jose::StringClaim(*tokens, "id_token"));
  PORTICO_ASSIGN_OR_RETURN(auto claims, ValidateIdToken(id_token, jose::StringClaim(*tx, "nonce")));
  SignedIn out;
  out.subject = std::string(jose::StringClaim(claims, "sub"));
  out.network_sid = std::string(jose::StringClaim(claims, "sid"));
  out.name = std::string(jose::StringClaim(claims, "name"));
  out.given_name = std::string(jose::StringClaim(claims, "given_name"));
  out.family_name = std::string(jose::StringClaim(claims, "family_name"));
  out.email = std::string(jose::StringClaim(claims, "email"));
  if (auto v = claims.find("email_verified"); v != claims.end() && v->value().is_bool())
    out.email_verified = v->value().as_bool();
  out.auth_time = jose::IntClaim(claims, "auth_time");
  out.id_token = std::move(id_token);
  out.return_to = std::string(jose::StringClaim(*tx, "return_to"));
  out.claims = std::move(claims);
  return out;
}

std::string RelyingParty::LogoutUrl(const std::string& id_token_hint,
                                    const std::string& state) const {
  std::string url = end_session_endpoint_ + "?id_token_hint=" + http::PercentEncode(id_token_hint);
  if (!config_.post_logout_redirect_uri.empty()) {
    url += "&post_logout_redirect_uri=" + http::PercentEncode(config_.post_logout_redirect_uri);
  }
  if (!state.empty()) url += "&state=" + http::PercentEncode(state);
  return url;
}

StatusOr<std::string> RelyingParty::ValidateLogoutToken(std::string_view logout_token,
                                                        std::string* subject) {
  PORTICO_ASSIGN_OR_RETURN(auto claims, VerifyJwt(logout_token, "logout+jwt"));
  int64_t now = clock_.NowSeconds();
  // Back-Channel Logout §2.6: iat recent, the event present, no nonce, a sid or a sub.
  if (jose::IntClaim(claims, "iat") > now + kClockSkew || jose::IntClaim(claims, "iat") < now - 600)
    return Denied("logout token too old");
  if (auto exp = jose::IntClaim(claims, "exp"); exp != 0 && exp + kClockSkew <= now)
    return Denied("logout token expired");
  auto events = claims.find("events");
  if (events == claims.end() || !events->value().is_object() ||
      !events->value().as_object().contains(kBackchannelEvent)) {
    return Denied("no back-channel logout event");
  }
  if (claims.contains("nonce")) return Denied("logout token carries a nonce");
  std::string sid(jose::StringClaim(claims, "sid"));
  *subject = std::string(jose::StringClaim(claims, "sub"));
  if (sid.empty() && subject->empty()) return Denied("neither sid nor sub");
  return sid;
}

StatusOr<std::unique_ptr<RelyingParty>> RelyingParty::CreateWhenReady(RpConfig config,
                                                                      http::HttpClient& client,
                                                                      Clock& clock,
                                                                      crypto::Random& random,
                                                                      int wait_seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_seconds);
  for (;;) {
    auto rp = Create(config, client, clock, random);
    if (rp.ok() || rp.status().code() != StatusCode::kUnavailable ||
        std::chrono::steady_clock::now() >= deadline)
      return rp;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace portico::rp
