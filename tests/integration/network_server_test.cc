// The Network over real HTTP: an in-process server on a free port, driven by raw requests.
// Covers the sign-up/sign-in/session life cycle, the protections of SECURITY.md, and bad input
// (promise 5: garbage gets a clear 4xx, never a 5xx, and the server keeps serving).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <regex>
#include <thread>

#include "core/clock.h"
#include "flows.h"
#include "http_client.h"
#include "identity/email_address.h"
#include "test_server.h"

namespace portico::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPassword[] = "correct horse battery staple";

std::string UniqueEmail() {
  static std::atomic<int> n{0};
  return "person" + std::to_string(n++) + "@example.com";
}

// The text of the #error element of a page.
std::string ErrorText(const std::string& html) {
  static const std::regex kError(R"re(id="error"[^>]*>([^<]*)<)re");
  std::smatch m;
  return std::regex_search(html, m, kError) ? std::string(m[1]) : std::string();
}

HttpResult SignIn(Browser& b, const std::string& email, const std::string& password,
                  const std::string& return_to = "/", bool remember = false) {
  b.Get("/signin");
  std::vector<std::pair<std::string, std::string>> fields = {{"csrf_token", b.csrf_token()},
                                                             {"email", email},
                                                             {"password", password},
                                                             {"return_to", return_to}};
  if (remember) fields.emplace_back("remember", "1");
  return b.PostForm("/signin", fields);
}

class NetworkServerTest : public ::testing::Test {
 protected:
  TestServer server_;
  Browser NewBrowser() { return Browser(server_.port(), server_.origin()); }
  // A sign-up completed with the mailed code: 303 to `return_to` with a session.
  HttpResult SignUp(Browser& b, const std::string& email, const std::string& password = kPassword,
                    const std::string& return_to = "/") {
    return SignUpWithMail(b, server_, {email, password, return_to});
  }
};

TEST_F(NetworkServerTest, HealthAndReadinessAnswer) {
  Browser b = NewBrowser();
  HttpResult health = b.Get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "ok\n");
  HttpResult ready = b.Get("/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, "ready\n");
}

TEST_F(NetworkServerTest, EveryResponseCarriesSecurityHeaders) {
  Browser b = NewBrowser();
  for (const char* path : {"/", "/signin", "/signup", "/no-such-page", "/static/style.css"}) {
    HttpResult r = b.Get(path);
    ASSERT_NE(r.status, 0) << path;
    EXPECT_THAT(r.Header("content-security-policy").value_or(""),
                AllOf(HasSubstr("frame-ancestors 'none'"), Not(HasSubstr("unsafe-inline"))))
        << path;
    EXPECT_EQ(r.Header("x-content-type-options").value_or(""), "nosniff") << path;
    EXPECT_EQ(r.Header("referrer-policy").value_or(""), "no-referrer") << path;
  }
}

TEST_F(NetworkServerTest, UnknownRouteIsA404PageAndWrongMethodA405) {
  Browser b = NewBrowser();
  HttpResult missing = b.Get("/nothing-here");
  EXPECT_EQ(missing.status, 404);
  EXPECT_THAT(missing.body, HasSubstr("Page not found"));
  HttpResult wrong =
      SendRaw(server_.port(), "DELETE /signin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.Header("allow").value_or(""), "GET, HEAD, POST");
}

TEST_F(NetworkServerTest, SignUpSignsInWithAHardenedCookie) {
  Browser b = NewBrowser();
  HttpResult r = SignUp(b, UniqueEmail());
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.Header("location").value_or(""), "/");
  std::string cookie;
  for (const auto& c : r.SetCookies()) {
    if (c.rfind("__Host-portico-session=", 0) == 0) cookie = c;
  }
  ASSERT_FALSE(cookie.empty());
  EXPECT_THAT(cookie, AllOf(HasSubstr("Path=/"), HasSubstr("Secure"), HasSubstr("HttpOnly"),
                            HasSubstr("SameSite=Lax"), Not(HasSubstr("Domain=")),
                            Not(HasSubstr("Max-Age"))));
  // 256-bit token: 43 base64url characters.
  EXPECT_GE(b.Cookie("__Host-portico-session")->size(), 43u);
  HttpResult home = b.Get("/");
  EXPECT_THAT(home.body, HasSubstr("Welcome, Ada Lovelace"));
}

