#include "oidc/authorize/sealed_code.h"

#include <cstdint>
#include <optional>

#include "crypto/aead.h"
#include "crypto/encoding.h"

namespace portico::oidc {
namespace {

// Binds each seal to its purpose: no other value sealed under a Network key opens as a code,
// and none of a code, a refresh token and an access token opens as one of the others.
constexpr std::string_view kAssociated = "portico authorization code";
constexpr std::string_view kRefreshAssociated = "portico refresh token";
constexpr std::string_view kAccessAssociated = "portico access token";
constexpr char kVersion = 1;

class Writer {
 public:
  bool PutString(std::string_view s) {
    if (s.size() > 0xFFFF) return false;
    out_ += static_cast<char>(s.size() >> 8);
    out_ += static_cast<char>(s.size() & 0xFF);
    out_ += s;
    return true;
  }
  void PutInt(int64_t v) {
    auto u = static_cast<uint64_t>(v);
    for (int shift = 56; shift >= 0; shift -= 8) out_ += static_cast<char>((u >> shift) & 0xFF);
  }
  std::string& out() { return out_; }

 private:
  std::string out_;
};

// Reads what Writer wrote; every read fails, and stays failed, past the end.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  std::string String() {
    if (in_.size() < 2) return Fail();
    size_t n = (static_cast<uint8_t>(in_[0]) << 8) | static_cast<uint8_t>(in_[1]);
    if (in_.size() < 2 + n) return Fail();
    std::string s(in_.substr(2, n));
    in_.remove_prefix(2 + n);
    return s;
  }
  int64_t Int() {
    if (in_.size() < 8) {
      Fail();
      return 0;
    }
    uint64_t u = 0;
    for (int i = 0; i < 8; ++i) u = (u << 8) | static_cast<uint8_t>(in_[i]);
    in_.remove_prefix(8);
    return static_cast<int64_t>(u);
  }
  bool complete() const { return ok_ && in_.empty(); }

