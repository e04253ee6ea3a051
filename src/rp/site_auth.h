// SiteAuth: what every site on the network needs around RelyingParty — its own sessions in its
// own database, the /login, /callback, /logout and /backchannel-logout steps, and the CSRF token
// of the sign-out form. Used by the partner resources site and the Membership Center.
//
// Sessions: a 256-bit random cookie token (`__Host-<site>-session`), stored as SHA-256 with the
// Network's subject, the claims of the sign-in, the Network's session id (for back-channel
// logout, OpenID Connect Back-Channel Logout 1.0 §2.8) and the ID token (for the logout's
// id_token_hint). The site's database must hold this table:
//
//   CREATE TABLE sessions (token_hash BLOB PRIMARY KEY, subject TEXT NOT NULL,
//     name TEXT NOT NULL, email TEXT NOT NULL, email_verified INTEGER NOT NULL DEFAULT 0,
//     network_sid TEXT NOT NULL, id_token TEXT NOT NULL, created_at INTEGER NOT NULL,
//     expires_at INTEGER NOT NULL) STRICT;  -- with indexes on network_sid and subject
//
// Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "http/message.h"
#include "rp/relying_party.h"
#include "store/sqlite/database.h"

namespace portico::rp {

struct SiteSession {
  std::string token_hash;
  std::string subject;
  std::string name;
  std::string email;
  bool email_verified = false;
  std::string id_token;
};

struct SiteAuthOptions {
  std::string cookie_prefix;  // "__Host-resources": cookies are <prefix>-session, <prefix>-login
  std::string cookie_key;     // 32 bytes: keys the sign-out form's CSRF token
  int64_t session_seconds = 8 * 3600;
};

// What /callback produced: a session (`signed_in` set, `response` a redirect that sets the
// cookie) or a refusal (`error` for the person; `response` only clears the login cookie).
struct CallbackOutcome {
  std::optional<SignedIn> signed_in;
  std::string error;
  http::Response response;
};

// `candidate` when it is a path on this site ("/x?y=1"), else "/": refuses scheme-relative
// "//host", backslashes, control characters (browsers drop tabs, so "/\t/evil" would become
// "//evil") and anything longer than 2048 bytes (RFC 9700 §4.11: no open redirects).
std::string SafeSitePath(std::string_view candidate);

class SiteAuth {
 public:
  SiteAuth(RelyingParty& rp, store::sqlite::Database& db, Clock& clock, SiteAuthOptions options);

  // The session of the request's cookie, unexpired, or nullopt.
  std::optional<SiteSession> Current(const http::Request& request);
  // The sign-out form's CSRF token for `session`.
  std::string CsrfFor(const SiteSession& session) const;
  // An HMAC of `purpose` bound to the session (for the site's own forms).
  std::string TokenFor(const SiteSession& session, std::string_view purpose) const;

  // GET /login: 302 to the Network's /authorize with PKCE, state and nonce in a sealed cookie.
  // `prompt` may be "create" or "login"; `return_to` must be a path on this site. A
  // `login_hint` that looks like an e-mail address (at most 254 bytes, one '@') is passed on
  // to prefill the Network's form; anything else is dropped.
  StatusOr<http::Response> Login(std::string_view return_to, std::string_view prompt,
                                 std::string_view login_hint = "");
  // GET /callback: checks everything RelyingParty checks, then stores the session.
  CallbackOutcome Callback(const http::Request& request);
  // POST /logout, after the caller checked the form's CSRF token: ends the site session and
  // sends the browser to the Network's end-session endpoint, which returns it to the site.
  StatusOr<http::Response> Logout(const SiteSession& session);
  // POST /backchannel-logout from the Network: 200 once the sessions of that sid are gone.
  http::Response BackchannelLogout(const http::Request& request);

  const std::string& issuer_origin() const { return issuer_origin_; }

 private:
  RelyingParty& rp_;
  store::sqlite::Database& db_;
  Clock& clock_;
  SiteAuthOptions options_;
  std::string session_cookie_;
  std::string login_cookie_;
  std::string issuer_origin_;
};

}  // namespace portico::rp
