#include "oidc/client/client_registry.h"

#include <boost/json/parse.hpp>

#include "core/log.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "jose/jws.h"

namespace portico::oidc {
namespace {

constexpr char kJwtBearer[] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

// Splits "scheme://authority/path?query#fragment" enough to check a redirect URI.
struct UriParts {
  std::string scheme;
  std::string host;
  bool has_userinfo = false;
  bool has_fragment = false;
};

std::optional<UriParts> SplitUri(std::string_view uri) {
  size_t colon = uri.find("://");
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  UriParts p;
  p.scheme = std::string(uri.substr(0, colon));
  std::string_view rest = uri.substr(colon + 3);
  size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  if (authority.empty()) return std::nullopt;
  p.has_userinfo = authority.find('@') != std::string_view::npos;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    p.host = std::string(authority.substr(0, close + 1));
  } else {
    p.host = std::string(authority.substr(0, authority.find(':')));
  }
  p.has_fragment = uri.find('#') != std::string_view::npos;
  return p;
}

StatusOr<Client> Unauthenticated(std::string_view why, const std::string& client_id) {
  log::Info("client_authentication_failed", {{"client", client_id}, {"reason", why}});
  return UnauthenticatedError("invalid_client");
}

}  // namespace

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost" || host == "[::1]") return true;
  // A dotted-quad 127.a.b.c, nothing else ("127.example.com" is a name, not loopback).
  if (host.rfind("127.", 0) != 0) return false;
  int dots = 0;
  int digits = 0;
  for (char c : host) {
    if (c == '.') {
      if (digits == 0) return false;
      ++dots;
      digits = 0;
    } else if (c >= '0' && c <= '9' && digits < 3) {
      ++digits;
    } else {
      return false;
    }
  }
  return dots == 3 && digits > 0;
}

bool RedirectUriMatches(std::string_view registered, std::string_view presented) {
  if (registered == presented) return true;
  auto a = SplitUri(registered);
  auto b = SplitUri(presented);
  if (!a || !b || a->scheme != "http" || b->scheme != "http" || !IsLoopbackHost(a->host) ||
      a->host != b->host) {
    return false;
  }
  // Same URI once the port is removed from both.
  auto without_port = [](std::string_view uri, const std::string& host) {
    std::string out(uri);
    size_t at = out.find("://") + 3 + host.size();
    if (at < out.size() && out[at] == ':') {
      size_t end = out.find_first_of("/?#", at);
      out.erase(at, end == std::string::npos ? std::string::npos : end - at);
    }
    return out;
  };
  return without_port(registered, a->host) == without_port(presented, b->host);
}

ClientRegistry::ClientRegistry(OidcStore& store, std::string server_key, Clock& clock,
                               crypto::Random& random, std::string issuer,
                               std::string token_endpoint)
    : store_(store),
      server_key_(std::move(server_key)),
      clock_(clock),
      random_(random),
      issuer_(std::move(issuer)),
      token_endpoint_(std::move(token_endpoint)) {}

std::string ClientRegistry::HashSecret(std::string_view secret) const {
  return crypto::HmacSha256(server_key_, secret);
}

Status ClientRegistry::ValidateRedirectUri(const std::string& uri) {
  if (uri.size() > 2000) return InvalidArgumentError("redirect URI too long: " + uri);
  for (unsigned char c : uri) {
    if (c <= 0x20 || c >= 0x7F)
      return InvalidArgumentError("redirect URI has a space or non-ASCII character: " + uri);
  }
  auto parts = SplitUri(uri);
  if (!parts) return InvalidArgumentError("redirect URI is not absolute: " + uri);
  if (parts->has_fragment) return InvalidArgumentError("redirect URI has a fragment: " + uri);
  if (parts->has_userinfo) return InvalidArgumentError("redirect URI has user information: " + uri);
  if (parts->scheme == "https") return OkStatus();
  if (parts->scheme == "http" && IsLoopbackHost(parts->host)) return OkStatus();
  return InvalidArgumentError("redirect URI must use https (or http on a loopback host): " + uri);
}