TEST_F(NetworkServerTest, SignOutEndsTheServerSideSession) {
  Browser b = NewBrowser();
  ASSERT_EQ(SignUp(b, UniqueEmail()).status, 303);
  std::string token = *b.Cookie("__Host-portico-session");
  b.Get("/");
  HttpResult out = b.PostForm("/signout", {{"csrf_token", b.csrf_token()}});
  EXPECT_EQ(out.status, 303);
  EXPECT_FALSE(b.Cookie("__Host-portico-session"));
  // Replaying the old cookie does not bring the session back.
  Browser replay = NewBrowser();
  replay.SetCookie("__Host-portico-session", token);
  HttpResult account = replay.Get("/account");
  EXPECT_EQ(account.status, 303);
  EXPECT_EQ(account.Header("location").value_or(""), "/signin?return_to=%2Faccount");
}

TEST_F(NetworkServerTest, SignInIsCaseInsensitiveOnTheAddressAndCaseSensitiveOnThePassword) {
  Browser b = NewBrowser();
  ASSERT_EQ(SignUp(b, "Grace.Hopper@Example.org").status, 303);
  Browser c = NewBrowser();
  EXPECT_EQ(SignIn(c, "grace.hopper@EXAMPLE.ORG", kPassword).status, 303);
  Browser d = NewBrowser();
  EXPECT_EQ(SignIn(d, "grace.hopper@example.org", "Correct horse battery staple").status, 401);
}

TEST_F(NetworkServerTest, UnknownAddressAndWrongPasswordGetTheSameAnswer) {
  Browser b = NewBrowser();
  std::string email = UniqueEmail();
  ASSERT_EQ(SignUp(b, email).status, 303);
  Browser x = NewBrowser();
  HttpResult wrong = SignIn(x, email, "not the right password");
  Browser y = NewBrowser();
  HttpResult unknown = SignIn(y, UniqueEmail(), "not the right password");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, wrong.status);
  EXPECT_FALSE(ErrorText(wrong.body).empty());
  EXPECT_EQ(ErrorText(unknown.body), ErrorText(wrong.body));
  // A locked account answers the same as well.
  auto account = server_.app().store().FindAccountByEmailKey(identity::EmailKey(email));
  ASSERT_TRUE(account.ok());
  ASSERT_TRUE(server_.app().store().SetDisabled(account->id, server_.clock().NowSeconds()).ok());
  Browser z = NewBrowser();
  HttpResult locked = SignIn(z, email, kPassword);
  EXPECT_EQ(locked.status, 401);
  EXPECT_EQ(ErrorText(locked.body), ErrorText(wrong.body));
}

