#include "rp/site_auth.h"

#include <algorithm>

#include "core/log.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "http/cookie.h"
#include "http/form.h"

namespace portico::rp {

using store::sqlite::Connection;

std::string SafeSitePath(std::string_view candidate) {
  if (candidate.empty() || candidate.size() > 2048 || candidate[0] != '/') return "/";
  if (candidate.size() > 1 && (candidate[1] == '/' || candidate[1] == '\\')) return "/";
  for (unsigned char c : candidate)
    if (c < 0x20 || c == 0x7f || c == '\\') return "/";
  return std::string(candidate);
}

SiteAuth::SiteAuth(RelyingParty& rp, store::sqlite::Database& db, Clock& clock,
                   SiteAuthOptions options)
    : rp_(rp),
      db_(db),
      clock_(clock),
      options_(std::move(options)),
      session_cookie_(options_.cookie_prefix + "-session"),
      login_cookie_(options_.cookie_prefix + "-login"),
      issuer_origin_(http::OriginOf(rp.config().issuer)) {}

std::string SiteAuth::TokenFor(const SiteSession& session, std::string_view purpose) const {
  return crypto::Base64UrlEncode(
      crypto::HmacSha256(options_.cookie_key, std::string(purpose) + ":" + session.token_hash));
}

std::string SiteAuth::CsrfFor(const SiteSession& session) const {
  return TokenFor(session, "logout");
}

std::optional<SiteSession> SiteAuth::Current(const http::Request& request) {
  auto token = http::FindCookie(request.Header("cookie").value_or(""), session_cookie_);
  if (!token || token->empty() || token->size() > 100) return std::nullopt;
  std::string hash = crypto::Sha256(*token);
  std::optional<SiteSession> found;
  Status s = db_.Read([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(
        auto q, c.Prepare("SELECT subject, name, email, email_verified, id_token FROM sessions "
                          "WHERE token_hash = ? AND expires_at > ?"));
    q.BindBlob(1, hash).Bind(2, clock_.NowSeconds());
    PORTICO_ASSIGN_OR_RETURN(bool row, q.Step());
    if (row) found = SiteSession{hash, q.Text(0), q.Text(1), q.Text(2), q.Int(3) != 0, q.Text(4)};
    return OkStatus();
  });
  if (!s.ok()) log::Warn("site_session_lookup_failed", {{"status", s.ToString()}});
  return found;
}

StatusOr<http::Response> SiteAuth::Login(std::string_view return_to, std::string_view prompt,
                                         std::string_view login_hint) {
  std::string p(prompt);
  if (p != "create" && p != "login") p.clear();
  std::string hint(login_hint);
  if (hint.size() > 254 || std::count(hint.begin(), hint.end(), '@') != 1) hint.clear();
  PORTICO_ASSIGN_OR_RETURN(LoginStart start, rp_.BeginLogin(SafeSitePath(return_to), p, hint));
  http::Response r;
  r.status = 302;
  r.SetHeader("Location", start.authorization_url);
  r.AddHeader("Set-Cookie",
              http::FormatSetCookie({login_cookie_, start.transaction_cookie, 600, true, "Lax"}));
  return r;
}

CallbackOutcome SiteAuth::Callback(const http::Request& request) {
  CallbackOutcome out;
  auto tx = http::FindCookie(request.Header("cookie").value_or(""), login_cookie_);
  auto signed_in = rp_.CompleteLogin(request.query, tx.value_or(""));
  out.response.AddHeader("Set-Cookie", http::FormatDeleteCookie(login_cookie_));
  if (!signed_in.ok()) {
    out.error = signed_in.status().code() == StatusCode::kFailedPrecondition
                    ? "Sign-in was not completed (" + signed_in.status().message() + ")."
                    : "Sign-in could not be verified. Please try again.";
    return out;
  }
  std::string token = crypto::RandomToken(crypto::SecureRandom::Get(), 32);
  int64_t now = clock_.NowSeconds();
  std::string name = signed_in->name.empty() ? signed_in->email : signed_in->name;
  Status s = db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(
        auto q, c.Prepare("INSERT INTO sessions (token_hash, subject, name, email, "
                          "email_verified, network_sid, id_token, created_at, expires_at) "
                          "VALUES (?,?,?,?,?,?,?,?,?)"));
    q.BindBlob(1, crypto::Sha256(token)).Bind(2, signed_in->subject).Bind(3, name);
    q.Bind(4, signed_in->email).Bind(5, int64_t{signed_in->email_verified});
    q.Bind(6, signed_in->network_sid).Bind(7, signed_in->id_token).Bind(8, now);
    q.Bind(9, now + options_.session_seconds);
    PORTICO_RETURN_IF_ERROR(q.Run());
    // Housekeeping: ended sessions go at the next sign-in.
    PORTICO_ASSIGN_OR_RETURN(auto purge, c.Prepare("DELETE FROM sessions WHERE expires_at <= ?"));
    purge.Bind(1, now);
    return purge.Run();
  });
  if (!s.ok()) {
    out.error = "Signing in is not possible right now. Please try again.";
    return out;
  }
  log::Info("site_signed_in", {{"site", options_.cookie_prefix}, {"subject", signed_in->subject}});
  out.response.status = 302;
  out.response.SetHeader("Location", signed_in->return_to.empty() ? "/" : signed_in->return_to);
  out.response.AddHeader(
      "Set-Cookie", http::FormatSetCookie({session_cookie_, token, std::nullopt, true, "Lax"}));
  out.signed_in = std::move(*signed_in);
  return out;
}

StatusOr<http::Response> SiteAuth::Logout(const SiteSession& session) {
  PORTICO_RETURN_IF_ERROR(db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto q, c.Prepare("DELETE FROM sessions WHERE token_hash = ?"));
    q.BindBlob(1, session.token_hash);
    return q.Run();
  }));
  // Then the network session too (RP-initiated logout), which returns the person here.
  http::Response r = http::SeeOther(rp_.LogoutUrl(session.id_token, ""));
  r.AddHeader("Set-Cookie", http::FormatDeleteCookie(session_cookie_));
  return r;
}

http::Response SiteAuth::BackchannelLogout(const http::Request& request) {
  http::Response r;
  r.SetHeader("Cache-Control", "no-store");
  auto form = http::FormData::Parse(request.body);
  std::string subject;
  auto sid = form ? rp_.ValidateLogoutToken(form->GetOr("logout_token"), &subject)
                  : StatusOr<std::string>(InvalidArgumentError("unreadable"));
  if (!sid.ok()) {
    r.status = 400;
    r.SetHeader("Content-Type", "application/json");
    r.body = "{\"error\":\"invalid_request\"}";
    return r;
  }
  Status s = db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(
        auto q, c.Prepare(sid->empty() ? "DELETE FROM sessions WHERE subject = ?"
                                       : "DELETE FROM sessions WHERE network_sid = ?"));
    q.Bind(1, sid->empty() ? subject : *sid);
    return q.Run();
  });
  // Back-Channel Logout §2.8: 200 only when the sessions are gone; a 503 tells the Network the
  // logout did not take effect.
  r.status = s.ok() ? 200 : 503;
  log::Info("site_backchannel_logout",
            {{"site", options_.cookie_prefix}, {"sid", *sid}, {"ok", s.ok() ? "yes" : "no"}});
  return r;
}

}  // namespace portico::rp
