// The Membership Center over real HTTP, with the Network in-process: a person signs in through
// the Network (never a password at the site), completes a profile, enrols an organization, adds
// a location, sees its people and audit log; and the server refuses every organization page to
// people who hold no rights there, whatever the request names.
#include "members_site.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <thread>

#include "core/clock.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "flows.h"
#include "http/server.h"
#include "http_client.h"
#include "site_fixture.h"
#include "test_server.h"

namespace portico::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPassword[] = "correct horse battery staple";

std::string FormToken(const std::string& html) {
  static const std::regex kToken(R"re(name="form_token" value="([^"]*)")re");
  std::smatch m;
  return std::regex_search(html, m, kToken) ? std::string(m[1]) : "";
}

class MembersSiteTest : public SiteFixture<members::MembersSite, members::MembersConfig> {
 protected:
  MembersSiteTest() : SiteFixture("Membership Center") {}

  // A person with a Network account, signed in at the Membership Center (no profile yet).
  struct Person {
    Browser network;
    Browser site;
  };
  Person SignedIn(const std::string& email, const std::string& given) {
    Person p{Browser(network_.port(), network_.origin()), Browser(port_, origin_)};
    SignUpForm form{email, kPassword};
    form.given_name = given;
    EXPECT_EQ(SignUpWithMail(p.network, network_, form).status, 303);
    HttpResult login = p.site.Get("/login");
    std::string authorize = PathOn(login.Header("location").value_or(""), network_.origin());
    HttpResult at_network = p.network.Get(authorize);
    std::string callback = PathOn(at_network.Header("location").value_or(""), origin_);
    EXPECT_EQ(callback.rfind("/callback?", 0), 0u) << at_network.Header("location").value_or("");
    EXPECT_EQ(p.site.Get(callback).status, 302);
    return p;
  }

  HttpResult Post(Browser& b, const std::string& page, const std::string& target,
                  std::vector<std::pair<std::string, std::string>> fields) {
    fields.emplace_back("form_token", FormToken(b.Get(page).body));
    return b.PostForm(target, fields);
  }

  // Completes the profile and enrols an organization; returns its id.
  std::string Enrolled(Person& p, const std::string& name) {
    EXPECT_EQ(
        Post(p.site, "/profile", "/profile",
             {{"name", name}, {"job_title", "Director"}, {"preferred_email", "x@example.com"}})
            .status,
        303);
    HttpResult enrolled = Post(p.site, "/enrol", "/enrol",
                               {{"name", name + " Ltd"}, {"country", "GB"}, {"hq_city", "London"}});
    EXPECT_EQ(enrolled.status, 303) << enrolled.body;
    std::string location = enrolled.Header("location").value_or("");
    EXPECT_EQ(location.rfind("/organization?id=org_", 0), 0u) << location;
    return location.substr(std::string("/organization?id=").size());
  }

  // The headers and decoded text of the message to `to` in the site's drop folder, or "".
  std::string MailTo(const std::string& to) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir_ + "/mail", ec)) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      std::string mime = text.str();
      if (mime.find("To: <" + to + ">") == std::string::npos) continue;
      size_t part = mime.find("Content-Type: text/plain");
      size_t start = mime.find("\r\n\r\n", part) + 4;
      std::string encoded;
      for (char c : mime.substr(start, mime.find("\r\n--", start) - start))
        if (c != '\r' && c != '\n') encoded += c;
      return mime.substr(0, part) + crypto::Base64Decode(encoded).value_or("");
    }
    return "";
  }
};

TEST_F(MembersSiteTest, AFirstVisitCompletesAProfileEnrolsAndAddsALocation) {
  Person ada = SignedIn("ada.mc@example.com", "Ada");
  HttpResult first = ada.site.Get("/");
  EXPECT_EQ(first.status, 303);
  EXPECT_EQ(first.Header("location").value_or(""), "/profile");
  HttpResult profile = ada.site.Get("/profile");
  EXPECT_THAT(profile.body, HasSubstr("Complete your profile"));
  EXPECT_THAT(profile.body, HasSubstr("value=\"Ada Lovelace\""));        // from the claims
  EXPECT_THAT(profile.body, HasSubstr("value=\"ada.mc@example.com\""));  // preferred e-mail
  std::string org = Enrolled(ada, "Ada Lovelace");

  HttpResult page = ada.site.Get("/organization?id=" + org);
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("Ada Lovelace Ltd"));
  EXPECT_THAT(page.body, HasSubstr("Global Administrator"));
  EXPECT_THAT(page.body, HasSubstr("Headquarters (headquarters)"));
  HttpResult added = Post(
      ada.site, "/organization?id=" + org, "/locations/add",
      {{"organization", org}, {"name", "Manchester"}, {"city", "Manchester"}, {"country", "GB"}});
  EXPECT_EQ(added.status, 303);
  EXPECT_THAT(ada.site.Get("/organization?id=" + org).body, HasSubstr("Manchester"));
  HttpResult people = ada.site.Get("/people?org=" + org);
  ASSERT_EQ(people.status, 200);
  EXPECT_THAT(people.body, HasSubstr("Ada Lovelace, Director"));
  EXPECT_THAT(people.body, HasSubstr("primary"));
  HttpResult audit = ada.site.Get("/audit?org=" + org);
  ASSERT_EQ(audit.status, 200);
  EXPECT_THAT(audit.body, HasSubstr("organization.enrolled"));
  EXPECT_THAT(audit.body, HasSubstr("location.added"));
  EXPECT_THAT(ada.site.Get("/").body, HasSubstr("Ada Lovelace Ltd"));
}