TEST_F(NetworkServerTest, SignUpWithATakenAddressAnswersExactlyAsForANewOne) {
  Browser b = NewBrowser();
  std::string email = UniqueEmail();
  ASSERT_EQ(SignUp(b, email).status, 303);
  size_t mails_before = server_.Mails().size();

  // The registered address (in other letter case) and a new one, side by side.
  std::string upper = email;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  std::string fresh = UniqueEmail();
  Browser taken = NewBrowser();
  Browser unknown = NewBrowser();
  HttpResult taken_answer = StartSignUp(taken, {upper, kPassword});
  HttpResult unknown_answer = StartSignUp(unknown, {fresh, kPassword});
  EXPECT_EQ(taken_answer.status, 303);
  EXPECT_EQ(unknown_answer.status, 303);
  EXPECT_EQ(taken_answer.Header("location"), unknown_answer.Header("location"));
  EXPECT_EQ(taken_answer.SetCookies().size(), unknown_answer.SetCookies().size());
  EXPECT_FALSE(taken.Cookie("__Host-portico-session"));

  // The "check your mail" pages differ only in the address and the CSRF token.
  auto normalised = [](std::string body, const std::string& address, const std::string& csrf) {
    for (const std::string& s : {address, csrf}) {
      for (size_t at; (at = body.find(s)) != std::string::npos;) body.replace(at, s.size(), "*");
    }
    return body;
  };
  HttpResult taken_page = taken.Get("/signup/confirm");
  HttpResult unknown_page = unknown.Get("/signup/confirm");
  EXPECT_EQ(taken_page.status, unknown_page.status);
  EXPECT_EQ(normalised(taken_page.body, upper, taken.csrf_token()),
            normalised(unknown_page.body, fresh, unknown.csrf_token()));
  // A guessed code gets the same refusal on both.
  HttpResult taken_guess =
      taken.PostForm("/signup/confirm", {{"csrf_token", taken.csrf_token()}, {"code", "123456"}});
  HttpResult unknown_guess = unknown.PostForm(
      "/signup/confirm", {{"csrf_token", unknown.csrf_token()}, {"code", "123456"}});
  EXPECT_EQ(taken_guess.status, 400);
  EXPECT_EQ(unknown_guess.status, 400);
  EXPECT_EQ(ErrorText(taken_guess.body), ErrorText(unknown_guess.body));

  // Only the mailbox learns the difference: the owner is told, with no code to finish with.
  auto mails = server_.Mails();
  ASSERT_EQ(mails.size(), mails_before + 2);
  auto notice = server_.LatestMail(upper, "already have an account");
  ASSERT_TRUE(notice.has_value());
  EXPECT_EQ(notice->Code(), "");
  EXPECT_THAT(notice->text, HasSubstr("/password/forgot"));
  auto code = server_.LatestMail(fresh, "finish creating");
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(code->Code().size(), 6u);
}

TEST_F(NetworkServerTest, SignUpExplainsWhyAPasswordIsRefused) {
  Browser b = NewBrowser();
  HttpResult common = SignUp(b, UniqueEmail(), "password123");
  EXPECT_EQ(common.status, 400);
  EXPECT_THAT(ErrorText(common.body), HasSubstr("common"));
  HttpResult short_one = SignUp(b, UniqueEmail(), "Xq7#mp2");
  EXPECT_EQ(short_one.status, 400);
  EXPECT_THAT(ErrorText(short_one.body), HasSubstr("8 characters"));
  // The typed name and address come back; the password never does.
  EXPECT_THAT(short_one.body, AllOf(HasSubstr("value=\"Ada\""), Not(HasSubstr("Xq7#mp2"))));
}

TEST_F(NetworkServerTest, FormsWithoutAValidCsrfTokenAreRefused) {
  Browser b = NewBrowser();
  std::string email = UniqueEmail();
  ASSERT_EQ(SignUp(b, email).status, 303);
  Browser attacker = NewBrowser();
  attacker.Get("/signin");
  HttpResult missing = attacker.PostForm("/signin", {{"email", email}, {"password", kPassword}});
  EXPECT_EQ(missing.status, 403);
  // A token minted for another browser does not fit this one.
  Browser other = NewBrowser();
  other.Get("/signin");
  HttpResult foreign = attacker.PostForm(
      "/signin", {{"csrf_token", other.csrf_token()}, {"email", email}, {"password", kPassword}});
  EXPECT_EQ(foreign.status, 403);
  // A POST from another origin is refused even with a valid token.
  Browser cross(server_.port(), "https://evil.example");
  cross.Get("/signin");
  HttpResult cross_site = cross.PostForm(
      "/signin", {{"csrf_token", cross.csrf_token()}, {"email", email}, {"password", kPassword}});
  EXPECT_EQ(cross_site.status, 403);
  EXPECT_FALSE(cross.Cookie("__Host-portico-session"));
}

TEST_F(NetworkServerTest, ReturnToStaysOnTheNetwork) {
  Browser b = NewBrowser();
  std::string email = UniqueEmail();
  ASSERT_EQ(SignUp(b, email, kPassword, "/account").status, 303);
  for (const char* evil :
       {"//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"}) {
    Browser c = NewBrowser();
    HttpResult r = SignIn(c, email, kPassword, evil);
    ASSERT_EQ(r.status, 303) << evil;
    EXPECT_EQ(r.Header("location").value_or(""), "/") << evil;
  }
  Browser d = NewBrowser();
  EXPECT_EQ(SignIn(d, email, kPassword, "/account").Header("location").value_or(""), "/account");
}

