// SelfServiceWeb: what every self-service page shares — who is signed in, the CSRF token, the
// session cookie, form parsing, safe return addresses and page rendering.
//
// CSRF (OWASP ASVS V4.2.2): every form carries a token that is an HMAC of the browser's
// binding — the session (signed in) or a random `__Host-portico-csrf` cookie (signed out) —
// under a server key, so a token is useless in another browser; POSTs also fail when an Origin
// header names another origin. Cookies are __Host- prefixed, Secure, HttpOnly, SameSite=Lax.
// Thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/form.h"
#include "http/message.h"
#include "identity/account_service.h"
#include "identity/email_service.h"
#include "ui/pages.h"

namespace portico::selfservice {

inline constexpr char kSessionCookie[] = "__Host-portico-session";
inline constexpr char kCsrfCookie[] = "__Host-portico-csrf";
// Holds a sign-up's flow token between "check your mail" and the code (or link).
inline constexpr char kSignUpFlowCookie[] = "__Host-portico-signup";

struct WebOptions {
  std::string public_origin;  // "http://localhost:8080": the only Origin accepted on POSTs
};

// Given a return_to path, the origin of the site the person will end up at (a validated
// redirect URI's origin), or "" — so the page's CSP form-action can allow that last redirect.
using ReturnOriginResolver = std::function<std::string(std::string_view return_to)>;

// Told after a network session ended by sign-out (sid = the session's public id), so the
// sites it signed in to can be told too (back-channel logout).
using SignOutListener = std::function<void(const std::string& sid, const std::string& account_id)>;

// The state of one request, built by SelfServiceWeb::Begin.
struct PageContext {
  std::optional<identity::ActiveSession> active;  // set when signed in
  std::string session_token;                      // the cookie token, when signed in
  std::string csrf_binding;                       // what the CSRF token is bound to
  std::string csrf_token;
  std::string new_csrf_cookie;  // set when Begin minted a csrf cookie
  identity::ClientInfo client;

  bool signed_in() const { return active.has_value(); }
};

// The sites of the network, as the self-service pages show them. Implemented by the OpenID
// Connect provider (which selfservice must not depend on) and installed at start-up.
struct SiteEntry {
  std::string client_id;
  std::string name;
  std::string home_uri;
  std::string logo_uri;
  std::vector<std::string> releases;  // what the site receives, in words
  int64_t last_used = 0;
};

class SitesView {
 public:
  virtual ~SitesView() = default;
  // The site directory: listed sites, by name.
  virtual StatusOr<std::vector<SiteEntry>> Directory() = 0;
  // The sites `account_id` has signed in to, most recent first.
  virtual StatusOr<std::vector<SiteEntry>> SitesOf(const std::string& account_id) = 0;
  // Withdraws the person's consent for the site and revokes its tokens.
  virtual Status Revoke(const std::string& account_id, const std::string& client_id) = 0;
};

class SelfServiceWeb {
 public:
  SelfServiceWeb(identity::AccountService& accounts, std::string csrf_key, WebOptions options);

  identity::AccountService& accounts() { return accounts_; }

  // The mail-borne flows; installed at start-up, before serving.
  void SetEmailService(identity::EmailService* email) { email_ = email; }
  identity::EmailService& email() { return *email_; }

  // Installs the resolver (the OpenID Connect provider's); call before serving starts.
  void SetReturnOriginResolver(ReturnOriginResolver resolver) {
    return_origin_ = std::move(resolver);
  }
  // The origin `return_to` finally leads to, or "".
  std::string ReturnOrigin(std::string_view return_to) const {
    return return_origin_ ? return_origin_(return_to) : std::string();
  }
  // Adds the CSP that lets this page's form lead to `origin` (no-op when empty).
  static void AllowFormTarget(http::Response& page, const std::string& origin);

  void SetSitesView(SitesView* sites) { sites_ = sites; }
  SitesView* sites() const { return sites_; }

  void SetSignOutListener(SignOutListener listener) { sign_out_listener_ = std::move(listener); }
  // Ends the session of `token` (OK when already gone) and tells the listener.
  Status EndSession(const std::string& token, const identity::Session& session);
  // Tells the listener that `sessions` ended some other way (a password change, a lock).
  void NotifyEnded(const std::vector<identity::Session>& sessions);
  // Ends another session of the same account by public id, and tells the listener.
  Status EndOtherSession(const std::string& account_id, const std::string& public_id);

  // Sets the origin accepted on POSTs; call before serving starts (not synchronized).
  void SetPublicOrigin(std::string origin) { options_.public_origin = std::move(origin); }

  // Resolves the session cookie and prepares the CSRF token. Errors: kUnavailable (database).
  StatusOr<PageContext> Begin(const http::Request& request);

  // Parses a POSTed form. nullopt (with `*error` set to a response) on a wrong content type,
  // a malformed body, a foreign Origin or a CSRF token that does not match `ctx`.
  std::optional<http::FormData> ReadForm(const http::Request& request, const PageContext& ctx,
                                         http::Response* error);

  // A page response with the layout, carrying any cookie Begin minted.
  http::Response Page(const PageContext& ctx, std::string_view tmpl, std::string_view title,
                      ui::Data data, int status = 200);

  // A full-page error (status 4xx) with a way back.
  http::Response ErrorPage(const PageContext& ctx, int status, std::string_view heading,
                           std::string_view message, std::string_view back = "/",
                           std::string_view back_label = "Go to the home page");

  // A 303 to `location` that also sets the cookie for `session` (nullopt: deletes it).
  http::Response RedirectWithSession(std::string location,
                                     const std::optional<identity::NewSession>& session);

  // A 303 to `location` carrying any cookie Begin minted.
  http::Response Redirect(const PageContext& ctx, std::string location);

  // An error page for an unexpected Status (kUnavailable: 503, otherwise 500) and a log line.
  http::Response Failure(const PageContext& ctx, const Status& status, std::string_view where);

  // The CSRF token for a binding; exposed for tests.
  std::string CsrfTokenFor(std::string_view binding) const;

 private:
  identity::AccountService& accounts_;
  std::string csrf_key_;
  WebOptions options_;
  ReturnOriginResolver return_origin_;
  SignOutListener sign_out_listener_;
  SitesView* sites_ = nullptr;
  identity::EmailService* email_ = nullptr;
};

// `candidate` when it is a path on this site ("/account", "/x?y=1"), else "/". Refuses
// scheme-relative ("//host"), backslashes, controls and anything longer than 4096 bytes
// (RFC 9700 §4.11: no open redirects).
std::string SafeReturnTo(std::string_view candidate);

// The query string "?return_to=…" for `return_to`, or "" when it is "/".
std::string ReturnQuery(std::string_view return_to);

}  // namespace portico::selfservice
