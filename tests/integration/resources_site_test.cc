// Single sign-on across sites (MISSION P1, N8): the partner resources site signs people in
// through the Network over real HTTP — as any third-party site would — and signing out at
// either end ends both. Also the relying-party library's refusals (issue: RP library tests).
#include "resources_site.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "core/clock.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "flows.h"
#include "http/form.h"
#include "http/server.h"
#include "http_client.h"
#include "jose/jws.h"
#include "site_fixture.h"
#include "test_server.h"

namespace portico::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPassword[] = "correct horse battery staple";

class ResourcesSiteTest : public SiteFixture<resources::ResourcesSite, resources::ResourcesConfig> {
 protected:
  ResourcesSiteTest() : SiteFixture("Partner Resources") {}

  // The whole round trip: resources /login → Network /authorize → resources /callback.
  HttpResult SignInAtResources(Browser& site, Browser& network) {
    HttpResult login = site.Get("/login");
    EXPECT_EQ(login.status, 302);
    std::string authorize = PathOn(login.Header("location").value_or(""), network_.origin());
    EXPECT_EQ(authorize.rfind("/authorize?", 0), 0u);
    HttpResult at_network = network.Get(authorize);
    EXPECT_EQ(at_network.status, 302) << at_network.body;
    std::string callback = PathOn(at_network.Header("location").value_or(""), origin_);
    EXPECT_EQ(callback.rfind("/callback?", 0), 0u) << at_network.Header("location").value_or("");
    return site.Get(callback);
  }
};

TEST_F(ResourcesSiteTest, ASignedInPersonIsGreetedWithoutAPassword) {
  Browser network(network_.port(), network_.origin());
  ASSERT_EQ(
      SignUpWithMail(network, network_, {"ada.sso@example.com", kPassword, "/", "Ada", "Lovelace"})
          .status,
      303);
  Browser site(port_, origin_);
  EXPECT_THAT(site.Get("/").body, HasSubstr("Sign in with Portico"));
  HttpResult callback = SignInAtResources(site, network);
  ASSERT_EQ(callback.status, 302) << callback.body;
  HttpResult home = site.Get("/");
  EXPECT_THAT(home.body, HasSubstr("Hello, Ada Lovelace."));
  EXPECT_THAT(home.body, HasSubstr("ada.sso@example.com"));
}

TEST_F(ResourcesSiteTest, SigningOutAtTheNetworkEndsTheSitesSession) {
  Browser network(network_.port(), network_.origin());
  ASSERT_EQ(SignUpWithMail(network, network_,
                           {"grace.sso@example.com", kPassword, "/", "Grace", "Hopper"})
                .status,
            303);
  Browser site(port_, origin_);
  ASSERT_EQ(SignInAtResources(site, network).status, 302);
  ASSERT_THAT(site.Get("/").body, HasSubstr("Hello, Grace Hopper."));
  network.Get("/");
  ASSERT_EQ(network.PostForm("/signout", {{"csrf_token", network.csrf_token()}}).status, 303);
  // The back-channel logout was delivered before the sign-out answered.
  EXPECT_THAT(site.Get("/").body, Not(HasSubstr("Hello")));
}

TEST_F(ResourcesSiteTest, APasswordChangeOrALockEndsTheSitesSessionsToo) {
  Browser network(network_.port(), network_.origin());
  ASSERT_EQ(SignUpWithMail(network, network_,
                           {"mary.sso@example.com", kPassword, "/", "Mary", "Somerville"})
                .status,
            303);
  // A second device of hers is signed in to the site; the first changes the password.
  Browser other_device(network_.port(), network_.origin());
  other_device.Get("/signin");
  other_device.PostForm("/signin", {{"csrf_token", other_device.csrf_token()},
                                    {"email", "mary.sso@example.com"},
                                    {"password", kPassword}});
  Browser site(port_, origin_);
  ASSERT_EQ(SignInAtResources(site, other_device).status, 302);
  ASSERT_THAT(site.Get("/").body, HasSubstr("Hello, Mary Somerville."));
  network.Get("/account");
  ASSERT_EQ(network
                .PostForm("/account/password", {{"csrf_token", network.csrf_token()},
                                                {"current_password", kPassword},
                                                {"new_password", "an entirely new passphrase"}})
                .status,
            303);
  EXPECT_THAT(site.Get("/").body, Not(HasSubstr("Hello")));
  // Signed in again at the site, then the operator locks the account.
  ASSERT_EQ(SignInAtResources(site, network).status, 302);
  ASSERT_THAT(site.Get("/").body, HasSubstr("Hello, Mary Somerville."));
  auto account = network_.app().store().FindAccountByEmailKey("mary.sso@example.com");
  ASSERT_TRUE(account.ok());
  ASSERT_TRUE(network_.app().LockAccount(account->id).ok());
  EXPECT_THAT(site.Get("/").body, Not(HasSubstr("Hello")));
}

TEST_F(ResourcesSiteTest, SigningOutAtTheSiteEndsTheNetworkSessionToo) {
  Browser network(network_.port(), network_.origin());
  ASSERT_EQ(
      SignUpWithMail(network, network_, {"alan.sso@example.com", kPassword, "/", "Alan", "Turing"})
          .status,
      303);
  Browser site(port_, origin_);
  ASSERT_EQ(SignInAtResources(site, network).status, 302);
  HttpResult home = site.Get("/");
  HttpResult out = site.PostForm("/logout", {{"csrf_token", site.csrf_token()}});
  ASSERT_EQ(out.status, 303);
  std::string to_network = PathOn(out.Header("location").value_or(""), network_.origin());
  ASSERT_EQ(to_network.rfind("/logout?", 0), 0u);
  HttpResult back = network.Get(to_network);
  ASSERT_EQ(back.status, 302);
  EXPECT_EQ(back.Header("location").value_or(""), origin_ + "/");
  EXPECT_EQ(network.Get("/account").status, 303);
  EXPECT_THAT(site.Get("/").body, Not(HasSubstr("Hello")));
}