TEST_F(MembersSiteTest, OrganizationPagesAreRefusedToPeopleWithoutRightsThere) {
  Person ada = SignedIn("ada.ac@example.com", "Ada");
  std::string org = Enrolled(ada, "Ada");
  Person grace = SignedIn("grace.ac@example.com", "Grace");
  std::string own = Enrolled(grace, "Grace");
  // Grace belongs to her own organization only: Ada's is closed to her, route by route.
  for (const std::string& target :
       {"/organization?id=" + org, "/people?org=" + org, "/audit?org=" + org}) {
    HttpResult r = grace.site.Get(target);
    EXPECT_EQ(r.status, 403) << target;
    EXPECT_THAT(r.body, Not(HasSubstr("Ada Ltd"))) << target;
  }
  HttpResult forged =
      Post(grace.site, "/organization?id=" + own, "/locations/add",
           {{"organization", org}, {"name", "Rogue"}, {"city", "X"}, {"country", "GB"}});
  EXPECT_EQ(forged.status, 403);
  EXPECT_THAT(ada.site.Get("/organization?id=" + org).body, Not(HasSubstr("Rogue")));
  // Signed out, nothing is shown either.
  Browser stranger(port_, origin_);
  EXPECT_NE(stranger.Get("/people?org=" + org).status, 200);
  EXPECT_NE(stranger.Get("/audit?org=" + org).status, 200);
}

// The value of the input `name` on `html`.
std::string InputValue(const std::string& html, const std::string& id) {
  std::regex pattern("id=\"" + id + "\" readonly value=\"([^\"]*)\"");
  std::smatch m;
  return std::regex_search(html, m, pattern) ? std::string(m[1]) : "";
}

