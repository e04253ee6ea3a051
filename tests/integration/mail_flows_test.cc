// The Network's mail-borne flows over real HTTP (the issue "Mail"; MISSION N2, N6, N9, N10,
// B4): sign-up verification, password reset, address hints, added and primary addresses with
// undo — single use under concurrency, expiry, identical answers for known and unknown
// addresses, and the per-address budget. Mail is read from the Network's drop folder.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <regex>
#include <thread>

#include "flows.h"
#include "identity/email_address.h"
#include "test_server.h"

namespace portico::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPassword[] = "correct horse battery staple";
constexpr char kNewPassword[] = "a brand new passphrase";

std::string UniqueEmail() {
  static std::atomic<int> n{0};
  return "mailer" + std::to_string(n++) + "@example.com";
}

// The value of the hidden input `name` in `html`.
std::string HiddenValue(const std::string& html, const std::string& name) {
  std::regex pattern("name=\"" + name + "\" value=\"([^\"]*)\"");
  std::smatch m;
  return std::regex_search(html, m, pattern) ? std::string(m[1]) : "";
}

class MailFlowsTest : public ::testing::Test {
 protected:
  TestServer server_;
  Browser NewBrowser() { return Browser(server_.port(), server_.origin()); }

  Browser SignedUp(const std::string& email) {
    Browser b = NewBrowser();
    HttpResult r = SignUpWithMail(b, server_, {email, kPassword});
    EXPECT_EQ(r.status, 303) << r.body;
    return b;
  }

  HttpResult SignIn(const std::string& email, const std::string& password) {
    Browser b = NewBrowser();
    b.Get("/signin");
    return b.PostForm("/signin",
                      {{"csrf_token", b.csrf_token()}, {"email", email}, {"password", password}});
  }

  HttpResult Ask(Browser& b, const std::string& path, const std::string& email) {
    b.Get(path);
    return b.PostForm(path, {{"csrf_token", b.csrf_token()}, {"email", email}});
  }

  // Requests a reset for `email` and returns the link path from the mail.
  std::string ResetLink(const std::string& email) {
    Browser b = NewBrowser();
    EXPECT_EQ(Ask(b, "/password/forgot", email).status, 303);
    auto mail = server_.LatestMail(email, "Choose a new password");
    EXPECT_TRUE(mail.has_value());
    return mail ? mail->LinkTarget() : "";
  }

  HttpResult SetPassword(Browser& b, const std::string& link, const std::string& password) {
    HttpResult form = b.Get(link);
    return b.PostForm("/password/reset", {{"csrf_token", b.csrf_token()},
                                          {"token", HiddenValue(form.body, "token")},
                                          {"new_password", password}});
  }

  HttpResult AddAddress(Browser& b, const std::string& address, bool primary,
                        const std::string& password = kPassword) {
    b.Get("/account");
    std::vector<std::pair<std::string, std::string>> fields = {
        {"csrf_token", b.csrf_token()}, {"email", address}, {"current_password", password}};
    if (primary) fields.emplace_back("primary", "on");
    return b.PostForm("/account/email/add", fields);
  }

  // Confirms `address` on the account page with the mailed code.
  HttpResult ConfirmWithCode(Browser& b, const std::string& address) {
    auto mail = server_.LatestMail(address, "Confirm the address");
    EXPECT_TRUE(mail.has_value());
    HttpResult page = b.Get("/account");
    return b.PostForm("/account/email/code", {{"csrf_token", b.csrf_token()},
                                              {"pending_id", HiddenValue(page.body, "pending_id")},
                                              {"code", mail ? mail->Code() : ""}});
  }
};