TEST_F(NetworkServerTest, KeepMeSignedInMakesAPersistentCookie) {
  Browser b = NewBrowser();
  std::string email = UniqueEmail();
  ASSERT_EQ(SignUp(b, email).status, 303);
  Browser c = NewBrowser();
  HttpResult r = SignIn(c, email, kPassword, "/", /*remember=*/true);
  ASSERT_EQ(r.status, 303);
  bool persistent = false;
  for (const auto& cookie : r.SetCookies()) {
    if (cookie.rfind("__Host-portico-session=", 0) == 0)
      persistent = cookie.find("Max-Age=") != std::string::npos;
  }
  EXPECT_TRUE(persistent);
}

TEST_F(NetworkServerTest, ChangingThePasswordEndsOtherSessionsAndRotatesThisOne) {
  Browser a = NewBrowser();
  std::string email = UniqueEmail();
  ASSERT_EQ(SignUp(a, email).status, 303);
  Browser other = NewBrowser();
  ASSERT_EQ(SignIn(other, email, kPassword).status, 303);
  std::string before = *a.Cookie("__Host-portico-session");
  a.Get("/account");
  HttpResult change =
      a.PostForm("/account/password", {{"csrf_token", a.csrf_token()},
                                       {"current_password", kPassword},
                                       {"new_password", "a new and different passphrase"}});
  ASSERT_EQ(change.status, 303) << change.body;
  EXPECT_NE(*a.Cookie("__Host-portico-session"), before);
  EXPECT_THAT(a.Get("/account?done=password").body, HasSubstr("id=\"notice\""));
  EXPECT_EQ(other.Get("/account").status, 303);
  Browser fresh = NewBrowser();
  EXPECT_EQ(SignIn(fresh, email, kPassword).status, 401);
  Browser fresh2 = NewBrowser();
  EXPECT_EQ(SignIn(fresh2, email, "a new and different passphrase").status, 303);
}

TEST_F(NetworkServerTest, WrongCurrentPasswordChangesNothing) {
  Browser a = NewBrowser();
  std::string email = UniqueEmail();
  ASSERT_EQ(SignUp(a, email).status, 303);
  a.Get("/account");
  HttpResult change =
      a.PostForm("/account/password", {{"csrf_token", a.csrf_token()},
                                       {"current_password", "not my password"},
                                       {"new_password", "a new and different passphrase"}});
  EXPECT_EQ(change.status, 400);
  EXPECT_THAT(ErrorText(change.body), HasSubstr("current password"));
  Browser b = NewBrowser();
  EXPECT_EQ(SignIn(b, email, kPassword).status, 303);
}

TEST_F(NetworkServerTest, ProfileAndMailingAddressAreSavedAndEscaped) {
  Browser a = NewBrowser();
  ASSERT_EQ(SignUp(a, UniqueEmail()).status, 303);
  a.Get("/account");
  HttpResult save = a.PostForm("/account/profile", {{"csrf_token", a.csrf_token()},
                                                    {"given_name", "Ada"},
                                                    {"family_name", "Lovelace"},
                                                    {"display_name", "<script>x</script>"},
                                                    {"street", "12 St James's Square"},
                                                    {"city", "London"},
                                                    {"region", ""},
                                                    {"postal_code", "SW1Y 4JH"},
                                                    {"country", "United Kingdom"},
                                                    {"language", "en-GB"}});
  ASSERT_EQ(save.status, 303);
  HttpResult page = a.Get("/account?done=profile");
  EXPECT_THAT(page.body, HasSubstr("value=\"SW1Y 4JH\""));
  EXPECT_THAT(page.body, HasSubstr("12 St James&apos;s Square"));
  EXPECT_THAT(page.body, Not(HasSubstr("<script>x</script>")));
  EXPECT_THAT(page.body, HasSubstr("&lt;script&gt;"));
}