 private:
  std::string Fail() {
    ok_ = false;
    in_ = {};
    return {};
  }
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace

std::optional<std::string> EncodeCodeRecord(const AuthorizationCode& c) {
  Writer w;
  w.out() += kVersion;
  bool fits = w.PutString(c.client_id) && w.PutString(c.account_id) &&
              w.PutString(c.redirect_uri) && w.PutString(c.scope) && w.PutString(c.nonce) &&
              w.PutString(c.code_challenge) && w.PutString(c.sid) && w.PutString(c.grant_id);
  if (!fits) return std::nullopt;
  w.PutInt(c.auth_time);
  w.PutInt(c.include_auth_time ? 1 : 0);
  w.PutInt(c.issued_at);
  w.PutInt(c.expires_at);
  return std::move(w.out());
}

std::optional<AuthorizationCode> DecodeCodeRecord(std::string_view record) {
  if (record.empty() || record[0] != kVersion) return std::nullopt;
  Reader r(record.substr(1));
  AuthorizationCode c;
  c.client_id = r.String();
  c.account_id = r.String();
  c.redirect_uri = r.String();
  c.scope = r.String();
  c.nonce = r.String();
  c.code_challenge = r.String();
  c.sid = r.String();
  c.grant_id = r.String();
  c.auth_time = r.Int();
  int64_t include_auth_time = r.Int();
  c.issued_at = r.Int();
  c.expires_at = r.Int();
  if (!r.complete() || (include_auth_time != 0 && include_auth_time != 1)) return std::nullopt;
  c.include_auth_time = include_auth_time == 1;
  return c;
}

StatusOr<std::string> SealCode(const AuthorizationCode& c, std::string_view key,
                               crypto::Random& random) {
  auto record = EncodeCodeRecord(c);
  if (!record) return InvalidArgumentError("an authorization code field is too long");
  PORTICO_ASSIGN_OR_RETURN(std::string sealed, crypto::SealMany(key, *record, kAssociated, random));
  return crypto::Base64UrlEncode(sealed);
}

std::optional<std::string> EncodeRefreshRecord(const RefreshToken& t) {
  Writer w;
  w.out() += kVersion;
  if (!w.PutString(t.grant_id)) return std::nullopt;
  w.PutInt(t.generation);
  return std::move(w.out());
}

std::optional<RefreshToken> DecodeRefreshRecord(std::string_view record) {
  if (record.empty() || record[0] != kVersion) return std::nullopt;
  Reader r(record.substr(1));
  RefreshToken t;
  t.grant_id = r.String();
  t.generation = r.Int();
  if (!r.complete()) return std::nullopt;
  return t;
}

StatusOr<std::string> SealRefreshToken(const RefreshToken& t, std::string_view key,
                                       crypto::Random& random) {
  auto record = EncodeRefreshRecord(t);
  if (!record) return InvalidArgumentError("a refresh token's grant id is too long");
  PORTICO_ASSIGN_OR_RETURN(std::string sealed,
                           crypto::SealMany(key, *record, kRefreshAssociated, random));
  return crypto::Base64UrlEncode(sealed);
}

std::optional<std::string> EncodeAccessRecord(const AccessTokenClaims& c) {
  Writer w;
  w.out() += kVersion;
  bool fits = w.PutString(c.subject) && w.PutString(c.client_id) && w.PutString(c.scope) &&
              w.PutString(c.grant_id);
  if (!fits) return std::nullopt;
  w.PutInt(c.issued_at);
  w.PutInt(c.expires_at);
  return std::move(w.out());
}

std::optional<AccessTokenClaims> DecodeAccessRecord(std::string_view record) {
  if (record.empty() || record[0] != kVersion) return std::nullopt;
  Reader r(record.substr(1));
  AccessTokenClaims c;
  c.subject = r.String();
  c.client_id = r.String();
  c.scope = r.String();
  c.grant_id = r.String();
  c.issued_at = r.Int();
  c.expires_at = r.Int();
  if (!r.complete()) return std::nullopt;
  return c;
}

StatusOr<std::string> SealAccessToken(const AccessTokenClaims& c, std::string_view key,
                                      crypto::Random& random) {
  auto record = EncodeAccessRecord(c);
  if (!record) return InvalidArgumentError("an access token field is too long");
  PORTICO_ASSIGN_OR_RETURN(std::string sealed,
                           crypto::SealMany(key, *record, kAccessAssociated, random));
  return crypto::Base64UrlEncode(sealed);
}

namespace {

// The sealed bytes and the plaintext record of `value`, a sealed `what` of at most `max_chars`
// characters. Errors: kPermissionDenied for anything that does not open; kInvalidArgument for
// a key that is not 32 bytes.
struct Opened {
  std::string sealed;
  std::string record;
};
StatusOr<Opened> OpenSealed(std::string_view value, size_t max_chars, std::string_view key,
                            std::string_view associated, const std::string& what) {
  if (value.size() > max_chars) return PermissionDeniedError(what + " too long");
  auto sealed = crypto::Base64UrlDecode(value);
  if (!sealed) return PermissionDeniedError(what + " is not base64url");
  auto record = crypto::OpenMany(key, *sealed, associated);
  if (!record.ok()) {
    if (record.status().code() == StatusCode::kInvalidArgument) return record.status();
    return PermissionDeniedError("not a " + what + " of this Network");
  }
  return Opened{std::move(*sealed), std::move(*record)};
}

}  // namespace

StatusOr<RefreshToken> OpenRefreshToken(std::string_view token, std::string_view key) {
  PORTICO_ASSIGN_OR_RETURN(Opened opened, OpenSealed(token, kMaxRefreshTokenChars, key,
                                                     kRefreshAssociated, "refresh token"));
  auto t = DecodeRefreshRecord(opened.record);
  if (!t) return PermissionDeniedError("malformed refresh token");
  return std::move(*t);
}

StatusOr<AuthorizationCode> OpenCode(std::string_view code, std::string_view key) {
  PORTICO_ASSIGN_OR_RETURN(Opened opened,
                           OpenSealed(code, kMaxCodeChars, key, kAssociated, "authorization code"));
  auto c = DecodeCodeRecord(opened.record);
  if (!c) return PermissionDeniedError("malformed authorization code");
  return std::move(*c);
}

StatusOr<AccessTokenClaims> OpenAccessToken(std::string_view token, std::string_view key) {
  PORTICO_ASSIGN_OR_RETURN(Opened opened, OpenSealed(token, kMaxAccessTokenChars, key,
                                                     kAccessAssociated, "access token"));
  auto c = DecodeAccessRecord(opened.record);
  if (!c) return PermissionDeniedError("malformed access token");
  c->jti = crypto::Base64UrlEncode(opened.sealed.substr(0, crypto::kManyNonceBytes));
  return std::move(*c);
}

}  // namespace portico::oidc