TEST_F(MailFlowsTest, ASignUpLinkSignsInOnlyTheBrowserThatSignedUp) {
  std::string email = UniqueEmail();
  Browser b = NewBrowser();
  ASSERT_EQ(StartSignUp(b, {email, kPassword, "/account"}).status, 303);
  auto mail = server_.LatestMail(email, "finish creating");
  ASSERT_TRUE(mail.has_value());
  EXPECT_EQ(mail->Link().rfind(server_.origin() + "/signup/confirm?token=", 0), 0u);
  // Opening the link changes nothing: it shows a button.
  HttpResult landing = b.Get(mail->LinkTarget());
  ASSERT_EQ(landing.status, 200);
  EXPECT_THAT(landing.body, HasSubstr("Create my account"));
  EXPECT_EQ(SignIn(email, kPassword).status, 401);
  HttpResult done = b.PostForm("/signup/confirm", {{"csrf_token", b.csrf_token()},
                                                   {"token", HiddenValue(landing.body, "token")}});
  ASSERT_EQ(done.status, 303);
  EXPECT_EQ(done.Header("location").value_or(""), "/account");
  EXPECT_TRUE(b.Cookie("__Host-portico-session"));
  auto account = server_.app().store().FindAccountByEmailKey(identity::EmailKey(email));
  ASSERT_TRUE(account.ok());
  EXPECT_TRUE(account->email_verified);
  // The same link again is refused, clearly: on the page and on submit.
  HttpResult again_page = b.Get(mail->LinkTarget());
  EXPECT_EQ(again_page.status, 410);
  EXPECT_THAT(again_page.body, HasSubstr("already used"));
  b.Get("/account");
  HttpResult again = b.PostForm("/signup/confirm", {{"csrf_token", b.csrf_token()},
                                                    {"token", HiddenValue(landing.body, "token")}});
  EXPECT_EQ(again.status, 410);

  // A link opened in another browser creates the account but signs nobody in there.
  std::string other = UniqueEmail();
  Browser starter = NewBrowser();
  ASSERT_EQ(StartSignUp(starter, {other, kPassword}).status, 303);
  auto other_mail = server_.LatestMail(other, "finish creating");
  ASSERT_TRUE(other_mail.has_value());
  Browser elsewhere = NewBrowser();
  HttpResult page = elsewhere.Get(other_mail->LinkTarget());
  HttpResult ready = elsewhere.PostForm(
      "/signup/confirm",
      {{"csrf_token", elsewhere.csrf_token()}, {"token", HiddenValue(page.body, "token")}});
  EXPECT_EQ(ready.status, 200) << page.status << " " << ready.body;
  EXPECT_THAT(ready.body, HasSubstr("Your account is ready"));
  EXPECT_FALSE(elsewhere.Cookie("__Host-portico-session"));
  EXPECT_EQ(SignIn(other, kPassword).status, 303);
}

TEST_F(MailFlowsTest, ASignUpDiesAfterFiveWrongCodesAndAfterADay) {
  std::string email = UniqueEmail();
  Browser b = NewBrowser();
  ASSERT_EQ(StartSignUp(b, {email, kPassword}).status, 303);
  std::string code = server_.LatestMail(email, "finish creating")->Code();
  std::string wrong = code == "000000" ? "000001" : "000000";
  b.Get("/signup/confirm");
  // Four wrong codes are refused; the fifth ends the sign-up, and the page says so.
  for (int i = 0; i < 5; ++i) {
    HttpResult r = b.PostForm("/signup/confirm", {{"csrf_token", b.csrf_token()}, {"code", wrong}});
    EXPECT_EQ(r.status, i < 4 ? 400 : 410) << i;
  }
  EXPECT_EQ(b.Get("/signup/confirm").status, 410);
  // Neither a new code nor the mailed link brings it back.
  EXPECT_EQ(b.PostForm("/signup/resend", {{"csrf_token", b.csrf_token()}}).status, 410);
  auto mail = server_.LatestMail(email, "finish creating");
  HttpResult link_page = b.Get(mail->LinkTarget());
  EXPECT_EQ(link_page.status, 410);
  HttpResult late = b.PostForm("/signup/confirm", {{"csrf_token", b.csrf_token()}, {"code", code}});
  EXPECT_EQ(late.status, 410);
  EXPECT_EQ(SignIn(email, kPassword).status, 401);

  // A new sign-up for the address works until its day is over.
  std::string later = UniqueEmail();
  Browser c = NewBrowser();
  ASSERT_EQ(StartSignUp(c, {later, kPassword}).status, 303);
  std::string later_code = server_.LatestMail(later, "finish creating")->Code();
  server_.clock().Advance(24 * 3600 + 1);
  c.Get("/signup");
  HttpResult expired =
      c.PostForm("/signup/confirm", {{"csrf_token", c.csrf_token()}, {"code", later_code}});
  EXPECT_EQ(expired.status, 410);
}