TEST_F(MembersSiteTest, AnInvitedLocationAdministratorAndAnApprovedRequestJoinWithinTheirRights) {
  Person ada = SignedIn("ada.join@example.com", "Ada");
  std::string org = Enrolled(ada, "Ada");
  ASSERT_EQ(Post(ada.site, "/organization?id=" + org, "/locations/add",
                 {{"organization", org}, {"name", "North"}, {"city", "Leeds"}, {"country", "GB"}})
                .status,
            303);
  HttpResult page = ada.site.Get("/organization?id=" + org);
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(page.body, m, std::regex(R"re(<option value="(loc_[^"]+)">North)re")));
  std::string north = m[1];
  ASSERT_TRUE(std::regex_search(page.body, m,
                                std::regex(R"re(<option value="(loc_[^"]+)">Headquarters)re")));
  std::string hq = m[1];

  // Ada invites Babbage to North as its Location Administrator.
  HttpResult invited = Post(ada.site, "/organization?id=" + org, "/invitations/add",
                            {{"organization", org},
                             {"email", "Babbage.Join@example.com"},
                             {"location", north},
                             {"rights", "location"}});
  ASSERT_EQ(invited.status, 200) << invited.body;
  std::string link = PathOn(InputValue(invited.body, "invitation-link"), origin_);
  ASSERT_EQ(link.rfind("/invitation?token=", 0), 0u) << invited.body;
  // The invitation is also mailed to the invited address, with the same link.
  EXPECT_THAT(invited.body, HasSubstr("We are mailing the invitation"));
  ASSERT_EQ(*site_->courier().DeliverDue(), 1);
  std::string mail = MailTo("Babbage.Join@example.com");
  EXPECT_THAT(mail, HasSubstr("Subject: Invitation to join Ada Ltd"));
  EXPECT_THAT(mail, HasSubstr(origin_ + link));

  // Babbage signs up at the Network with the invited address, opens the link, completes a
  // profile on the way, and accepts.
  Person babbage = SignedIn("babbage.join@example.com", "Charles");
  HttpResult opened = babbage.site.Get(link);
  ASSERT_EQ(opened.status, 303);
  std::string to_profile = opened.Header("location").value_or("");
  ASSERT_EQ(to_profile.rfind("/profile?return_to=", 0), 0u);
  HttpResult form = babbage.site.Get(to_profile);
  std::smatch rt;
  ASSERT_TRUE(
      std::regex_search(form.body, rt, std::regex(R"re(name="return_to" value="([^"]*)")re")));
  std::string return_to = rt[1];
  for (size_t at; (at = return_to.find("&amp;")) != std::string::npos;)
    return_to.replace(at, 5, "&");
  for (size_t at; (at = return_to.find("&#x3D;")) != std::string::npos;)
    return_to.replace(at, 6, "=");
  for (size_t at; (at = return_to.find("&#61;")) != std::string::npos;)
    return_to.replace(at, 5, "=");
  HttpResult saved = babbage.site.PostForm("/profile", {{"form_token", FormToken(form.body)},
                                                        {"name", "Charles Babbage"},
                                                        {"preferred_email", "cb@example.com"},
                                                        {"return_to", return_to}});
  ASSERT_EQ(saved.status, 303);
  EXPECT_EQ(saved.Header("location").value_or(""), link);
  HttpResult accept_page = babbage.site.Get(link);
  ASSERT_EQ(accept_page.status, 200);
  ASSERT_THAT(accept_page.body, HasSubstr("Accept the invitation"));
  std::smatch tok;
  ASSERT_TRUE(
      std::regex_search(accept_page.body, tok, std::regex(R"re(name="token" value="([^"]*)")re")));
  HttpResult accepted = babbage.site.PostForm(
      "/invitation/accept", {{"form_token", FormToken(accept_page.body)}, {"token", tok[1]}});
  ASSERT_EQ(accepted.status, 303) << accepted.body;
  EXPECT_THAT(babbage.site.Get("/organization?id=" + org).body,
              HasSubstr("Location Administrator: North"));
  // The link worked once.
  EXPECT_EQ(babbage.site.Get(link).status, 410);

  // Babbage administers North only.
  EXPECT_EQ(babbage.site.Get("/people?org=" + org + "&location=" + north).status, 200);
  EXPECT_EQ(babbage.site.Get("/people?org=" + org + "&location=" + hq).status, 403);
  EXPECT_EQ(babbage.site.Get("/audit?org=" + org).status, 403);
  EXPECT_EQ(Post(babbage.site, "/organization?id=" + org, "/invitations/add",
                 {{"organization", org}, {"email", "c@example.com"}, {"location", north}})
                .status,
            200);
  EXPECT_EQ(Post(babbage.site, "/organization?id=" + org, "/invitations/add",
                 {{"organization", org}, {"email", "c@example.com"}, {"location", hq}})
                .status,
            403);
  EXPECT_EQ(Post(babbage.site, "/organization?id=" + org, "/invitations/add",
                 {{"organization", org},
                  {"email", "c@example.com"},
                  {"location", north},
                  {"rights", "global"}})
                .status,
            403);

  // Dora asks to join North; Babbage sees and approves; Dora administers nothing.
  Person dora = SignedIn("dora.join@example.com", "Dora");
  ASSERT_EQ(Post(dora.site, "/profile", "/profile",
                 {{"name", "Dora"}, {"preferred_email", "dora@example.com"}})
                .status,
            303);
  ASSERT_EQ(Post(dora.site, "/join", "/join",
                 {{"location", org + "|" + north}, {"message", "I work in Leeds"}})
                .status,
            200);
  HttpResult with_request = babbage.site.Get("/organization?id=" + org);
  ASSERT_THAT(with_request.body, HasSubstr("I work in Leeds"));
  ASSERT_THAT(with_request.body, HasSubstr("dora.join@example.com"));
  std::smatch req;
  ASSERT_TRUE(std::regex_search(with_request.body, req,
                                std::regex(R"re(name="request" value="(req_[^"]+)")re")));
  HttpResult decided =
      babbage.site.PostForm("/requests/decide", {{"form_token", FormToken(with_request.body)},
                                                 {"organization", org},
                                                 {"request", req[1]},
                                                 {"decision", "approve"}});
  EXPECT_EQ(decided.status, 303);
  EXPECT_THAT(dora.site.Get("/organization?id=" + org).body, HasSubstr("No administrative rights"));
  EXPECT_EQ(dora.site.Get("/people?org=" + org).status, 403);

  // An invitation for another address is refused to whoever holds the link.
  HttpResult for_someone =
      Post(ada.site, "/organization?id=" + org, "/invitations/add",
           {{"organization", org}, {"email", "zed@example.com"}, {"location", hq}});
  std::string other_link = PathOn(InputValue(for_someone.body, "invitation-link"), origin_);
  HttpResult wrong = dora.site.Get(other_link);
  EXPECT_THAT(wrong.body, HasSubstr("Sign out, then sign in"));
  std::smatch other_token;
  ASSERT_TRUE(std::regex_search(other_link, other_token, std::regex("token=(.*)$")));
  EXPECT_EQ(dora.site
                .PostForm("/invitation/accept",
                          {{"form_token", FormToken(wrong.body)}, {"token", other_token[1]}})
                .status,
            403);
  // Every step is in the audit log.
  HttpResult audit = ada.site.Get("/audit?org=" + org);
  for (const char* action : {"invitation.sent", "invitation.accepted", "request.sent",
                             "request.approved", "location.added", "organization.enrolled"})
    EXPECT_THAT(audit.body, HasSubstr(action));
}

TEST_F(MembersSiteTest, RightsRolesAndThePrimaryContactChangeOnlyAsTheRulesAllow) {
  Person ada = SignedIn("ada.rights@example.com", "Ada");
  std::string org = Enrolled(ada, "Ada");
  std::smatch m;
  HttpResult page = ada.site.Get("/organization?id=" + org);
  ASSERT_TRUE(std::regex_search(page.body, m,
                                std::regex(R"re(<option value="(loc_[^"]+)">Headquarters)re")));
  std::string hq = m[1];
  std::string ada_id;
  ASSERT_TRUE(
      std::regex_search(page.body, m, std::regex(R"re(name="individual" value="(ind_[^"]+)")re")));
  ada_id = m[1];
  // Babbage joins the headquarters as its Location Administrator (invitation, accepted).
  HttpResult invited = Post(ada.site, "/organization?id=" + org, "/invitations/add",
                            {{"organization", org},
                             {"email", "babbage.rights@example.com"},
                             {"location", hq},
                             {"rights", "location"}});
  std::string link = PathOn(InputValue(invited.body, "invitation-link"), origin_);
  Person babbage = SignedIn("babbage.rights@example.com", "Charles");
  ASSERT_EQ(Post(babbage.site, "/profile", "/profile",
                 {{"name", "Charles Babbage"}, {"preferred_email", "cb@example.com"}})
                .status,
            303);
  HttpResult accept_page = babbage.site.Get(link);
  ASSERT_TRUE(
      std::regex_search(accept_page.body, m, std::regex(R"re(name="token" value="([^"]*)")re")));
  ASSERT_EQ(babbage.site
                .PostForm("/invitation/accept",
                          {{"form_token", FormToken(accept_page.body)}, {"token", m[1]}})
                .status,
            303);
  HttpResult people = ada.site.Get("/people?org=" + org);
  std::string babbage_id;
  const std::regex individual(R"re(name="individual" value="(ind_[^"]+)")re");
  for (std::sregex_iterator it(people.body.begin(), people.body.end(), individual), end; it != end;
       ++it)
    if ((*it)[1] != ada_id) babbage_id = (*it)[1];
  ASSERT_FALSE(babbage_id.empty());

  auto change = [&](Person& who, const std::string& action,
                    std::vector<std::pair<std::string, std::string>> fields) {
    fields.emplace_back("organization", org);
    return Post(who.site, "/organization?id=" + org, action, fields).status;
  };
  // Babbage cannot raise his own rights, nor assign roles.
  EXPECT_EQ(change(babbage, "/members/rights", {{"individual", babbage_id}, {"rights", "global"}}),
            403);
  EXPECT_EQ(change(babbage, "/members/roles", {{"individual", babbage_id}, {"role", "billing"}}),
            403);
  // Ada cannot leave: she is the Primary Program Contact and the only Global Administrator.
  EXPECT_EQ(change(ada, "/members/remove", {{"individual", ada_id}}), 400);
  // She hands the primary role to Babbage; still the last Global Administrator, she stays.
  EXPECT_EQ(change(ada, "/members/primary", {{"individual", babbage_id}}), 303);
  EXPECT_EQ(change(ada, "/members/remove", {{"individual", ada_id}}), 400);
  EXPECT_EQ(change(ada, "/members/rights", {{"individual", ada_id}, {"rights", "none"}}), 400);
  // Once Babbage is Global Administrator too, Ada may leave.
  EXPECT_EQ(change(ada, "/members/rights", {{"individual", babbage_id}, {"rights", "global"}}),
            303);
  EXPECT_EQ(change(ada, "/members/roles", {{"individual", babbage_id}, {"role", "billing"}}), 303);
  HttpResult after = babbage.site.Get("/people?org=" + org);
  EXPECT_THAT(after.body, HasSubstr("primary, billing"));
  EXPECT_EQ(change(ada, "/members/remove", {{"individual", ada_id}}), 303);
  EXPECT_EQ(ada.site.Get("/organization?id=" + org).status, 403);
  HttpResult audit = babbage.site.Get("/audit?org=" + org);
  for (const char* action :
       {"primary_contact.handed_over", "rights.changed", "roles.changed", "member.removed"})
    EXPECT_THAT(audit.body, HasSubstr(action));
}

TEST_F(MembersSiteTest, FormsFromAnotherOriginAreRefusedAndReturnPathsStayOnTheSite) {
  Person ada = SignedIn("ada.origin@example.com", "Ada");
  std::string cookie = ada.site.Cookie("__Host-members-session").value_or("");
  ASSERT_FALSE(cookie.empty());
  std::string token = FormToken(ada.site.Get("/profile").body);
  std::vector<std::pair<std::string, std::string>> fields = {
      {"form_token", token}, {"name", "Ada"}, {"preferred_email", "ada@example.com"}};
  Browser evil(port_, "https://evil.example");
  evil.SetCookie("__Host-members-session", cookie);
  EXPECT_EQ(evil.PostForm("/profile", fields).status, 403);
  // Our own pages send Referrer-Policy: no-referrer, so browsers say "Origin: null" there.
  Browser own(port_, "null");
  own.SetCookie("__Host-members-session", cookie);
  HttpResult saved = own.PostForm("/profile", fields);
  EXPECT_EQ(saved.status, 303);
  for (const char* evil_path : {"//evil.example/", "/\\evil.example", "/\t/evil.example",
                                "https://evil.example/", "javascript:alert(1)"})
    EXPECT_EQ(rp::SafeSitePath(evil_path), "/") << evil_path;
  EXPECT_EQ(rp::SafeSitePath("/invitation?token=abc"), "/invitation?token=abc");
}

TEST_F(MembersSiteTest, CompanyEmailIsRecommendedAndCanBeRequired) {
  Person ada = SignedIn("ada.m7@example.com", "Ada");
  std::string org = Enrolled(ada, "Ada");
  EXPECT_THAT(ada.site.Get("/profile").body, Not(HasSubstr("company-email")));
  HttpResult set = Post(ada.site, "/organization?id=" + org, "/organization/settings",
                        {{"organization", org}, {"company_email_required", "on"}});
  EXPECT_EQ(set.status, 303);
  EXPECT_THAT(ada.site.Get("/organization?id=" + org).body, HasSubstr("checked"));
  // Gina signs in with a private mailbox: told at her profile, refused when asking to join.
  Person gina = SignedIn("gina.m7@gmail.com", "Gina");
  EXPECT_THAT(gina.site.Get("/profile").body, HasSubstr("Use your company e-mail address"));
  ASSERT_EQ(Post(gina.site, "/profile", "/profile",
                 {{"name", "Gina"}, {"preferred_email", "gina.m7@gmail.com"}})
                .status,
            303);
  HttpResult join = gina.site.Get("/join");
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(join.body, m, std::regex(R"re(<option value="([^"]+)">Ada Ltd)re")));
  HttpResult asked = gina.site.PostForm(
      "/join", {{"form_token", FormToken(join.body)}, {"location", m[1]}, {"message", ""}});
  EXPECT_EQ(asked.status, 400);
  EXPECT_THAT(asked.body, HasSubstr("company e-mail address"));
  // Without the setting she may ask, and the administrators see the mailbox is private.
  ASSERT_EQ(
      Post(ada.site, "/organization?id=" + org, "/organization/settings", {{"organization", org}})
          .status,
      303);
  EXPECT_EQ(gina.site
                .PostForm("/join", {{"form_token", FormToken(gina.site.Get("/join").body)},
                                    {"location", m[1]},
                                    {"message", ""}})
                .status,
            200);
  EXPECT_THAT(ada.site.Get("/organization?id=" + org).body, HasSubstr("a private mailbox"));
  // The setting is a Global Administrator's.
  EXPECT_EQ(Post(gina.site, "/", "/organization/settings",
                 {{"organization", org}, {"company_email_required", "on"}})
                .status,
            403);
}

// The access-control matrix (issue: "every administration route × every kind of person"): direct
// requests, not links, decided on the server. Kinds: Global Administrator, Location
// Administrator of the location concerned, Location Administrator of another location, plain
// member, member of another organization, signed out.
// Whether `r` is one of the site's refusals: 403, or a redirect to the dashboard or sign-in.
bool Refused(const HttpResult& r) {
  std::string location = r.Header("location").value_or("");
  return r.status == 403 ||
         (r.status == 303 && (location == "/" || location.rfind("/login", 0) == 0));
}

TEST_F(MembersSiteTest, AnInvitationPrefillsTheNetworksSignUpWithTheInvitedAddress) {
  Person ada = SignedIn("ada.hint@example.com", "Ada");
  std::string org = Enrolled(ada, "Ada");
  HttpResult page = ada.site.Get("/organization?id=" + org);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page.body, m,
                                std::regex(R"re(<option value="(loc_[^"]+)">Headquarters)re")));
  HttpResult invited = Post(ada.site, "/organization?id=" + org, "/invitations/add",
                            {{"organization", org},
                             {"email", "newcomer.hint@example.com"},
                             {"location", m[1]},
                             {"rights", "none"}});
  std::string link = PathOn(InputValue(invited.body, "invitation-link"), origin_);
  ASSERT_FALSE(link.empty()) << invited.body;

  // A stranger's browser: the invitation offers sign-up with the invited address as the hint.
  Browser stranger_site(port_, origin_);
  Browser stranger_network(network_.port(), network_.origin());
  HttpResult offer = stranger_site.Get(link);
  ASSERT_EQ(offer.status, 200);
  ASSERT_TRUE(std::regex_search(offer.body, m, std::regex(R"re(id="signup" href="([^"]+)")re")));
  std::string signup = std::regex_replace(std::string(m[1]), std::regex("&amp;"), "&");
  EXPECT_THAT(signup, HasSubstr("login_hint=newcomer.hint%40example.com"));
  HttpResult to_network = stranger_site.Get(signup);
  ASSERT_EQ(to_network.status, 302);
  std::string authorize = PathOn(to_network.Header("location").value_or(""), network_.origin());
  EXPECT_THAT(authorize, HasSubstr("prompt=create"));
  EXPECT_THAT(authorize, HasSubstr("login_hint=newcomer.hint%40example.com"));
  HttpResult to_signup = stranger_network.Get(authorize);
  std::string form = to_signup.Header("location").value_or("");
  ASSERT_EQ(form.rfind("/signup?", 0), 0u) << form;
  HttpResult signup_page = stranger_network.Get(form);
  ASSERT_EQ(signup_page.status, 200);
  EXPECT_THAT(signup_page.body, HasSubstr("value=\"newcomer.hint@example.com\""));

  // A hint that is not an address is dropped by the site.
  HttpResult odd = stranger_site.Get("/signup?login_hint=%3Cscript%3E");
  EXPECT_THAT(odd.Header("location").value_or(""), Not(HasSubstr("login_hint")));
}

class MembersMatrixTest : public MembersSiteTest {
 protected:
  // The organization of the access-control matrix: Gail, its Global Administrator, with the
  // locations Headquarters and North, and one person of every kind the matrix asks about.
  struct MatrixCast {
    std::string org, north, hq;
    std::unique_ptr<Person> global, local, elsewhere, member, foreign;
    std::unique_ptr<Browser> signed_out;

    std::vector<std::pair<std::string, Browser*>> Kinds() const {
      return {{"global", &global->site},       {"local", &local->site},
              {"elsewhere", &elsewhere->site}, {"member", &member->site},
              {"foreign", &foreign->site},     {"signed out", signed_out.get()}};
    }
  };

  // Gail invites `email` to `location` with `rights`; the person signs up at the Network,
  // completes a profile and accepts.
  Person Joined(const std::string& email, const std::string& name, const std::string& location,
                const std::string& rights) {
    HttpResult invited =
        Post(cast_.global->site, "/organization?id=" + cast_.org, "/invitations/add",
             {{"organization", cast_.org},
              {"email", email},
              {"location", location},
              {"rights", rights}});
    std::string link = PathOn(InputValue(invited.body, "invitation-link"), origin_);
    Person p = SignedIn(email, name);
    EXPECT_EQ(
        Post(p.site, "/profile", "/profile", {{"name", name}, {"preferred_email", email}}).status,
        303);
    HttpResult accept_page = p.site.Get(link);
    std::smatch t;
    EXPECT_TRUE(
        std::regex_search(accept_page.body, t, std::regex(R"re(name="token" value="([^"]*)")re")));
    EXPECT_EQ(p.site
                  .PostForm("/invitation/accept",
                            {{"form_token", FormToken(accept_page.body)}, {"token", t[1]}})
                  .status,
              303);
    return p;
  }

  void Cast() {
    cast_.global = std::make_unique<Person>(SignedIn("global.acm@example.com", "Gail"));
    cast_.org = Enrolled(*cast_.global, "Gail");
    ASSERT_EQ(
        Post(cast_.global->site, "/organization?id=" + cast_.org, "/locations/add",
             {{"organization", cast_.org}, {"name", "North"}, {"city", "Leeds"}, {"country", "GB"}})
            .status,
        303);
    std::smatch m;
    HttpResult page = cast_.global->site.Get("/organization?id=" + cast_.org);
    ASSERT_TRUE(
        std::regex_search(page.body, m, std::regex(R"re(<option value="(loc_[^"]+)">North)re")));
    cast_.north = m[1];
    ASSERT_TRUE(std::regex_search(page.body, m,
                                  std::regex(R"re(<option value="(loc_[^"]+)">Headquarters)re")));
    cast_.hq = m[1];
    cast_.local =
        std::make_unique<Person>(Joined("local.acm@example.com", "Lou", cast_.north, "location"));
    cast_.elsewhere =
        std::make_unique<Person>(Joined("other.acm@example.com", "Otto", cast_.hq, "location"));
    cast_.member =
        std::make_unique<Person>(Joined("member.acm@example.com", "Meg", cast_.north, "none"));
    cast_.foreign = std::make_unique<Person>(SignedIn("foreign.acm@example.com", "Fay"));
    Enrolled(*cast_.foreign, "Fay");
    cast_.signed_out = std::make_unique<Browser>(port_, origin_);
  }

  // The id of the person called `name` on Gail's people page for North.
  std::string IndividualAtNorth(const std::string& name) {
    HttpResult people =
        cast_.global->site.Get("/people?org=" + cast_.org + "&location=" + cast_.north);
    std::smatch m;
    const std::regex row("<tr><td>" + name +
                         R"re(</td>[\s\S]*?name="individual" value="(ind_[^"]+)")re");
    EXPECT_TRUE(std::regex_search(people.body, m, row)) << name;
    return m[1];
  }

  // POSTs `fields` to `action` for the organization, with a form token of the sender's session.
  HttpResult PostAs(Browser& browser, const std::string& action,
                    std::vector<std::pair<std::string, std::string>> fields) {
    fields.emplace_back("organization", cast_.org);
    fields.emplace_back("form_token", FormToken(browser.Get("/").body));
    return browser.PostForm(action, fields);
  }

  MatrixCast cast_;
};

TEST_F(MembersMatrixTest, EveryAdministrationRouteForEveryKindOfPerson) {
  ASSERT_NO_FATAL_FAILURE(Cast());
  const std::string& org = cast_.org;
  const std::string& north = cast_.north;
  Joined("target.acm@example.com", "Max", north, "none");
  // Max, another plain member at North, is the target of the rights and roles cells (so that
  // no cell changes the rights of a person whose own cells follow).
  std::string target_id = IndividualAtNorth("Max");

  struct Cell {
    std::string name;
    std::string method;  // a GET target, or a POST action
    std::vector<std::pair<std::string, std::string>> fields;
    std::set<std::string> allowed;  // kinds of person
  };
  const std::vector<Cell> cells = {
      {"people", "/people?org=" + org, {}, {"global", "local", "elsewhere"}},
      {"people of North", "/people?org=" + org + "&location=" + north, {}, {"global", "local"}},
      {"audit log", "/audit?org=" + org, {}, {"global"}},
      {"add a location",
       "/locations/add",
       {{"name", "South"}, {"city", "Bristol"}, {"country", "GB"}},
       {"global"}},
      {"edit North",
       "/locations/edit",
       {{"location", north}, {"name", "North"}, {"city", "Leeds"}, {"country", "GB"}},
       {"global", "local"}},
      {"edit the organization",
       "/organization/edit",
       {{"name", "Gail Ltd"}, {"country", "GB"}},
       {"global"}},
      {"company e-mail setting", "/organization/settings", {}, {"global"}},
      {"invite to North",
       "/invitations/add",
       {{"email", "new.acm@example.com"}, {"location", north}, {"rights", "none"}},
       {"global", "local"}},
      {"make Max Location Administrator",
       "/members/rights",
       {{"individual", target_id}, {"rights", "location"}},
       {"global", "local"}},
      {"give Max a contact role",
       "/members/roles",
       {{"individual", target_id}, {"role", "sales"}},
       {"global"}},
  };
  for (const Cell& cell : cells) {
    for (auto& [kind, browser] : cast_.Kinds()) {
      bool is_get = cell.method.rfind("/people", 0) == 0 || cell.method.rfind("/audit", 0) == 0;
      HttpResult r =
          is_get ? browser->Get(cell.method) : PostAs(*browser, cell.method, cell.fields);
      std::string where = cell.name + " by " + kind;
      if (cell.allowed.count(kind)) {
        EXPECT_TRUE(r.status == 200 || (r.status == 303 && !Refused(r)))
            << where << ": " << r.status << " " << r.Header("location").value_or("");
      } else {
        EXPECT_TRUE(Refused(r)) << where << ": " << r.status << " "
                                << r.Header("location").value_or("");
        EXPECT_THAT(r.body, Not(HasSubstr("people-table"))) << where;
        EXPECT_THAT(r.body, Not(HasSubstr("audit-table"))) << where;
      }
    }
  }
}

// The actions that use up what they act on: withdrawing an invitation, deciding a request,
// removing a person, handing over the Primary Program Contact role. Every refused kind of person
// tries the same object, which must survive them all; every allowed kind acts on an object of
// its own, which must be gone (or changed) afterwards.
TEST_F(MembersMatrixTest, EveryOneTimeActionForEveryKindOfPerson) {
  ASSERT_NO_FATAL_FAILURE(Cast());
  const std::string& org = cast_.org;
  const std::string& north = cast_.north;
  Browser& gail = cast_.global->site;
  int made = 0;
  auto unique = [&made](const std::string& what) {
    return what + std::to_string(++made) + ".acm@example.com";
  };
  auto org_page = [&] { return gail.Get("/organization?id=" + org).body; };

  using Fields = std::vector<std::pair<std::string, std::string>>;
  struct Cell {
    std::string name;
    std::string action;
    std::set<std::string> allowed;
    std::function<Fields()> make;               // a fresh object for the cell
    std::function<bool(const Fields&)> intact;  // the object is as it was made
  };

  auto invitation = [&]() -> Fields {
    std::string email = unique("invitee");
    Post(gail, "/organization?id=" + org, "/invitations/add",
         {{"organization", org}, {"email", email}, {"location", north}, {"rights", "none"}});
    std::smatch m;
    std::string page = org_page();
    std::regex item("<li>" + std::regex_replace(email, std::regex(R"([.+])"), R"(\$&)") +
                    R"re( \(North\)[\s\S]*?name="invitation" value="([^"]+)")re");
    EXPECT_TRUE(std::regex_search(page, m, item)) << email;
    return {{"invitation", m[1]}};
  };
  auto invitation_open = [&](const Fields& f) {
    return org_page().find("value=\"" + f[0].second + "\"") != std::string::npos;
  };
  auto request = [&]() -> Fields {
    std::string email = unique("asker");
    Person asker = SignedIn(email, "Asa");
    Post(asker.site, "/profile", "/profile", {{"name", "Asa"}, {"preferred_email", email}});
    EXPECT_EQ(Post(asker.site, "/join", "/join", {{"location", org + "|" + north}}).status, 200);
    std::smatch m;
    std::string page = org_page();
    std::regex card(std::regex_replace(email, std::regex(R"([.+])"), R"(\$&)") +
                    R"re([\s\S]*?name="request" value="(req_[^"]+)")re");
    EXPECT_TRUE(std::regex_search(page, m, card)) << email;
    return {{"request", m[1]}, {"decision", "decline"}};
  };
  auto request_open = [&](const Fields& f) {
    return org_page().find("value=\"" + f[0].second + "\"") != std::string::npos;
  };
  auto member = [&]() -> Fields {
    std::string name = "Rem" + std::to_string(made + 1);
    Joined(unique("removable"), name, north, "none");
    return {{"individual", IndividualAtNorth(name)}};
  };
  auto still_member = [&](const Fields& f) {
    return gail.Get("/people?org=" + org).body.find("value=\"" + f[0].second + "\"") !=
           std::string::npos;
  };
  // Hand-over goes to Meg, the plain member; it is intact while Gail holds the role.
  auto meg = [&]() -> Fields { return {{"individual", IndividualAtNorth("Meg")}}; };
  auto gail_primary = [&](const Fields&) {
    return gail.Get("/people?org=" + org + "&role=primary").body.find("<tr><td>Gail, Director") !=
           std::string::npos;
  };

  const std::vector<Cell> cells = {
      {"withdraw an invitation to North",
       "/invitations/revoke",
       {"global", "local"},
       invitation,
       invitation_open},
      {"decline a request to join North",
       "/requests/decide",
       {"global", "local"},
       request,
       request_open},
      {"remove a member at North", "/members/remove", {"global", "local"}, member, still_member},
      {"hand the Primary Program Contact role to Meg",
       "/members/primary",
       {"global"},
       meg,
       gail_primary},
  };
  for (const Cell& cell : cells) {
    Fields shared = cell.make();
    // The refused kinds first, so that an allowed change cannot hide a refusal that failed.
    auto kinds = cast_.Kinds();
    std::stable_partition(kinds.begin(), kinds.end(),
                          [&](const auto& k) { return !cell.allowed.count(k.first); });
    for (auto& [kind, browser] : kinds) {
      bool allowed = cell.allowed.count(kind) > 0;
      Fields fields = allowed ? cell.make() : shared;
      HttpResult r = PostAs(*browser, cell.action, fields);
      std::string where = cell.name + " by " + kind;
      if (allowed) {
        EXPECT_TRUE(r.status == 303 && !Refused(r))
            << where << ": " << r.status << " " << r.Header("location").value_or("");
        EXPECT_FALSE(cell.intact(fields)) << where << ": nothing happened";
      } else {
        EXPECT_TRUE(Refused(r)) << where << ": " << r.status << " "
                                << r.Header("location").value_or("");
        EXPECT_TRUE(cell.intact(shared)) << where << ": the refused action happened";
      }
    }
  }
}

TEST_F(MembersSiteTest, AFormWithoutItsTokenIsRefused) {
  Person ada = SignedIn("ada.csrf@example.com", "Ada");
  HttpResult r = ada.site.PostForm(
      "/profile",
      {{"name", "Mallory"}, {"preferred_email", "m@example.com"}, {"form_token", "forged"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(ada.site.Get("/").status, 303);  // still no profile
}

}  // namespace
}  // namespace portico::testing