StatusOr<RegisteredClient> ClientRegistry::Register(const ClientSpec& spec) {
  if (spec.name.empty() || spec.name.size() > 200)
    return InvalidArgumentError("name: 1 to 200 characters");
  if (spec.redirect_uris.empty())
    return InvalidArgumentError("at least one redirect URI is required");
  for (const auto& uri : spec.redirect_uris) PORTICO_RETURN_IF_ERROR(ValidateRedirectUri(uri));
  for (const auto& uri : spec.post_logout_redirect_uris)
    PORTICO_RETURN_IF_ERROR(ValidateRedirectUri(uri));
  if (!spec.backchannel_logout_uri.empty())
    PORTICO_RETURN_IF_ERROR(ValidateRedirectUri(spec.backchannel_logout_uri));
  const std::string& m = spec.auth_method;
  if (m != kClientSecretBasic && m != kClientSecretPost && m != kPrivateKeyJwt && m != kNone) {
    return InvalidArgumentError(
        "auth method must be client_secret_basic, client_secret_post, private_key_jwt or none");
  }
  if (spec.subject_type != "public" && spec.subject_type != "pairwise") {
    return InvalidArgumentError("subject type must be public or pairwise");
  }
  PORTICO_RETURN_IF_ERROR(jose::ParseAlgorithm(spec.id_token_alg).status());
  if (spec.access_token_format != kJwtAccessTokens &&
      spec.access_token_format != kOpaqueAccessTokens) {
    return InvalidArgumentError("access token format must be jwt or opaque");
  }
  if (m == kPrivateKeyJwt) {
    boost::system::error_code ec;
    auto jwks = boost::json::parse(spec.jwks, ec);
    if (ec || !jwks.is_object() || !jwks.as_object().contains("keys") ||
        !jwks.as_object().at("keys").is_array() || jwks.as_object().at("keys").as_array().empty()) {
      return InvalidArgumentError("private_key_jwt needs the site's JWKS ({\"keys\":[...]})");
    }
    for (const auto& k : jwks.as_object().at("keys").as_array()) {
      if (!k.is_object()) return InvalidArgumentError("a JWKS entry is not an object");
      PORTICO_RETURN_IF_ERROR(jose::PublicKey::FromJwk(k.as_object()).status());
    }
  }
  RegisteredClient out;
  Client& c = out.client;
  c.id = "site_" + crypto::RandomToken(random_, 12);
  c.name = spec.name;
  c.auth_method = m;
  c.redirect_uris = spec.redirect_uris;
  c.post_logout_redirect_uris = spec.post_logout_redirect_uris;
  c.first_party = spec.first_party;
  c.subject_type = spec.subject_type;
  c.sector_id =
      spec.sector_id.empty() ? SplitUri(spec.redirect_uris.front())->host : spec.sector_id;
  c.id_token_alg = spec.id_token_alg;
  c.access_token_format = spec.access_token_format;
  c.jwks = spec.jwks;
  c.backchannel_logout_uri = spec.backchannel_logout_uri;
  c.logo_uri = spec.logo_uri;
  c.home_uri = spec.home_uri;
  c.listed = spec.listed;
  c.created_at = clock_.NowSeconds();
  if (m == kClientSecretBasic || m == kClientSecretPost) {
    out.secret = crypto::RandomToken(random_, 32);
    c.secret_hash = HashSecret(out.secret);
  }
  PORTICO_RETURN_IF_ERROR(store_.InsertClient(c));
  Forget(c.id);
  log::Info("client_registered", {{"client", c.id}, {"name", c.name}});
  return out;
}

StatusOr<std::string> ClientRegistry::RotateSecret(const std::string& client_id) {
  PORTICO_ASSIGN_OR_RETURN(Client c, store_.FindClient(client_id));
  if (c.auth_method != kClientSecretBasic && c.auth_method != kClientSecretPost) {
    return FailedPreconditionError("this site does not authenticate with a secret");
  }
  std::string secret = crypto::RandomToken(random_, 32);
  PORTICO_RETURN_IF_ERROR(store_.SetClientSecretHash(client_id, HashSecret(secret)));
  Forget(client_id);
  log::Info("client_secret_rotated", {{"client", client_id}});
  return secret;
}

StatusOr<Client> ClientRegistry::Find(const std::string& client_id) {
  int64_t now = clock_.NowSeconds();
  {
    std::lock_guard lock(kept_mutex_);
    if (auto it = kept_.find(client_id); it != kept_.end() && it->second.read_at == now)
      return it->second.client;
  }
  PORTICO_ASSIGN_OR_RETURN(Client c, store_.FindClient(client_id));
  std::lock_guard lock(kept_mutex_);
  // Bounded by the registered sites; an older second's entries go when the map grows large.
  if (kept_.size() >= 4096)
    std::erase_if(kept_, [now](const auto& e) { return e.second.read_at != now; });
  kept_[client_id] = Kept{c, now};
  return c;
}

void ClientRegistry::Forget(const std::string& client_id) {
  std::lock_guard lock(kept_mutex_);
  kept_.erase(client_id);
}