TEST_F(MailFlowsTest, ResendsStopAtTheBudgetAndTakeTheCodeWithThem) {
  std::string email = UniqueEmail();
  Browser b = NewBrowser();
  ASSERT_EQ(StartSignUp(b, {email, kPassword}).status, 303);
  b.Get("/signup/confirm");
  // The sign-up's message and four re-sends spend the address's hour.
  for (int i = 0; i < 4; ++i)
    ASSERT_EQ(b.PostForm("/signup/resend", {{"csrf_token", b.csrf_token()}}).status, 200) << i;
  std::string last_code = server_.LatestMail(email, "finish creating")->Code();
  size_t before = server_.Mails().size();
  // One more: no message, and the sign-up ends — its code no longer works (otherwise every
  // re-send would be five more guesses for a stranger).
  EXPECT_EQ(b.PostForm("/signup/resend", {{"csrf_token", b.csrf_token()}}).status, 410);
  EXPECT_EQ(server_.Mails().size(), before);
  HttpResult late =
      b.PostForm("/signup/confirm", {{"csrf_token", b.csrf_token()}, {"code", last_code}});
  EXPECT_EQ(late.status, 410);
}

TEST_F(MailFlowsTest, NamesInMailAreEscapedInHtmlAndKeptInText) {
  std::string email = UniqueEmail();
  Browser b = NewBrowser();
  SignUpForm form{email, kPassword};
  form.given_name = "<b>Ada</b>";
  form.family_name = "O'Hara & Co";
  ASSERT_EQ(StartSignUp(b, form).status, 303);
  auto mail = server_.LatestMail(email, "finish creating");
  ASSERT_TRUE(mail.has_value());
  EXPECT_THAT(mail->html, HasSubstr("&lt;b&gt;Ada&lt;/b&gt;"));
  EXPECT_THAT(mail->html, Not(HasSubstr("<b>Ada")));
  EXPECT_THAT(mail->html, HasSubstr("&amp; Co"));
  EXPECT_THAT(mail->text, HasSubstr("Hello <b>Ada</b> O'Hara & Co,"));
  // Every link in the message points at the Network's public address.
  EXPECT_EQ(mail->Link().rfind(server_.origin() + "/", 0), 0u);
}

TEST_F(MailFlowsTest, AResendReplacesTheCode) {
  std::string email = UniqueEmail();
  Browser b = NewBrowser();
  ASSERT_EQ(StartSignUp(b, {email, kPassword}).status, 303);
  auto first = server_.LatestMail(email, "finish creating");
  ASSERT_TRUE(first.has_value());
  b.Get("/signup/confirm");
  ASSERT_EQ(b.PostForm("/signup/resend", {{"csrf_token", b.csrf_token()}}).status, 200);
  auto second = server_.LatestMail(email, "finish creating");
  ASSERT_TRUE(second.has_value());
  // The link is a new 256-bit token, so a re-send that kept the old token cannot pass; the old
  // link is refused. (The six-digit code repeats by chance once in a million, so its refusal is
  // checked only when it differs.)
  ASSERT_NE(first->Link(), second->Link());
  EXPECT_EQ(b.Get(first->LinkTarget()).status, 410);
  b.Get("/signup/confirm");
  if (first->Code() != second->Code()) {
    HttpResult old =
        b.PostForm("/signup/confirm", {{"csrf_token", b.csrf_token()}, {"code", first->Code()}});
    EXPECT_EQ(old.status, 400);
  }
  HttpResult fresh =
      b.PostForm("/signup/confirm", {{"csrf_token", b.csrf_token()}, {"code", second->Code()}});
  EXPECT_EQ(fresh.status, 303);
}