TEST_F(ResourcesSiteTest, ACallbackWithoutTheBrowsersLoginOrWithAForeignIssuerIsRefused) {
  Browser network(network_.port(), network_.origin());
  ASSERT_EQ(
      SignUpWithMail(network, network_, {"eve.sso@example.com", kPassword, "/", "Eve", "X"}).status,
      303);
  Browser victim(port_, origin_);
  HttpResult login = victim.Get("/login");
  std::string authorize = PathOn(*login.Header("location"), network_.origin());
  std::string callback = PathOn(*network.Get(authorize).Header("location"), origin_);
  // Another browser (no login cookie) presenting the callback: login CSRF refused.
  Browser attacker(port_, origin_);
  HttpResult stolen = attacker.Get(callback);
  EXPECT_EQ(stolen.status, 400);
  EXPECT_THAT(attacker.Get("/").body, Not(HasSubstr("Hello")));
  // The right browser, but the response claims another issuer (RFC 9207 mix-up): refused.
  std::string mixed = callback.substr(0, callback.find("&iss=")) +
                      "&iss=" + http::PercentEncode("https://other.example");
  EXPECT_EQ(victim.Get(mixed).status, 400);
  // A tampered state: refused.
  HttpResult login2 = victim.Get("/login");
  std::string callback2 =
      PathOn(*network.Get(PathOn(*login2.Header("location"), network_.origin())).Header("location"),
             origin_);
  size_t at = callback2.find("state=") + 6;
  std::string tampered = callback2;
  tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
  EXPECT_EQ(victim.Get(tampered).status, 400);
}

// ID token validation by the relying-party library: every claim the library must check.
class IdTokenValidationTest : public ResourcesSiteTest {
 protected:
  std::unique_ptr<rp::RelyingParty> Rp(const std::string& client_id) {
    rp::RpConfig config;
    config.issuer = network_.origin();
    config.client_id = client_id;
    config.redirect_uri = origin_ + "/callback";
    config.cookie_key = std::string(32, 'k');
    auto made = rp::RelyingParty::Create(config, client_, clock_, crypto::SecureRandom::Get());
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    return made.ok() ? std::move(*made) : nullptr;
  }
  std::string Sign(boost::json::object claims, jose::Algorithm alg = jose::Algorithm::kRS256) {
    auto snapshot = network_.app().keys().Current();
    return *jose::SignCompact(*network_.app().keys().Active(*snapshot, alg), claims, "JWT");
  }
  boost::json::object Good() {
    boost::json::object c;
    c["iss"] = network_.origin();
    c["aud"] = "site_a";
    c["sub"] = "acc_x";
    c["nonce"] = "n1";
    c["iat"] = clock_.NowSeconds();
    c["exp"] = clock_.NowSeconds() + 300;
    return c;
  }
  http::HttpClient client_;
  FakeClock clock_{SystemClock::Get().NowSeconds()};
};

TEST_F(IdTokenValidationTest, RefusesEveryBrokenClaim) {
  auto rp = Rp("site_a");
  ASSERT_NE(rp, nullptr);
  EXPECT_TRUE(rp->ValidateIdToken(Sign(Good()), "n1").ok());
  EXPECT_TRUE(rp->ValidateIdToken(Sign(Good(), jose::Algorithm::kEdDSA), "n1").ok());
  auto with = [&](const char* name, boost::json::value v) {
    auto c = Good();
    c[name] = std::move(v);
    return Sign(c);
  };
  EXPECT_EQ(rp->ValidateIdToken(with("iss", "https://other.example"), "n1").status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_FALSE(rp->ValidateIdToken(with("aud", "site_b"), "n1").ok());
  EXPECT_FALSE(rp->ValidateIdToken(with("exp", clock_.NowSeconds() - 120), "n1").ok());
  EXPECT_FALSE(rp->ValidateIdToken(with("azp", "site_b"), "n1").ok());
  EXPECT_FALSE(rp->ValidateIdToken(Sign(Good()), "other-nonce").ok());
  // A flipped signature byte, and a token signed by a key the Network never published.
  std::string token = Sign(Good());
  token[token.size() - 5] = token[token.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(rp->ValidateIdToken(token, "n1").ok());
  auto foreign = jose::SigningKey::Generate(jose::Algorithm::kRS256);
  ASSERT_TRUE(foreign.ok());
  EXPECT_FALSE(rp->ValidateIdToken(*jose::SignCompact(*foreign, Good(), "JWT"), "n1").ok());
}

TEST_F(IdTokenValidationTest, AnUnknownKidMakesTheLibraryFetchTheRotatedJwks) {
  auto rp = Rp("site_a");
  ASSERT_NE(rp, nullptr);
  ASSERT_TRUE(network_.app().keys().Rotate(jose::Algorithm::kRS256, 3600).ok());
  clock_.Advance(11);  // past the refetch limit
  EXPECT_TRUE(rp->ValidateIdToken(Sign(Good()), "n1").ok());
}

}  // namespace
}  // namespace portico::testing