StatusOr<Client> ClientRegistry::Authenticate(const http::Request& request,
                                              const http::FormData& form) {
  std::string client_id;
  std::string secret;
  bool used_basic = false;
  if (auto auth = request.Header("authorization");
      auth && auth->size() > 6 && http::EqualsIgnoreCase(auth->substr(0, 6), "Basic ")) {
    auto decoded = crypto::Base64Decode(auth->substr(6));
    if (!decoded) return Unauthenticated("malformed Basic credentials", "");
    size_t colon = decoded->find(':');
    if (colon == std::string::npos) return Unauthenticated("malformed Basic credentials", "");
    // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
    auto id = http::PercentDecode(decoded->substr(0, colon), true);
    auto pw = http::PercentDecode(decoded->substr(colon + 1), true);
    if (!id || !pw) return Unauthenticated("malformed Basic credentials", "");
    client_id = *id;
    secret = *pw;
    used_basic = true;
  }
  std::string_view form_id = form.GetOr("client_id");
  if (used_basic && !form_id.empty() && form_id != client_id)
    return Unauthenticated("client_id mismatch", client_id);
  if (!used_basic) client_id = std::string(form_id);
  if (client_id.empty() || client_id.size() > 100) return Unauthenticated("no client_id", "");
  // RFC 6749 §2.3: one authentication method per request.
  if (form.Count("client_secret") > 1 || form.Count("client_id") > 1)
    return Unauthenticated("repeated credentials", client_id);
  auto found = Find(client_id);
  if (!found.ok()) {
    if (found.status().code() != StatusCode::kNotFound) return found.status();
    return Unauthenticated("unknown client", client_id);
  }
  const Client& c = *found;
  bool has_post_secret = form.Get("client_secret").has_value();
  bool has_assertion = form.Get("client_assertion").has_value();
  if (c.auth_method == kClientSecretBasic) {
    if (!used_basic || has_post_secret || has_assertion)
      return Unauthenticated("method is client_secret_basic", client_id);
  } else if (c.auth_method == kClientSecretPost) {
    if (used_basic || has_assertion)
      return Unauthenticated("method is client_secret_post", client_id);
    secret = std::string(form.GetOr("client_secret"));
  } else if (c.auth_method == kPrivateKeyJwt) {
    if (used_basic || has_post_secret)
      return Unauthenticated("method is private_key_jwt", client_id);
    return AuthenticateAssertion(c, form);
  } else {  // none: a public client proves nothing here; PKCE protects its codes
    if (used_basic || has_post_secret || has_assertion)
      return Unauthenticated("public client sent credentials", client_id);
    return c;
  }
  if (secret.empty() || c.secret_hash.empty() ||
      !crypto::ConstantTimeEquals(HashSecret(secret), c.secret_hash)) {
    return Unauthenticated("wrong secret", client_id);
  }
  return c;
}

StatusOr<Client> ClientRegistry::AuthenticateAssertion(const Client& c,
                                                       const http::FormData& form) {
  if (form.GetOr("client_assertion_type") != kJwtBearer)
    return Unauthenticated("wrong assertion type", c.id);
  auto jws = jose::DecodeCompact(form.GetOr("client_assertion"));
  if (!jws.ok()) return Unauthenticated("malformed assertion", c.id);
  boost::system::error_code ec;
  auto jwks = boost::json::parse(c.jwks, ec);
  if (ec || !jwks.is_object()) return Unauthenticated("site JWKS unreadable", c.id);
  bool verified = false;
  std::string_view kid;
  if (auto k = jws->header.find("kid"); k != jws->header.end() && k->value().is_string())
    kid = k->value().as_string();
  for (const auto& entry : jwks.as_object()["keys"].as_array()) {
    if (!entry.is_object()) continue;
    auto key = jose::PublicKey::FromJwk(entry.as_object());
    if (!key.ok() || (!kid.empty() && key->kid() != kid)) continue;
    if (jose::VerifyDecoded(*jws, *key)) {
      verified = true;
      break;
    }
  }
  if (!verified) return Unauthenticated("assertion signature", c.id);
  const auto& p = jws->payload;
  auto str = [&](const char* name) -> std::string_view {
    auto it = p.find(name);
    return it != p.end() && it->value().is_string() ? std::string_view(it->value().as_string())
                                                    : std::string_view();
  };
  // RFC 7523 §3: iss and sub are the client, aud names this server, exp is in the future.
  if (str("iss") != c.id || str("sub") != c.id) return Unauthenticated("assertion iss/sub", c.id);
  bool audience_ok = false;
  if (auto aud = p.find("aud"); aud != p.end()) {
    auto matches = [&](const boost::json::value& v) {
      return v.is_string() && (v.as_string() == token_endpoint_ || v.as_string() == issuer_);
    };
    if (aud->value().is_array()) {
      for (const auto& v : aud->value().as_array()) audience_ok = audience_ok || matches(v);
    } else {
      audience_ok = matches(aud->value());
    }
  }
  if (!audience_ok) return Unauthenticated("assertion audience", c.id);
  auto exp = p.find("exp");
  int64_t now = clock_.NowSeconds();
  if (exp == p.end() || !exp->value().is_int64() || exp->value().as_int64() <= now ||
      exp->value().as_int64() > now + 600) {
    return Unauthenticated("assertion expiry", c.id);
  }
  if (auto iat = p.find("iat");
      iat != p.end() && (!iat->value().is_int64() || iat->value().as_int64() > now + 60)) {
    return Unauthenticated("assertion issued in the future", c.id);
  }
  // RFC 7523 §3 (7), SECURITY.md promise 2: an assertion is good once.
  std::string_view jti = str("jti");
  if (jti.empty() || jti.size() > 200) return Unauthenticated("assertion without jti", c.id);
  auto first = store_.ConsumeAssertion(c.id, std::string(jti), exp->value().as_int64());
  if (!first.ok()) return first.status();
  if (!*first) return Unauthenticated("assertion replayed", c.id);
  return c;
}

}  // namespace portico::oidc