TEST_F(MailFlowsTest, AResetAnswersTheSameForKnownAndUnknownAddresses) {
  std::string known = UniqueEmail();
  SignedUp(known);
  size_t before = server_.Mails().size();
  Browser a = NewBrowser();
  Browser b = NewBrowser();
  HttpResult for_known = Ask(a, "/password/forgot", known);
  HttpResult for_unknown = Ask(b, "/password/forgot", UniqueEmail());
  EXPECT_EQ(for_known.status, 303);
  EXPECT_EQ(for_unknown.status, 303);
  EXPECT_EQ(for_known.Header("location"), for_unknown.Header("location"));
  EXPECT_EQ(a.Get("/password/sent?what=reset").body, b.Get("/password/sent?what=reset").body);
  // Only the registered address got a message.
  EXPECT_EQ(server_.Mails().size(), before + 1);
  EXPECT_TRUE(server_.LatestMail(known, "Choose a new password").has_value());
  // A malformed address is refused on the page; that says nothing about registration.
  EXPECT_EQ(Ask(a, "/password/forgot", "not an address").status, 400);
}

TEST_F(MailFlowsTest, AResetLinkSetsANewPasswordOnceAndEndsEverySession) {
  std::string email = UniqueEmail();
  Browser first_device = SignedUp(email);
  std::string link = ResetLink(email);
  ASSERT_EQ(link.rfind("/password/reset?token=", 0), 0u);

  Browser b = NewBrowser();
  // A refused password leaves the link usable.
  HttpResult weak = SetPassword(b, link, "password123");
  EXPECT_EQ(weak.status, 400);
  HttpResult done = SetPassword(b, link, kNewPassword);
  ASSERT_EQ(done.status, 303) << done.body;
  EXPECT_EQ(done.Header("location").value_or(""), "/account?done=reset");
  EXPECT_EQ(b.Get("/account").status, 200);
  EXPECT_EQ(first_device.Get("/account").status, 303);  // signed out
  EXPECT_EQ(SignIn(email, kPassword).status, 401);
  EXPECT_EQ(SignIn(email, kNewPassword).status, 303);
  EXPECT_TRUE(server_.LatestMail(email, "Your password was changed").has_value());
  // Used: a clear refusal, on the page and on submit.
  Browser c = NewBrowser();
  HttpResult reused = c.Get(link);
  EXPECT_EQ(reused.status, 410);
  EXPECT_THAT(reused.body, HasSubstr("already used"));
}

TEST_F(MailFlowsTest, AResetLinkExpiresAfterThirtyMinutes) {
  std::string email = UniqueEmail();
  SignedUp(email);
  std::string link = ResetLink(email);
  Browser b = NewBrowser();
  HttpResult form = b.Get(link);
  ASSERT_EQ(form.status, 200);
  server_.clock().Advance(30 * 60 + 1);
  HttpResult late = b.PostForm("/password/reset", {{"csrf_token", b.csrf_token()},
                                                   {"token", HiddenValue(form.body, "token")},
                                                   {"new_password", kNewPassword}});
  EXPECT_EQ(late.status, 410);
  EXPECT_THAT(late.body, HasSubstr("expired"));
  EXPECT_EQ(SignIn(email, kPassword).status, 303);
}