TEST_F(NetworkServerTest, ADeviceCanBeSignedOutFromAnother) {
  Browser a = NewBrowser();
  std::string email = UniqueEmail();
  ASSERT_EQ(SignUp(a, email).status, 303);
  Browser phone = NewBrowser();
  ASSERT_EQ(SignIn(phone, email, kPassword).status, 303);
  HttpResult page = a.Get("/account");
  static const std::regex kSessionId(R"re(name="session_id" value="([^"]+)")re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page.body, m, kSessionId));
  HttpResult revoke = a.PostForm("/account/sessions/revoke",
                                 {{"csrf_token", a.csrf_token()}, {"session_id", m[1]}});
  EXPECT_EQ(revoke.status, 303);
  EXPECT_EQ(phone.Get("/account").status, 303);
  EXPECT_EQ(a.Get("/account").status, 200);
  // Another account's session cannot be revoked, even with its real id: it stays signed in.
  Browser tablet = NewBrowser();
  ASSERT_EQ(SignIn(tablet, email, kPassword).status, 303);
  std::string a_session_page = a.Get("/account").body;
  ASSERT_TRUE(std::regex_search(a_session_page, m, kSessionId));
  std::string tablet_session_id = m[1];
  Browser b = NewBrowser();
  ASSERT_EQ(SignUp(b, UniqueEmail()).status, 303);
  b.Get("/account");
  HttpResult foreign = b.PostForm("/account/sessions/revoke", {{"csrf_token", b.csrf_token()},
                                                               {"session_id", tablet_session_id}});
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(tablet.Get("/account").status, 200);
  // An id that names no session at all: the same answer.
  HttpResult unknown = b.PostForm("/account/sessions/revoke",
                                  {{"csrf_token", b.csrf_token()}, {"session_id", "nope"}});
  EXPECT_EQ(unknown.status, 404);
}