TEST_F(MailFlowsTest, OneResetLinkRedeemedInParallelSucceedsAtMostOnce) {
  std::string email = UniqueEmail();
  SignedUp(email);
  std::string link = ResetLink(email);
  constexpr int kRacers = 8;
  std::vector<Browser> browsers;
  std::vector<std::string> tokens;
  for (int i = 0; i < kRacers; ++i) {
    browsers.push_back(NewBrowser());
    tokens.push_back(HiddenValue(browsers.back().Get(link).body, "token"));
  }
  std::atomic<int> successes{0};
  std::atomic<int> server_errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kRacers; ++i) {
    threads.emplace_back([&, i] {
      HttpResult r = browsers[i].PostForm(
          "/password/reset",
          {{"csrf_token", browsers[i].csrf_token()},
           {"token", tokens[i]},
           {"new_password", std::string(kNewPassword) + " " + std::to_string(i)}});
      if (r.status == 303) ++successes;
      if (r.status >= 500) ++server_errors;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(successes.load(), 1);
  EXPECT_EQ(server_errors.load(), 0);
}

TEST_F(MailFlowsTest, NameHintsGoOnlyToTheMailboxAndAreMasked) {
  std::string known = UniqueEmail();
  SignedUp(known);
  std::string unknown = UniqueEmail();
  Browser a = NewBrowser();
  Browser b = NewBrowser();
  HttpResult for_known = Ask(a, "/password/names", known);
  HttpResult for_unknown = Ask(b, "/password/names", unknown);
  EXPECT_EQ(for_known.status, 303);
  EXPECT_EQ(for_known.Header("location"), for_unknown.Header("location"));
  HttpResult page = a.Get(*for_known.Header("location"));
  EXPECT_THAT(page.body, Not(HasSubstr(known)));
  auto hints = server_.LatestMail(known, "The addresses of your account");
  ASSERT_TRUE(hints.has_value());
  EXPECT_THAT(hints->text, HasSubstr("m•••@e•••.com (sign-in address)"));
  EXPECT_THAT(hints->text, Not(HasSubstr(known)));
  EXPECT_TRUE(server_.LatestMail(unknown, "No account uses this address").has_value());
}

TEST_F(MailFlowsTest, StrangerTriggeredMailStopsAtTheAddressBudget) {
  std::string email = UniqueEmail();
  SignedUp(email);
  size_t before = server_.Mails().size();
  for (int i = 0; i < 8; ++i) {
    Browser b = NewBrowser();
    EXPECT_EQ(Ask(b, "/password/forgot", email).status, 303) << i;
  }
  // The sign-up code was one message of the hour's five; four resets follow it.
  EXPECT_EQ(server_.Mails().size(), before + 4);
  server_.clock().Advance(3601);
  Browser b = NewBrowser();
  Ask(b, "/password/forgot", email);
  EXPECT_EQ(server_.Mails().size(), before + 5);
}

TEST_F(MailFlowsTest, AnAddedAddressCountsOnceConfirmedAndSignsIn) {
  std::string email = UniqueEmail();
  Browser b = SignedUp(email);
  std::string alias = UniqueEmail();
  EXPECT_EQ(AddAddress(b, alias, false, "wrong password").status, 400);
  HttpResult added = AddAddress(b, alias, false);
  ASSERT_EQ(added.status, 303);
  EXPECT_EQ(SignIn(alias, kPassword).status, 401);  // not before it is confirmed
  HttpResult confirmed = ConfirmWithCode(b, alias);
  ASSERT_EQ(confirmed.status, 303) << confirmed.body;
  EXPECT_EQ(SignIn(alias, kPassword).status, 303);
  EXPECT_TRUE(server_.LatestMail(email, "An address was added").has_value());
  HttpResult page = b.Get("/account");
  EXPECT_THAT(page.body, HasSubstr(alias));
  // The sign-in address stays.
  auto account = server_.app().store().FindAccountByEmailKey(identity::EmailKey(alias));
  ASSERT_TRUE(account.ok());
  EXPECT_EQ(account->email, email);
  // The alias can go; the sign-in address cannot.
  HttpResult primary_remove =
      b.PostForm("/account/email/remove",
                 {{"csrf_token", b.csrf_token()}, {"key", identity::EmailKey(email)}});
  EXPECT_EQ(primary_remove.status, 400);
  HttpResult removed = b.PostForm("/account/email/remove", {{"csrf_token", b.csrf_token()},
                                                            {"key", identity::EmailKey(alias)}});
  EXPECT_EQ(removed.status, 303);
  EXPECT_EQ(SignIn(alias, kPassword).status, 401);
}

TEST_F(MailFlowsTest, AnAddressOfAnotherAccountIsNeverAdded) {
  std::string mine = UniqueEmail();
  std::string theirs = UniqueEmail();
  SignedUp(theirs);
  Browser b = SignedUp(mine);
  ASSERT_EQ(AddAddress(b, theirs, false).status, 303);
  HttpResult confirmed = ConfirmWithCode(b, theirs);
  EXPECT_EQ(confirmed.status, 409);
  auto account = server_.app().store().FindAccountByEmailKey(identity::EmailKey(theirs));
  ASSERT_TRUE(account.ok());
  EXPECT_EQ(account->email, theirs);
}

TEST_F(MailFlowsTest, ANewSignInAddressCanBeUndoneFromTheOldOne) {
  std::string old_address = UniqueEmail();
  Browser b = SignedUp(old_address);
  Browser other_device = NewBrowser();
  ASSERT_EQ(SignIn(old_address, kPassword).status, 303);
  other_device.Get("/signin");
  ASSERT_EQ(other_device
                .PostForm("/signin", {{"csrf_token", other_device.csrf_token()},
                                      {"email", old_address},
                                      {"password", kPassword}})
                .status,
            303);
  std::string new_address = UniqueEmail();
  ASSERT_EQ(AddAddress(b, new_address, true).status, 303);
  // Confirm through the mailed link this time: it works without a session.
  auto confirm = server_.LatestMail(new_address, "Confirm the address");
  ASSERT_TRUE(confirm.has_value());
  Browser mailbox = NewBrowser();
  HttpResult landing = mailbox.Get(confirm->LinkTarget());
  ASSERT_EQ(landing.status, 200);
  HttpResult confirmed = mailbox.PostForm(
      "/account/email/confirm",
      {{"csrf_token", mailbox.csrf_token()}, {"token", HiddenValue(landing.body, "token")}});
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  auto account = server_.app().store().FindAccountByEmailKey(identity::EmailKey(new_address));
  ASSERT_TRUE(account.ok());
  EXPECT_EQ(account->email, new_address);
  EXPECT_TRUE(account->email_verified);

  // The old address is told, with an undo link.
  auto told = server_.LatestMail(old_address, "Your sign-in address was changed");
  ASSERT_TRUE(told.has_value());
  EXPECT_THAT(told->text, HasSubstr(new_address));
  Browser owner = NewBrowser();
  HttpResult undo_page = owner.Get(told->LinkTarget());
  ASSERT_EQ(undo_page.status, 200);
  HttpResult undone = owner.PostForm(
      "/account/email/undo",
      {{"csrf_token", owner.csrf_token()}, {"token", HiddenValue(undo_page.body, "token")}});
  ASSERT_EQ(undone.status, 303);
  std::string next = undone.Header("location").value_or("");
  EXPECT_EQ(next.rfind("/password/reset?token=", 0), 0u);
  // Every session ended; the old address is the sign-in name again; the new one is gone.
  EXPECT_EQ(b.Get("/account").status, 303);
  EXPECT_EQ(other_device.Get("/account").status, 303);
  auto restored = server_.app().store().FindAccountByEmailKey(identity::EmailKey(old_address));
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ(restored->email, old_address);
  EXPECT_FALSE(server_.app().store().FindAccountByEmailKey(identity::EmailKey(new_address)).ok());
  // The owner sets a new password straight away.
  HttpResult reset = SetPassword(owner, next, kNewPassword);
  EXPECT_EQ(reset.status, 303);
  EXPECT_EQ(SignIn(old_address, kNewPassword).status, 303);
  // The undo link worked once.
  Browser again = NewBrowser();
  EXPECT_EQ(again.Get(told->LinkTarget()).status, 410);
}

TEST_F(MailFlowsTest, AnAccountHoldsAtMostTenAliases) {
  std::string email = UniqueEmail();
  Browser b = SignedUp(email);
  for (int i = 0; i < 10; ++i) {
    std::string alias = "alias" + std::to_string(i) + "." + email;
    ASSERT_EQ(AddAddress(b, alias, false).status, 303) << i;
    ASSERT_EQ(ConfirmWithCode(b, alias).status, 303) << i;
  }
  HttpResult eleventh = AddAddress(b, "alias10." + email, false);
  EXPECT_EQ(eleventh.status, 400);
  EXPECT_THAT(eleventh.body, HasSubstr("Remove one first"));
}

}  // namespace
}  // namespace portico::testing