// SECURITY.md promise 4: failures are counted before verifying, in the transaction that reads
// the throttle state, so parallel guesses cannot get more tries than the policy allows.
TEST_F(NetworkServerTest, ParallelWrongPasswordsCannotOutrunTheThrottle) {
  Browser a = NewBrowser();
  std::string email = UniqueEmail();
  ASSERT_EQ(SignUp(a, email).status, 303);
  constexpr int kAttackers = 16;
  std::vector<Browser> browsers;
  for (int i = 0; i < kAttackers; ++i) {
    browsers.push_back(NewBrowser());
    browsers.back().Get("/signin");
  }
  std::vector<std::thread> threads;
  std::atomic<int> unauthenticated{0};
  for (int i = 0; i < kAttackers; ++i) {
    threads.emplace_back([&, i] {
      Browser& b = browsers[static_cast<size_t>(i)];
      HttpResult r = b.PostForm("/signin", {{"csrf_token", b.csrf_token()},
                                            {"email", email},
                                            {"password", "guess number " + std::to_string(i)}});
      if (r.status == 401) ++unauthenticated;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(unauthenticated.load(), kAttackers);
  auto account = server_.app().store().FindAccountByEmailKey(identity::EmailKey(email));
  ASSERT_TRUE(account.ok());
  identity::ThrottlePolicy policy;
  // The server's clock is frozen, so no delay has run out: the count is exactly what the
  // policy allows, however the 16 requests interleaved.
  auto probe = server_.app().store().BeginSignInAttempt("account:" + account->id,
                                                        server_.clock().NowSeconds(), policy);
  ASSERT_TRUE(probe.ok());
  EXPECT_EQ(probe->verdict, identity::AttemptVerdict::kThrottled);
  EXPECT_LE(probe->failures, policy.free_failures + 1);
  // While throttled, even the right password is refused with the same answer...
  Browser owner = NewBrowser();
  EXPECT_EQ(SignIn(owner, email, kPassword).status, 401);
  // ...and once the delay has passed, the owner gets in.
  server_.clock().Advance(policy.DelayAfter(policy.free_failures + 1) + 1);
  Browser later = NewBrowser();
  EXPECT_EQ(SignIn(later, email, kPassword).status, 303);
}

// ---- bad input: a clear 4xx, never a 5xx, and the server keeps serving ----

TEST_F(NetworkServerTest, OversizeHeadersGet431) {
  std::string raw = "GET / HTTP/1.1\r\nHost: x\r\nCookie: a=" + std::string(40000, 'x') +
                    "\r\nConnection: close\r\n\r\n";
  EXPECT_EQ(SendRaw(server_.port(), raw).status, 431);
  EXPECT_EQ(NewBrowser().Get("/healthz").status, 200);
}

TEST_F(NetworkServerTest, OversizeBodiesGet413) {
  std::string body(400 * 1024, 'a');
  std::string raw =
      "POST /signin HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  EXPECT_EQ(SendRaw(server_.port(), raw).status, 413);
  EXPECT_EQ(NewBrowser().Get("/healthz").status, 200);
}

TEST_F(NetworkServerTest, BodiesLargerThanOneReadBufferAreReadWhole) {
  Browser b = NewBrowser();
  std::string email = UniqueEmail();
  ASSERT_EQ(SignUp(b, email).status, 303);
  Browser c = NewBrowser();
  // 100 KB of password: read whole, checked (and refused) like any other wrong password.
  HttpResult r = SignIn(c, email, std::string(100 * 1024, 'p'));
  EXPECT_EQ(r.status, 401);
  EXPECT_FALSE(ErrorText(r.body).empty());
}

TEST_F(NetworkServerTest, MalformedRequestsGet400) {
  for (const std::string& raw :
       {std::string("GARBAGE\r\n\r\n"), std::string("GET / HTTP/9.9\r\n\r\n"),
        std::string("GET / HTTP/1.1\r\nHost x\r\n\r\n"),
        std::string("POST /signin HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"),
        std::string("GET /\x01\x02 HTTP/1.1\r\nHost: x\r\n\r\n")}) {
    HttpResult r = SendRaw(server_.port(), raw);
    EXPECT_GE(r.status, 400) << raw;
    EXPECT_LT(r.status, 500) << raw;
  }
  EXPECT_EQ(NewBrowser().Get("/healthz").status, 200);
}

TEST_F(NetworkServerTest, BrokenFormsAndCookiesGetAClear4xx) {
  Browser b = NewBrowser();
  b.Get("/signin");
  std::string token = b.csrf_token();
  HttpResult bad_utf8 = b.PostRaw("/signin", "csrf_token=" + token + "&email=%FF%FE&password=x",
                                  "application/x-www-form-urlencoded");
  EXPECT_EQ(bad_utf8.status, 400);
  EXPECT_THAT(bad_utf8.body, HasSubstr("could not be read"));
  HttpResult bad_escape = b.PostRaw("/signin", "csrf_token=" + token + "&email=%zz",
                                    "application/x-www-form-urlencoded");
  EXPECT_EQ(bad_escape.status, 400);
  HttpResult json = b.PostRaw("/signin", "{\"email\":1}", "application/json");
  EXPECT_EQ(json.status, 415);
  // Cookie headers full of junk are ignored, not fatal.
  HttpResult junk = b.Get("/account", {{"Cookie", "\x80\x81; ;;=;__Host-portico-session=%%%; x"}});
  EXPECT_EQ(junk.status, 303);
  HttpResult long_session =
      b.Get("/", {{"Cookie", "__Host-portico-session=" + std::string(5000, 'A')}});
  EXPECT_EQ(long_session.status, 200);
  HttpResult odd_query = b.Get("/signin?return_to=%ZZ&return_to=%FF");
  EXPECT_EQ(odd_query.status, 200);
  HttpResult non_utf8_path = b.Get("/%FF%FE\xC3");
  EXPECT_EQ(non_utf8_path.status, 404);
  EXPECT_EQ(b.Get("/healthz").status, 200);
}

TEST_F(NetworkServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  std::string raw =
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: "
      "close\r\n\r\n";
  HttpResult r = SendRaw(server_.port(), raw);
  EXPECT_EQ(r.status, 200);
  // The second response follows the first on the same connection.
  EXPECT_THAT(r.body, HasSubstr("HTTP/1.1 200 OK"));
}

}  // namespace
}  // namespace portico::testing
