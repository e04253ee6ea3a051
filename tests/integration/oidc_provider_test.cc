// The OpenID Connect provider over real HTTP: discovery, the code flow with PKCE, the token
// endpoint's grants and client authentication, userinfo, and the attacks of SECURITY.md
// (redirect URI variants, PKCE downgrade, code replay under concurrency, refresh token reuse).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <mutex>
#include <set>
#include <thread>

#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "flows.h"
#include "http/form.h"
#include "http/router.h"
#include "http/server.h"
#include "http_client.h"
#include "identity/email_address.h"
#include "jose/jws.h"
#include "test_server.h"

namespace portico::testing {
namespace {

using ::testing::HasSubstr;
namespace json = boost::json;

constexpr char kPassword[] = "correct horse battery staple";
constexpr char kVerifier[] = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";  // RFC 7636 Appendix B
constexpr char kChallenge[] = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

json::object ParseObject(const std::string& body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  return !ec && v.is_object() ? v.as_object() : json::object();
}

std::string Str(const json::object& o, const char* name) {
  auto it = o.find(name);
  return it != o.end() && it->value().is_string() ? std::string(it->value().as_string())
                                                  : std::string();
}

// The value of query parameter `name` in a redirect Location.
std::string QueryParam(const std::string& location, const std::string& name) {
  size_t q = location.find('?');
  if (q == std::string::npos) return "";
  auto form = http::FormData::Parse(location.substr(q + 1));
  return form ? std::string(form->GetOr(name)) : "";
}

class OidcProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    oidc::ClientSpec spec;
    spec.name = "Membership Center";
    spec.redirect_uris = {"https://members.example/callback", "http://127.0.0.1:9000/cb"};
    spec.first_party = true;
    auto registered = server_.app().clients().Register(spec);
    ASSERT_TRUE(registered.ok()) << registered.status().ToString();
    client_id_ = registered->client.id;
    secret_ = registered->secret;
  }

  Browser SignedInBrowser(const std::string& email) {
    Browser b(server_.port(), server_.origin());
    HttpResult r = SignUpWithMail(b, server_, {email, kPassword});
    EXPECT_EQ(r.status, 303);
    return b;
  }

  std::string AuthorizeQuery(const std::string& extra = "") {
    return "/authorize?response_type=code&client_id=" + client_id_ +
           "&redirect_uri=" + http::PercentEncode("https://members.example/callback") +
           "&scope=openid%20profile%20email%20offline_access&state=xyz&nonce=n-0S6_WzA2Mj&code_"
           "challenge=" +
           kChallenge + "&code_challenge_method=S256" + extra;
  }

  HttpResult Token(const std::vector<std::pair<std::string, std::string>>& fields,
                   const std::string& auth) {
    Browser site(server_.port());
    std::vector<std::pair<std::string, std::string>> headers;
    if (!auth.empty()) headers.emplace_back("Authorization", auth);
    return site.PostForm("/token", fields, headers);
  }

  std::string Basic() { return "Basic " + crypto::Base64Encode(client_id_ + ":" + secret_); }

  // Registers a second confidential site and returns its Basic credentials ("" on failure).
  std::string OtherSiteBasic() {
    oidc::ClientSpec spec;
    spec.name = "Other";
    spec.redirect_uris = {"https://other.example/cb"};
    auto other = server_.app().clients().Register(spec);
    EXPECT_TRUE(other.ok()) << other.status().ToString();
    return other.ok() ? "Basic " + crypto::Base64Encode(other->client.id + ":" + other->secret)
                      : "";
  }

  // Registers a first-party site with opaque access tokens (design record 0018) and the
  // redirect URI https://opaque.example/cb. Returns its id and Basic credentials ("" on failure).
  std::pair<std::string, std::string> OpaqueSite() {
    oidc::ClientSpec spec;
    spec.name = "Opaque";
    spec.redirect_uris = {"https://opaque.example/cb"};
    spec.first_party = true;
    spec.access_token_format = oidc::kOpaqueAccessTokens;
    auto site = server_.app().clients().Register(spec);
    EXPECT_TRUE(site.ok()) << site.status().ToString();
    if (!site.ok()) return {};
    return {site->client.id, "Basic " + crypto::Base64Encode(site->client.id + ":" + site->secret)};
  }

  // Runs the code flow for a signed-in browser and returns the code.
  std::string Code(Browser& b, const std::string& extra = "") {
    HttpResult r = b.Get(AuthorizeQuery(extra));
    EXPECT_EQ(r.status, 302) << r.body;
    std::string location = r.Header("location").value_or("");
    EXPECT_EQ(location.rfind("https://members.example/callback?", 0), 0u) << location;
    return QueryParam(location, "code");
  }

  HttpResult Exchange(const std::string& code, const std::string& verifier = kVerifier) {
    std::vector<std::pair<std::string, std::string>> f = {
        {"grant_type", "authorization_code"},
        {"code", code},
        {"redirect_uri", "https://members.example/callback"}};
    if (!verifier.empty()) f.emplace_back("code_verifier", verifier);
    return Token(f, Basic());
  }

  HttpResult UserInfo(const std::string& access_token) {
    Browser site(server_.port());
    return site.Get("/userinfo", {{"Authorization", "Bearer " + access_token}});
  }

  TestServer server_;
  std::string client_id_;
  std::string secret_;
};

TEST_F(OidcProviderTest, DiscoveryDescribesTheProvider) {
  Browser b(server_.port());
  HttpResult r = b.Get("/.well-known/openid-configuration");
  ASSERT_EQ(r.status, 200);
  json::object d = ParseObject(r.body);
  EXPECT_EQ(Str(d, "issuer"), server_.origin());
  EXPECT_EQ(Str(d, "token_endpoint"), server_.origin() + "/token");
  EXPECT_EQ(Str(d, "jwks_uri"), server_.origin() + "/jwks");
  EXPECT_EQ(json::serialize(d["code_challenge_methods_supported"]), "[\"S256\"]");
  EXPECT_TRUE(d["authorization_response_iss_parameter_supported"].as_bool());
  HttpResult jwks = b.Get("/jwks");
  ASSERT_EQ(jwks.status, 200);
  auto keys = ParseObject(jwks.body)["keys"].as_array();
  std::set<std::string> algs;
  for (const auto& k : keys) {
    algs.insert(Str(k.as_object(), "alg"));
    EXPECT_FALSE(k.as_object().contains("d")) << "a private member is published";
  }
  EXPECT_EQ(algs, (std::set<std::string>{"RS256", "ES256", "EdDSA"}));
}

TEST_F(OidcProviderTest, CodeFlowIssuesVerifiableTokens) {
  Browser b = SignedInBrowser("flow@example.com");
  HttpResult auth = b.Get(AuthorizeQuery());
  ASSERT_EQ(auth.status, 302);
  std::string location = *auth.Header("location");
  EXPECT_EQ(QueryParam(location, "state"), "xyz");
  EXPECT_EQ(QueryParam(location, "iss"), server_.origin());  // RFC 9207
  HttpResult token = Exchange(QueryParam(location, "code"));
  ASSERT_EQ(token.status, 200) << token.body << QueryParam(location, "code");
  EXPECT_EQ(token.Header("cache-control").value_or(""), "no-store");
  json::object body = ParseObject(token.body);
  EXPECT_EQ(Str(body, "token_type"), "Bearer");
  EXPECT_FALSE(Str(body, "refresh_token").empty());

  // The ID token verifies against the published JWKS and says what OIDC Core §2 requires.
  auto jws = jose::DecodeCompact(Str(body, "id_token"));
  ASSERT_TRUE(jws.ok());
  auto snapshot = server_.app().keys().Current();
  bool verified = false;
  for (const auto& key : snapshot->published) verified = verified || jose::VerifyDecoded(*jws, key);
  EXPECT_TRUE(verified);
  EXPECT_EQ(Str(jws->header, "alg"), "RS256");
  const json::object& id = jws->payload;
  EXPECT_EQ(Str(id, "iss"), server_.origin());
  EXPECT_EQ(Str(id, "aud"), client_id_);
  EXPECT_EQ(Str(id, "azp"), client_id_);
  EXPECT_EQ(Str(id, "nonce"), "n-0S6_WzA2Mj");
  EXPECT_EQ(Str(id, "email"), "flow@example.com");
  EXPECT_THAT(Str(id, "sub"), ::testing::StartsWith("acc_"));
  EXPECT_TRUE(id.contains("auth_time"));
  EXPECT_FALSE(Str(id, "sid").empty());
  std::string access = Str(body, "access_token");
  std::string digest = crypto::Sha256(access);
  EXPECT_EQ(Str(id, "at_hash"), crypto::Base64UrlEncode(digest.substr(0, 16)));

  HttpResult info = UserInfo(access);
  ASSERT_EQ(info.status, 200) << info.body;
  json::object claims = ParseObject(info.body);
  EXPECT_EQ(Str(claims, "sub"), Str(id, "sub"));
  EXPECT_EQ(Str(claims, "name"), "Ada Lovelace");
  // POST with the token in the body works too (RFC 6750 §2.2).
  Browser site(server_.port());
  HttpResult post = site.PostForm("/userinfo", {{"access_token", access}});
  EXPECT_EQ(post.status, 200);
  // An ID token is not an access token.
  EXPECT_EQ(UserInfo(Str(body, "id_token")).status, 401);
}

TEST_F(OidcProviderTest, RedirectUriMustMatchExactlyAndErrorsBeforeThatArePages) {
  Browser b = SignedInBrowser("redirects@example.com");
  const std::string good = "https://members.example/callback";
  for (const std::string& variant :
       {std::string("https://MEMBERS.example/callback"), good + "/", good + "/extra", good + "?x=1",
        good + "#f", std::string("https://user@members.example/callback"),
        std::string("https://members.example:8443/callback"),
        std::string("http://members.example/callback"),
        std::string("https://members.example.evil.example/callback"), std::string("")}) {
    HttpResult r = b.Get("/authorize?response_type=code&scope=openid&client_id=" + client_id_ +
                         "&redirect_uri=" + http::PercentEncode(variant) +
                         "&code_challenge=" + kChallenge + "&code_challenge_method=S256");
    EXPECT_EQ(r.status, 400) << variant;
    EXPECT_FALSE(r.Header("location").has_value()) << variant;
  }
  HttpResult unknown =
      b.Get("/authorize?response_type=code&scope=openid&client_id=nobody&redirect_uri=" +
            http::PercentEncode(good));
  EXPECT_EQ(unknown.status, 400);
  EXPECT_FALSE(unknown.Header("location").has_value());
}

TEST_F(OidcProviderTest, ErrorsAfterValidationGoBackWithStateAndIss) {
  Browser b = SignedInBrowser("errors@example.com");
  HttpResult no_openid =
      b.Get("/authorize?response_type=code&scope=profile&state=s1&client_id=" + client_id_ +
            "&redirect_uri=" + http::PercentEncode("https://members.example/callback"));
  ASSERT_EQ(no_openid.status, 302);
  std::string location = *no_openid.Header("location");
  EXPECT_EQ(QueryParam(location, "error"), "invalid_scope");
  EXPECT_EQ(QueryParam(location, "state"), "s1");
  EXPECT_EQ(QueryParam(location, "iss"), server_.origin());
  HttpResult plain = b.Get(AuthorizeQuery() + "&code_challenge_method=plain");
  EXPECT_EQ(QueryParam(plain.Header("location").value_or(""), "error"),
            "invalid_request");  // repeated parameter
  HttpResult token_type =
      b.Get("/authorize?response_type=token&scope=openid&client_id=" + client_id_ +
            "&redirect_uri=" + http::PercentEncode("https://members.example/callback"));
  EXPECT_EQ(QueryParam(token_type.Header("location").value_or(""), "error"),
            "unsupported_response_type");
}

TEST_F(OidcProviderTest, PromptNoneWithoutASessionNeverShowsAPage) {
  Browser b(server_.port(), server_.origin());
  HttpResult r = b.Get(AuthorizeQuery("&prompt=none"));
  ASSERT_EQ(r.status, 302);
  EXPECT_EQ(QueryParam(*r.Header("location"), "error"), "login_required");
  EXPECT_EQ(QueryParam(*r.Header("location"), "state"), "xyz");
}

TEST_F(OidcProviderTest, WithoutASessionTheRequestGoesThroughSignInAndComesBack) {
  Browser b = SignedInBrowser("return@example.com");
  b.Get("/");
  b.PostForm("/signout", {{"csrf_token", b.csrf_token()}});
  HttpResult r = b.Get(AuthorizeQuery());
  ASSERT_EQ(r.status, 302);
  std::string to_signin = *r.Header("location");
  ASSERT_EQ(to_signin.rfind("/signin?", 0), 0u) << to_signin;
  std::string return_to = QueryParam(to_signin, "return_to");
  ASSERT_EQ(return_to.rfind("/authorize?", 0), 0u);
  b.Get(to_signin);
  HttpResult signed_in = b.PostForm("/signin", {{"csrf_token", b.csrf_token()},
                                                {"email", "return@example.com"},
                                                {"password", kPassword},
                                                {"return_to", return_to}});
  ASSERT_EQ(signed_in.status, 303);
  HttpResult back = b.Get(*signed_in.Header("location"));
  ASSERT_EQ(back.status, 302);
  EXPECT_FALSE(QueryParam(*back.Header("location"), "code").empty());
}

TEST_F(OidcProviderTest, PromptLoginAsksForThePasswordAgain) {
  Browser b = SignedInBrowser("again@example.com");
  HttpResult r = b.Get(AuthorizeQuery("&prompt=login"));
  ASSERT_EQ(r.status, 302);
  std::string to_signin = *r.Header("location");
  EXPECT_EQ(to_signin.rfind("/signin?reauth=1", 0), 0u) << to_signin;
  // The sign-in page shows the form although the browser is signed in.
  HttpResult page = b.Get(to_signin);
  EXPECT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("name=\"password\""));
  // Its CSP lets the form's last redirect reach the site.
  EXPECT_THAT(page.Header("content-security-policy").value_or(""),
              HasSubstr("form-action 'self' https://members.example"));
}

TEST_F(OidcProviderTest, ASiteCannotForgeTheInternalFreshSignInMarker) {
  Browser b = SignedInBrowser("forge@example.com");
  for (const char* forged : {"&auth_after=1", "&auth_after=1~AAAAAAAAAAAAAAAAAAAAAA"}) {
    HttpResult r = b.Get(AuthorizeQuery(std::string("&prompt=login") + forged));
    ASSERT_EQ(r.status, 302);
    EXPECT_EQ(r.Header("location")->rfind("/signin?reauth=1", 0), 0u) << forged;
  }
}

TEST_F(OidcProviderTest, AnIdTokenHintForSomeoneElseIsNotAnsweredWithThisPersonsCode) {
  Browser grace = SignedInBrowser("grace.hint@example.com");
  std::string grace_id_token = Str(ParseObject(Exchange(Code(grace)).body), "id_token");
  Browser ada = SignedInBrowser("ada.hint@example.com");
  HttpResult r = ada.Get(AuthorizeQuery("&prompt=none&id_token_hint=" + grace_id_token));
  ASSERT_EQ(r.status, 302);
  EXPECT_EQ(QueryParam(*r.Header("location"), "error"), "login_required");
  // Her own hint is fine.
  std::string ada_id_token = Str(ParseObject(Exchange(Code(ada)).body), "id_token");
  HttpResult own = ada.Get(AuthorizeQuery("&prompt=none&id_token_hint=" + ada_id_token));
  EXPECT_FALSE(QueryParam(own.Header("location").value_or(""), "code").empty());
  // A token that is not an ID token issued to this site is refused.
  std::string access = Str(ParseObject(Exchange(Code(ada)).body), "access_token");
  HttpResult wrong = ada.Get(AuthorizeQuery("&id_token_hint=" + access));
  EXPECT_EQ(QueryParam(wrong.Header("location").value_or(""), "error"), "invalid_request");
}

TEST_F(OidcProviderTest, ALoopbackRedirectUriMayUseAnyPortButNothingElseMayDiffer) {
  Browser b = SignedInBrowser("loopback@example.com");
  auto authorize = [&](const std::string& uri) {
    return b.Get("/authorize?response_type=code&scope=openid&client_id=" + client_id_ +
                 "&redirect_uri=" + http::PercentEncode(uri) + "&code_challenge=" + kChallenge +
                 "&code_challenge_method=S256");
  };
  HttpResult other_port =
      authorize("http://127.0.0.1:54321/cb");  // registered: http://127.0.0.1:9000/cb
  ASSERT_EQ(other_port.status, 302);
  EXPECT_EQ(other_port.Header("location")->rfind("http://127.0.0.1:54321/cb?code=", 0), 0u);
  EXPECT_EQ(authorize("http://127.0.0.1:54321/cb2").status, 400);
  EXPECT_EQ(authorize("http://127.0.0.2:9000/cb").status, 400);
  EXPECT_EQ(authorize("http://localhost:9000/cb").status, 400);
  // Names that only look like loopback are not loopback at registration.
  EXPECT_FALSE(oidc::ClientRegistry::ValidateRedirectUri("http://127.example.com/cb").ok());
  EXPECT_FALSE(oidc::ClientRegistry::ValidateRedirectUri("http://127.0.0.1.evil.example/cb").ok());
  EXPECT_TRUE(oidc::ClientRegistry::ValidateRedirectUri("http://127.0.0.1:8000/cb").ok());
}

TEST_F(OidcProviderTest, APrivateKeyJwtAssertionWorksOnce) {
  auto site_key = jose::SigningKey::Generate(jose::Algorithm::kES256);
  ASSERT_TRUE(site_key.ok());
  json::object jwks;
  jwks["keys"] = json::array{site_key->public_key().ToJwk()};
  oidc::ClientSpec spec;
  spec.name = "Back office";
  spec.redirect_uris = {"https://backoffice.example/cb"};
  spec.auth_method = "private_key_jwt";
  spec.jwks = json::serialize(jwks);
  auto site = server_.app().clients().Register(spec);
  ASSERT_TRUE(site.ok()) << site.status().ToString();
  json::object claims;
  claims["iss"] = site->client.id;
  claims["sub"] = site->client.id;
  claims["aud"] = server_.origin() + "/token";
  claims["jti"] = "assertion-1";
  claims["iat"] = server_.clock().NowSeconds();
  claims["exp"] = server_.clock().NowSeconds() + 60;
  std::string assertion = *jose::SignCompact(*site_key, claims, "JWT");
  std::vector<std::pair<std::string, std::string>> form = {
      {"grant_type", "client_credentials"},
      {"client_id", site->client.id},
      {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
      {"client_assertion", assertion}};
  EXPECT_EQ(Token(form, "").status, 200);
  EXPECT_EQ(Token(form, "").status, 401);  // replayed
  // Signed by another key: refused.
  auto other = jose::SigningKey::Generate(jose::Algorithm::kES256);
  claims["jti"] = "assertion-2";
  form.back().second = *jose::SignCompact(*other, claims, "JWT");
  EXPECT_EQ(Token(form, "").status, 401);
}

TEST_F(OidcProviderTest, PkceIsRequiredWhenChallengedAndNeverDowngraded) {
  Browser b = SignedInBrowser("pkce@example.com");
  EXPECT_EQ(Exchange(Code(b), "").status, 400);  // challenge sent, verifier missing
  HttpResult wrong = Exchange(Code(b), std::string(43, 'a'));
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(Str(ParseObject(wrong.body), "error"), "invalid_grant");
  // No challenge at authorize, a verifier at the token endpoint: downgrade, refused.
  HttpResult auth =
      b.Get("/authorize?response_type=code&scope=openid&client_id=" + client_id_ +
            "&redirect_uri=" + http::PercentEncode("https://members.example/callback"));
  ASSERT_EQ(auth.status, 302);
  EXPECT_EQ(Exchange(QueryParam(*auth.Header("location"), "code"), kVerifier).status, 400);
}

TEST_F(OidcProviderTest, PublicClientsMustUsePkce) {
  oidc::ClientSpec spec;
  spec.name = "Native app";
  spec.redirect_uris = {"http://127.0.0.1:7000/cb"};
  spec.auth_method = "none";
  spec.first_party = true;
  auto app = server_.app().clients().Register(spec);
  ASSERT_TRUE(app.ok());
  Browser b = SignedInBrowser("public@example.com");
  HttpResult r = b.Get("/authorize?response_type=code&scope=openid&client_id=" + app->client.id +
                       "&redirect_uri=" + http::PercentEncode("http://127.0.0.1:7000/cb"));
  EXPECT_EQ(QueryParam(r.Header("location").value_or(""), "error"), "invalid_request");
}

TEST_F(OidcProviderTest, ACodeWorksOnceEvenUnderParallelRedemption) {
  Browser b = SignedInBrowser("parallel@example.com");
  std::string code = Code(b);
  std::atomic<int> ok{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      HttpResult r = Exchange(code);
      if (r.status == 200)
        ++ok;
      else if (r.status == 400)
        ++refused;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(refused.load(), 7);
}

// Promise 2 for refresh tokens: the grant moves on from a generation once. The losers present
// a generation the grant has left, which is reuse, so the grant ends after the one success.
TEST_F(OidcProviderTest, ARefreshTokenWorksOnceEvenUnderParallelUse) {
  Browser b = SignedInBrowser("parallel-refresh@example.com");
  std::string refresh = Str(ParseObject(Exchange(Code(b)).body), "refresh_token");
  ASSERT_FALSE(refresh.empty());
  std::mutex mutex;
  std::vector<std::string> issued;  // the refresh tokens the successes returned
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      HttpResult r = Token({{"grant_type", "refresh_token"}, {"refresh_token", refresh}}, Basic());
      if (r.status == 200) {
        std::lock_guard lock(mutex);
        issued.push_back(Str(ParseObject(r.body), "refresh_token"));
      } else if (r.status == 400) {
        ++refused;
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(issued.size(), 1u);
  EXPECT_EQ(refused.load(), 7);
  // A loser that came after the winner presented a used generation: the grant is over.
  EXPECT_EQ(Token({{"grant_type", "refresh_token"}, {"refresh_token", issued[0]}}, Basic()).status,
            400);
}

TEST_F(OidcProviderTest, ASecondRedemptionRevokesWhatTheFirstIssued) {
  Browser b = SignedInBrowser("replay@example.com");
  std::string code = Code(b);
  HttpResult first = Exchange(code);
  ASSERT_EQ(first.status, 200);
  std::string access = Str(ParseObject(first.body), "access_token");
  std::string refresh = Str(ParseObject(first.body), "refresh_token");
  ASSERT_EQ(UserInfo(access).status, 200);
  EXPECT_EQ(Exchange(code).status, 400);
  EXPECT_EQ(UserInfo(access).status, 401);
  EXPECT_EQ(Token({{"grant_type", "refresh_token"}, {"refresh_token", refresh}}, Basic()).status,
            400);
}

TEST_F(OidcProviderTest, ACodeExpiresAfterSixtySecondsAndAReplayAfterThatStillRevokes) {
  Browser b = SignedInBrowser("expiry@example.com");
  std::string late = Code(b);
  server_.clock().Advance(61);
  HttpResult refused = Exchange(late);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(Str(ParseObject(refused.body), "error"), "invalid_grant");

  std::string code = Code(b);
  HttpResult first = Exchange(code);
  ASSERT_EQ(first.status, 200);
  std::string access = Str(ParseObject(first.body), "access_token");
  server_.clock().Advance(61);
  ASSERT_EQ(UserInfo(access).status, 200);
  // The code has expired, but its grant remembers the redemption: a replay still ends it.
  EXPECT_EQ(Exchange(code).status, 400);
  EXPECT_EQ(UserInfo(access).status, 401);
}

TEST_F(OidcProviderTest, AReplayRevokesForADayAfterTheCodeExpiredAndIsOnlyExpiredAfterThat) {
  Browser b = SignedInBrowser("late-replay@example.com");
  const std::string used = "the code was already used; its tokens are revoked";
  auto refresh = [&](const std::string& token) {
    return Token({{"grant_type", "refresh_token"}, {"refresh_token", token}}, Basic());
  };
  // Two codes of one session name two grants: each code is its grant's single-use key.
  std::string early = Code(b);
  std::string late = Code(b);
  HttpResult early_tokens = Exchange(early);
  HttpResult late_tokens = Exchange(late);
  ASSERT_EQ(early_tokens.status, 200);
  ASSERT_EQ(late_tokens.status, 200);
  std::string early_refresh = Str(ParseObject(early_tokens.body), "refresh_token");
  std::string late_refresh = Str(ParseObject(late_tokens.body), "refresh_token");

  // A day after its expiry (60 s after issue), after housekeeping, a replay still revokes its
  // grant, and only that one.
  server_.clock().Advance(60 + 86400);
  ASSERT_TRUE(server_.app().PurgeExpired().ok());
  HttpResult replay = Exchange(early);
  EXPECT_EQ(replay.status, 400);
  EXPECT_EQ(Str(ParseObject(replay.body), "error_description"), used);
  EXPECT_EQ(refresh(early_refresh).status, 400);
  HttpResult rotated = refresh(late_refresh);
  ASSERT_EQ(rotated.status, 200);
  late_refresh = Str(ParseObject(rotated.body), "refresh_token");

  // A second later it is only an expired code: refused, and nothing revoked.
  server_.clock().Advance(1);
  replay = Exchange(late);
  EXPECT_EQ(replay.status, 400);
  EXPECT_EQ(Str(ParseObject(replay.body), "error"), "invalid_grant");
  EXPECT_EQ(Str(ParseObject(replay.body), "error_description"), "the code is invalid or expired");
  EXPECT_EQ(refresh(late_refresh).status, 200);
}

// A failure of the Network's own after the code was consumed (here: no key left to sign the
// ES256 access token) ends the grant the redemption created and says to start again, since a
// retry with the code could only be a replay.
TEST_F(OidcProviderTest, AFailureAfterTheCodeIsSpentRevokesItsGrantAndSaysToStartAgain) {
  const std::string email = "spent@example.com";
  Browser b = SignedInBrowser(email);
  auto account = server_.app().store().FindAccountByEmailKey(identity::EmailKey(email));
  ASSERT_TRUE(account.ok());
  auto& store = server_.app().oidc_store();
  int64_t now = server_.clock().NowSeconds();
  ASSERT_TRUE(store.RetireKeys("ES256", "", now, now + 3600).ok());
  server_.clock().Advance(61);  // past keys.reload_seconds: the provider sees no ES256 key
  HttpResult failed = Exchange(Code(b));
  EXPECT_EQ(failed.status, 400);
  json::object error = ParseObject(failed.body);
  EXPECT_EQ(Str(error, "error"), "invalid_grant");
  EXPECT_EQ(Str(error, "error_description"),
            "the tokens could not be issued; the code is spent, start the sign-in again");
  // The grant exists (the code was redeemed) and is revoked: the person's sites list none.
  auto sites = store.ListAccountSites(account->id);
  ASSERT_TRUE(sites.ok());
  EXPECT_TRUE(sites->empty());
}

TEST_F(OidcProviderTest, AnAlteredCodeIsRefusedWithoutBurningTheRealOne) {
  Browser b = SignedInBrowser("altered@example.com");
  std::string code = Code(b);
  // The code is sealed: it does not show the account, and no character of it can change.
  EXPECT_EQ(code.find("acc_"), std::string::npos);
  for (size_t i : {size_t{0}, code.size() / 2, code.size() - 1}) {
    std::string altered = code;
    altered[i] = altered[i] == 'A' ? 'B' : 'A';
    HttpResult r = Exchange(altered);
    EXPECT_EQ(r.status, 400) << i;
    EXPECT_EQ(Str(ParseObject(r.body), "error"), "invalid_grant") << i;
  }
  EXPECT_EQ(Exchange(std::string(5000, 'A')).status, 400);
  EXPECT_EQ(Exchange(code).status, 200);
}

TEST_F(OidcProviderTest, RefreshTokensRotateAndReuseRevokesTheGrant) {
  Browser b = SignedInBrowser("refresh@example.com");
  HttpResult first = Exchange(Code(b));
  ASSERT_EQ(first.status, 200);
  std::string r1 = Str(ParseObject(first.body), "refresh_token");
  HttpResult second = Token({{"grant_type", "refresh_token"}, {"refresh_token", r1}}, Basic());
  ASSERT_EQ(second.status, 200) << second.body;
  json::object body = ParseObject(second.body);
  std::string r2 = Str(body, "refresh_token");
  EXPECT_NE(r2, r1);
  EXPECT_FALSE(Str(body, "id_token").empty());
  std::string access2 = Str(body, "access_token");
  EXPECT_EQ(UserInfo(access2).status, 200);
  // The rotated token presented again: theft assumed, the whole grant ends.
  EXPECT_EQ(Token({{"grant_type", "refresh_token"}, {"refresh_token", r1}}, Basic()).status, 400);
  EXPECT_EQ(Token({{"grant_type", "refresh_token"}, {"refresh_token", r2}}, Basic()).status, 400);
  EXPECT_EQ(UserInfo(access2).status, 401);
}

TEST_F(OidcProviderTest, ARefreshAskingForAWiderScopeIsRefusedWithoutSpendingTheToken) {
  Browser b = SignedInBrowser("narrow@example.com");
  std::string refresh = Str(ParseObject(Exchange(Code(b)).body), "refresh_token");
  auto rotate = [&](std::vector<std::pair<std::string, std::string>> extra) {
    extra.push_back({"grant_type", "refresh_token"});
    extra.push_back({"refresh_token", refresh});
    return Token(extra, Basic());
  };
  // RFC 6749 §6: never wider than the grant. The refusal leaves the token as it was, so the
  // site's next try is no reuse.
  HttpResult wider = rotate({{"scope", "openid phone"}});
  EXPECT_EQ(wider.status, 400);
  EXPECT_EQ(Str(ParseObject(wider.body), "error"), "invalid_scope");
  HttpResult narrower = rotate({{"scope", "openid email"}});
  ASSERT_EQ(narrower.status, 200) << narrower.body;
  json::object tokens = ParseObject(narrower.body);
  EXPECT_EQ(Str(tokens, "scope"), "openid email");
  refresh = Str(tokens, "refresh_token");
  // Narrowing one refresh does not narrow the grant: the next may ask for all of it again.
  HttpResult whole = rotate({});
  ASSERT_EQ(whole.status, 200) << whole.body;
  EXPECT_THAT(Str(ParseObject(whole.body), "scope"), HasSubstr("profile"));
}

// Refresh tokens are sealed (design record 0017): the token names its grant and generation.

TEST_F(OidcProviderTest, AnAlteredRefreshTokenIsRefusedWithoutBurningTheRealOne) {
  Browser b = SignedInBrowser("sealed-refresh@example.com");
  std::string refresh = Str(ParseObject(Exchange(Code(b)).body), "refresh_token");
  ASSERT_FALSE(refresh.empty());
  for (size_t i : {size_t{0}, refresh.size() / 2, refresh.size() - 1}) {
    std::string altered = refresh;
    altered[i] = altered[i] == 'A' ? 'B' : 'A';
    HttpResult r = Token({{"grant_type", "refresh_token"}, {"refresh_token", altered}}, Basic());
    EXPECT_EQ(r.status, 400) << i;
    EXPECT_EQ(Str(ParseObject(r.body), "error"), "invalid_grant") << i;
  }
  // A code is sealed under the same key for another purpose: it is no refresh token.
  std::string code = Code(b);
  EXPECT_EQ(Token({{"grant_type", "refresh_token"}, {"refresh_token", code}}, Basic()).status, 400);
  // The real token still rotates, and so does its successor.
  HttpResult first = Token({{"grant_type", "refresh_token"}, {"refresh_token", refresh}}, Basic());
  ASSERT_EQ(first.status, 200) << first.body;
  std::string next = Str(ParseObject(first.body), "refresh_token");
  EXPECT_NE(next, refresh);
  EXPECT_EQ(Token({{"grant_type", "refresh_token"}, {"refresh_token", next}}, Basic()).status, 200);
}

TEST_F(OidcProviderTest, AnotherSitesRefreshTokenIsRefusedAndNotBurned) {
  oidc::ClientSpec spec;
  spec.name = "Other";
  spec.redirect_uris = {"https://other.example/cb"};
  spec.auth_method = "client_secret_post";
  auto other = server_.app().clients().Register(spec);
  ASSERT_TRUE(other.ok());
  Browser b = SignedInBrowser("steal@example.com");
  std::string refresh = Str(ParseObject(Exchange(Code(b)).body), "refresh_token");
  HttpResult stolen = Token({{"grant_type", "refresh_token"},
                             {"refresh_token", refresh},
                             {"client_id", other->client.id},
                             {"client_secret", other->secret}},
                            "");
  EXPECT_EQ(stolen.status, 400);
  EXPECT_EQ(Token({{"grant_type", "refresh_token"}, {"refresh_token", refresh}}, Basic()).status,
            200);
}

TEST_F(OidcProviderTest, ASecretRotatedHereWorksAtOnceAndASiteRemovedElsewhereWithinASecond) {
  const std::vector<std::pair<std::string, std::string>> grant = {
      {"grant_type", "client_credentials"}};
  ASSERT_EQ(Token(grant, Basic()).status, 200);  // the site is now kept for this second
  std::string old_basic = Basic();
  auto rotated = server_.app().clients().RotateSecret(client_id_);
  ASSERT_TRUE(rotated.ok());
  secret_ = *rotated;
  EXPECT_EQ(Token(grant, old_basic).status, 401);
  EXPECT_EQ(Token(grant, Basic()).status, 200);
  // Removed straight from the store, as the command line or another node does.
  ASSERT_TRUE(server_.app().oidc_store().DeleteClient(client_id_).ok());
  server_.clock().Advance(1);
  EXPECT_EQ(Token(grant, Basic()).status, 401);
  Browser b = SignedInBrowser("removed@example.com");
  HttpResult r = b.Get("/authorize?response_type=code&scope=openid&client_id=" + client_id_ +
                       "&redirect_uri=" + http::PercentEncode("https://members.example/callback"));
  EXPECT_EQ(r.status, 400);
  EXPECT_FALSE(r.Header("location").has_value());
}

TEST_F(OidcProviderTest, ClientAuthenticationAcceptsOnlyTheRegisteredMethod) {
  // Basic is registered: the right secret in the body is refused, a wrong one in Basic too.
  HttpResult post = Token(
      {{"grant_type", "client_credentials"}, {"client_id", client_id_}, {"client_secret", secret_}},
      "");
  EXPECT_EQ(post.status, 401);
  EXPECT_EQ(Str(ParseObject(post.body), "error"), "invalid_client");
  EXPECT_EQ(Token({{"grant_type", "client_credentials"}},
                  "Basic " + crypto::Base64Encode(client_id_ + ":wrong"))
                .status,
            401);
  HttpResult ok = Token({{"grant_type", "client_credentials"}, {"scope", "members.read"}}, Basic());
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_FALSE(ParseObject(ok.body).contains("refresh_token"));
  EXPECT_FALSE(ParseObject(ok.body).contains("id_token"));
  EXPECT_EQ(Token({{"grant_type", "client_credentials"}, {"scope", "openid"}}, Basic()).status,
            400);
  EXPECT_EQ(
      Token({{"grant_type", "password"}, {"username", "a"}, {"password", "b"}}, Basic()).status,
      400);
}

TEST_F(OidcProviderTest, ThirdPartySitesAskForConsentOnce) {
  oidc::ClientSpec spec;
  spec.name = "Partner Tool";
  spec.redirect_uris = {"https://tool.example/cb"};
  auto tool = server_.app().clients().Register(spec);
  ASSERT_TRUE(tool.ok());
  Browser b = SignedInBrowser("consent@example.com");
  std::string query =
      "/authorize?response_type=code&scope=openid%20email&state=c1&client_id=" + tool->client.id +
      "&redirect_uri=" + http::PercentEncode("https://tool.example/cb");
  HttpResult none = b.Get(query + "&prompt=none");
  EXPECT_EQ(QueryParam(none.Header("location").value_or(""), "error"), "consent_required");
  HttpResult page = b.Get(query);
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("Partner Tool"));
  EXPECT_THAT(page.body, HasSubstr("e-mail address"));
  std::vector<std::pair<std::string, std::string>> fields = {{"csrf_token", b.csrf_token()},
                                                             {"decision", "allow"}};
  auto params = http::FormData::Parse(query.substr(11));
  ASSERT_TRUE(params.has_value());
  for (const auto& [k, v] : params->fields()) fields.emplace_back(k, v);
  HttpResult allowed = b.PostForm("/authorize/consent", fields);
  ASSERT_EQ(allowed.status, 303) << allowed.body;
  EXPECT_FALSE(QueryParam(*allowed.Header("location"), "code").empty());
  // Remembered: the next request goes straight back with a code.
  HttpResult again = b.Get(query);
  ASSERT_EQ(again.status, 302);
  EXPECT_FALSE(QueryParam(*again.Header("location"), "code").empty());
}

// The token steps read the person in their own transaction; a locked account stops them all.
TEST_F(OidcProviderTest, ALockedAccountGetsNoTokensAndItsTokensStopWorking) {
  const std::string email = "locked@example.com";
  Browser b = SignedInBrowser(email);
  json::object tokens = ParseObject(Exchange(Code(b)).body);
  std::string access = Str(tokens, "access_token");
  std::string refresh = Str(tokens, "refresh_token");
  ASSERT_EQ(UserInfo(access).status, 200);
  std::string late_code = Code(b);  // issued while the account was still open
  auto account = server_.app().store().FindAccountByEmailKey(identity::EmailKey(email));
  ASSERT_TRUE(account.ok());
  ASSERT_TRUE(server_.app().store().SetDisabled(account->id, server_.clock().NowSeconds()).ok());

  EXPECT_EQ(UserInfo(access).status, 401);
  Browser site(server_.port());
  EXPECT_EQ(site.PostForm("/introspect", {{"token", access}}, {{"Authorization", Basic()}}).body,
            "{\"active\":false}");
  HttpResult exchanged = Exchange(late_code);
  EXPECT_EQ(exchanged.status, 400);
  EXPECT_EQ(Str(ParseObject(exchanged.body), "error"), "invalid_grant");
  EXPECT_EQ(Token({{"grant_type", "refresh_token"}, {"refresh_token", refresh}}, Basic()).status,
            400);
  // Unlocked again: the refused refresh ended its grant, and the grant's access token with it.
  ASSERT_TRUE(server_.app().store().SetDisabled(account->id, std::nullopt).ok());
  EXPECT_EQ(UserInfo(access).status, 401);
}

TEST_F(OidcProviderTest, IntrospectionShowsOnlyTheCallersOwnTokens) {
  std::string other_basic = OtherSiteBasic();
  ASSERT_FALSE(other_basic.empty());
  Browser b = SignedInBrowser("introspect@example.com");
  json::object tokens = ParseObject(Exchange(Code(b)).body);
  for (const char* kind : {"access_token", "refresh_token"}) {
    Browser site(server_.port());
    HttpResult own =
        site.PostForm("/introspect", {{"token", Str(tokens, kind)}}, {{"Authorization", Basic()}});
    ASSERT_EQ(own.status, 200) << kind;
    EXPECT_TRUE(ParseObject(own.body)["active"].as_bool()) << kind;
    EXPECT_EQ(Str(ParseObject(own.body), "client_id"), client_id_);
    HttpResult foreign = site.PostForm("/introspect", {{"token", Str(tokens, kind)}},
                                       {{"Authorization", other_basic}});
    ASSERT_EQ(foreign.status, 200);
    EXPECT_EQ(foreign.body, "{\"active\":false}") << kind;
  }
  Browser site(server_.port());
  EXPECT_EQ(site.PostForm("/introspect", {{"token", "garbage"}}, {{"Authorization", Basic()}}).body,
            "{\"active\":false}");
  EXPECT_EQ(site.PostForm("/introspect", {{"token", Str(tokens, "access_token")}}).status, 401);
}

// Design record 0018: a site registered for opaque access tokens gets sealed values, and they
// work wherever a JWT access token does — userinfo, introspection, revocation, refresh — and
// nowhere a JWT would not.
TEST_F(OidcProviderTest, OpaqueAccessTokensWorkWhereverJwtOnesDo) {
  const auto [site_id, basic] = OpaqueSite();
  ASSERT_FALSE(site_id.empty());
  oidc::ClientSpec spec;
  spec.name = "Unknown format";
  spec.redirect_uris = {"https://opaque.example/cb"};
  spec.access_token_format = "reference";
  EXPECT_EQ(server_.app().clients().Register(spec).status().code(), StatusCode::kInvalidArgument);

  Browser b = SignedInBrowser("opaque@example.com");
  HttpResult auth = b.Get("/authorize?response_type=code&client_id=" + site_id +
                          "&redirect_uri=" + http::PercentEncode("https://opaque.example/cb") +
                          "&scope=openid%20email%20offline_access&state=s&nonce=n");
  ASSERT_EQ(auth.status, 302) << auth.body;
  HttpResult exchanged = Token({{"grant_type", "authorization_code"},
                                {"code", QueryParam(*auth.Header("location"), "code")},
                                {"redirect_uri", "https://opaque.example/cb"}},
                               basic);
  ASSERT_EQ(exchanged.status, 200) << exchanged.body;
  json::object tokens = ParseObject(exchanged.body);
  std::string access = Str(tokens, "access_token");
  ASSERT_FALSE(access.empty());
  EXPECT_EQ(access.find('.'), std::string::npos);  // not a JWT: nothing in it to read
  auto id = jose::DecodeCompact(Str(tokens, "id_token"));
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(Str(id->payload, "at_hash"),
            crypto::Base64UrlEncode(crypto::Sha256(access).substr(0, 16)));

  HttpResult info = UserInfo(access);
  ASSERT_EQ(info.status, 200) << info.body;
  EXPECT_EQ(Str(ParseObject(info.body), "sub"), Str(id->payload, "sub"));
  Browser rs(server_.port());
  json::object own =
      ParseObject(rs.PostForm("/introspect", {{"token", access}}, {{"Authorization", basic}}).body);
  EXPECT_TRUE(own["active"].as_bool());
  EXPECT_EQ(Str(own, "token_type"), "Bearer");
  EXPECT_EQ(Str(own, "client_id"), site_id);
  EXPECT_EQ(Str(own, "sub"), Str(id->payload, "sub"));
  EXPECT_FALSE(Str(own, "jti").empty());
  EXPECT_EQ(rs.PostForm("/introspect", {{"token", access}}, {{"Authorization", Basic()}}).body,
            "{\"active\":false}");  // another site's

  // An access token is no refresh token, and presenting it as one burns nothing.
  EXPECT_EQ(Token({{"grant_type", "refresh_token"}, {"refresh_token", access}}, basic).status, 400);
  EXPECT_EQ(UserInfo(access).status, 200);
  HttpResult refreshed = Token(
      {{"grant_type", "refresh_token"}, {"refresh_token", Str(tokens, "refresh_token")}}, basic);
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  std::string access2 = Str(ParseObject(refreshed.body), "access_token");
  EXPECT_EQ(access2.find('.'), std::string::npos);
  EXPECT_EQ(UserInfo(access2).status, 200);
  // A refresh token is no access token.
  EXPECT_EQ(UserInfo(Str(ParseObject(refreshed.body), "refresh_token")).status, 401);

  // Revoking one access token ends it alone; an altered one never worked.
  EXPECT_EQ(rs.PostForm("/revoke", {{"token", access}}, {{"Authorization", basic}}).status, 200);
  EXPECT_EQ(UserInfo(access).status, 401);
  EXPECT_EQ(rs.PostForm("/introspect", {{"token", access}}, {{"Authorization", basic}}).body,
            "{\"active\":false}");
  EXPECT_EQ(UserInfo(access2).status, 200);
  std::string altered = access2;
  altered[10] = altered[10] == 'A' ? 'B' : 'A';
  EXPECT_EQ(UserInfo(altered).status, 401);

  // client_credentials: opaque too, active for its site, and no person behind it.
  HttpResult cc = Token({{"grant_type", "client_credentials"}}, basic);
  ASSERT_EQ(cc.status, 200) << cc.body;
  std::string machine = Str(ParseObject(cc.body), "access_token");
  EXPECT_EQ(machine.find('.'), std::string::npos);
  json::object machine_info = ParseObject(
      rs.PostForm("/introspect", {{"token", machine}}, {{"Authorization", basic}}).body);
  EXPECT_TRUE(machine_info["active"].as_bool());
  EXPECT_EQ(Str(machine_info, "sub"), site_id);
  EXPECT_EQ(UserInfo(machine).status, 403);
  // The longest scope a site may ask for still makes a token that works; a longer one is
  // refused up front rather than sealed into a token that could never be opened.
  std::string scope;
  for (char c = 'a'; c < 'a' + 9; ++c)
    scope += std::string(scope.empty() ? "" : " ") + std::string(100, c);
  HttpResult longest = Token({{"grant_type", "client_credentials"}, {"scope", scope}}, basic);
  ASSERT_EQ(longest.status, 200) << longest.body;
  std::string wide = Str(ParseObject(longest.body), "access_token");
  EXPECT_TRUE(
      ParseObject(
          rs.PostForm("/introspect", {{"token", wide}}, {{"Authorization", basic}}).body)["active"]
          .as_bool());
  HttpResult too_long =
      Token({{"grant_type", "client_credentials"}, {"scope", scope + " " + std::string(100, 'z')}},
            basic);
  EXPECT_EQ(too_long.status, 400);
  EXPECT_EQ(Str(ParseObject(too_long.body), "error"), "invalid_scope");

  // Expiry: ten minutes, after which neither userinfo nor introspection takes the token.
  EXPECT_EQ(own["exp"].as_int64() - own["iat"].as_int64(), 600);
  server_.clock().Advance(601);
  EXPECT_EQ(UserInfo(access2).status, 401);
  EXPECT_EQ(rs.PostForm("/introspect", {{"token", machine}}, {{"Authorization", basic}}).body,
            "{\"active\":false}");
}

// An opaque access token belongs to its grant and its site (design record 0018): revoking the
// grant ends it, and another site cannot revoke it.
TEST_F(OidcProviderTest, OpaqueAccessTokensEndWithTheirGrantAndOnlyTheirSiteRevokesThem) {
  const auto [site_id, basic] = OpaqueSite();
  ASSERT_FALSE(site_id.empty());
  Browser b = SignedInBrowser("opaque-grant@example.com");
  auto flow = [&]() {
    HttpResult auth = b.Get("/authorize?response_type=code&client_id=" + site_id +
                            "&redirect_uri=" + http::PercentEncode("https://opaque.example/cb") +
                            "&scope=openid%20offline_access&nonce=n");
    EXPECT_EQ(auth.status, 302) << auth.body;
    return ParseObject(Token({{"grant_type", "authorization_code"},
                              {"code", QueryParam(auth.Header("location").value_or(""), "code")},
                              {"redirect_uri", "https://opaque.example/cb"}},
                             basic)
                           .body);
  };
  json::object tokens = flow();
  std::string access = Str(tokens, "access_token");
  ASSERT_EQ(UserInfo(access).status, 200);
  // Another site's revocation answers 200 and changes nothing.
  Browser rs(server_.port());
  EXPECT_EQ(rs.PostForm("/revoke", {{"token", access}}, {{"Authorization", Basic()}}).status, 200);
  EXPECT_EQ(UserInfo(access).status, 200);
  // Revoking the refresh token ends the grant, and with it the opaque access token.
  EXPECT_EQ(
      rs.PostForm("/revoke", {{"token", Str(tokens, "refresh_token")}}, {{"Authorization", basic}})
          .status,
      200);
  EXPECT_EQ(UserInfo(access).status, 401);
  EXPECT_EQ(rs.PostForm("/introspect", {{"token", access}}, {{"Authorization", basic}}).body,
            "{\"active\":false}");
  // A second grant works on its own.
  EXPECT_EQ(UserInfo(Str(flow(), "access_token")).status, 200);
}

// Only a site registered for opaque access tokens has any (design record 0018): a valid opaque
// token whose site's record now says `jwt` — changed in the store, as another node or a restored
// backup would — stops counting, though it still opens under the key.
TEST_F(OidcProviderTest, AnOpaqueAccessTokenCountsOnlyWhileItsSiteUsesOpaqueTokens) {
  const auto [site_id, basic] = OpaqueSite();
  ASSERT_FALSE(site_id.empty());
  HttpResult cc = Token({{"grant_type", "client_credentials"}}, basic);
  ASSERT_EQ(cc.status, 200) << cc.body;
  std::string machine = Str(ParseObject(cc.body), "access_token");
  Browser rs(server_.port());
  auto introspect = [&] {
    return rs.PostForm("/introspect", {{"token", machine}}, {{"Authorization", basic}});
  };
  ASSERT_TRUE(ParseObject(introspect().body)["active"].as_bool());
  auto& store = server_.app().oidc_store();
  auto record = store.FindClient(site_id);
  ASSERT_TRUE(record.ok());
  record->access_token_format = oidc::kJwtAccessTokens;
  ASSERT_TRUE(store.DeleteClient(site_id).ok());
  ASSERT_TRUE(store.InsertClient(*record).ok());
  server_.clock().Advance(1);  // the registry keeps a site for one second
  HttpResult after = introspect();
  ASSERT_EQ(after.status, 200) << after.body;  // the same site, still authenticated
  EXPECT_EQ(after.body, "{\"active\":false}");
}

TEST_F(OidcProviderTest, RevocationEndsOwnTokensOnlyAndAlwaysAnswers200) {
  std::string other_basic = OtherSiteBasic();
  ASSERT_FALSE(other_basic.empty());
  Browser b = SignedInBrowser("revoke@example.com");
  json::object tokens = ParseObject(Exchange(Code(b)).body);
  std::string access = Str(tokens, "access_token");
  std::string refresh = Str(tokens, "refresh_token");
  Browser site(server_.port());
  // Another site's attempt answers 200 and changes nothing.
  EXPECT_EQ(site.PostForm("/revoke", {{"token", refresh}}, {{"Authorization", other_basic}}).status,
            200);
  EXPECT_EQ(UserInfo(access).status, 200);
  EXPECT_EQ(
      site.PostForm("/revoke", {{"token", "unknown-token"}}, {{"Authorization", Basic()}}).status,
      200);
  // Revoking an access token ends it alone.
  EXPECT_EQ(site.PostForm("/revoke", {{"token", access}}, {{"Authorization", Basic()}}).status,
            200);
  EXPECT_EQ(UserInfo(access).status, 401);
  HttpResult refreshed =
      Token({{"grant_type", "refresh_token"}, {"refresh_token", refresh}}, Basic());
  ASSERT_EQ(refreshed.status, 200);
  std::string access2 = Str(ParseObject(refreshed.body), "access_token");
  std::string refresh2 = Str(ParseObject(refreshed.body), "refresh_token");
  // Revoking the refresh token ends the grant and its access tokens.
  EXPECT_EQ(site.PostForm("/revoke", {{"token", refresh2}, {"token_type_hint", "refresh_token"}},
                          {{"Authorization", Basic()}})
                .status,
            200);
  EXPECT_EQ(UserInfo(access2).status, 401);
  EXPECT_EQ(Token({{"grant_type", "refresh_token"}, {"refresh_token", refresh2}}, Basic()).status,
            400);
}

// A site's back-channel logout endpoint: a real HTTP server that keeps what it receives.
class LogoutReceiver {
 public:
  LogoutReceiver() {
    router_.Post(
        "/backchannel",
        [this](const http::Request& r) {
          std::lock_guard lock(mutex_);
          bodies_.push_back(r.body);
          http::Response ok;
          ok.status = 200;
          return ok;
        },
        http::Execution::kInline);
    http::ServerOptions options;
    options.port = 0;
    options.io_threads = 1;
    options.worker_threads = 1;
    options.access_log = false;
    server_ = std::make_unique<http::Server>(options, router_);
    port_ = *server_->Listen();
    thread_ = std::thread([this] { server_->Run(); });
  }
  ~LogoutReceiver() {
    server_->Stop();
    thread_.join();
  }
  std::string uri() const { return "http://127.0.0.1:" + std::to_string(port_) + "/backchannel"; }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mutex_);
    return bodies_;
  }

 private:
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::vector<std::string> bodies_;
};

TEST_F(OidcProviderTest, SigningOutAtTheNetworkTellsTheSitesOverTheBackChannel) {
  LogoutReceiver receiver;
  oidc::ClientSpec spec;
  spec.name = "Resources";
  spec.redirect_uris = {"https://resources.example/cb"};
  spec.first_party = true;
  spec.id_token_alg = "ES256";
  spec.backchannel_logout_uri = receiver.uri();
  auto site = server_.app().clients().Register(spec);
  ASSERT_TRUE(site.ok()) << site.status().ToString();
  Browser b = SignedInBrowser("backchannel@example.com");
  HttpResult auth =
      b.Get("/authorize?response_type=code&scope=openid&client_id=" + site->client.id +
            "&redirect_uri=" + http::PercentEncode("https://resources.example/cb"));
  ASSERT_EQ(auth.status, 302);
  std::string code = QueryParam(*auth.Header("location"), "code");
  HttpResult token = Token({{"grant_type", "authorization_code"},
                            {"code", code},
                            {"redirect_uri", "https://resources.example/cb"}},
                           "Basic " + crypto::Base64Encode(site->client.id + ":" + site->secret));
  ASSERT_EQ(token.status, 200);
  auto id_token = jose::DecodeCompact(Str(ParseObject(token.body), "id_token"));
  ASSERT_TRUE(id_token.ok());
  EXPECT_EQ(Str(id_token->header, "alg"), "ES256");

  b.Get("/");
  ASSERT_EQ(b.PostForm("/signout", {{"csrf_token", b.csrf_token()}}).status, 303);
  auto bodies = receiver.bodies();
  ASSERT_EQ(bodies.size(), 1u);
  auto form = http::FormData::Parse(bodies[0]);
  ASSERT_TRUE(form.has_value());
  auto logout = jose::DecodeCompact(form->GetOr("logout_token"));
  ASSERT_TRUE(logout.ok());
  auto snapshot = server_.app().keys().Current();
  bool verified = false;
  for (const auto& key : snapshot->published)
    verified = verified || jose::VerifyDecoded(*logout, key);
  EXPECT_TRUE(verified);
  EXPECT_EQ(Str(logout->header, "typ"), "logout+jwt");
  const json::object& claims = logout->payload;
  EXPECT_EQ(Str(claims, "iss"), server_.origin());
  EXPECT_EQ(Str(claims, "aud"), site->client.id);
  EXPECT_EQ(Str(claims, "sid"), Str(id_token->payload, "sid"));
  EXPECT_EQ(Str(claims, "sub"), Str(id_token->payload, "sub"));
  EXPECT_FALSE(claims.contains("nonce"));  // Back-Channel Logout §2.4
  EXPECT_TRUE(claims.at("events").as_object().contains(
      "http://schemas.openid.net/event/backchannel-logout"));
}

TEST_F(OidcProviderTest, RpInitiatedLogoutRedirectsOnlyToRegisteredAddresses) {
  oidc::ClientSpec spec;
  spec.name = "Resources";
  spec.redirect_uris = {"https://resources.example/cb"};
  spec.post_logout_redirect_uris = {"https://resources.example/bye"};
  spec.first_party = true;
  auto site = server_.app().clients().Register(spec);
  ASSERT_TRUE(site.ok());
  Browser b = SignedInBrowser("logout@example.com");
  HttpResult auth =
      b.Get("/authorize?response_type=code&scope=openid&client_id=" + site->client.id +
            "&redirect_uri=" + http::PercentEncode("https://resources.example/cb"));
  std::string code = QueryParam(*auth.Header("location"), "code");
  std::string id_token =
      Str(ParseObject(Token({{"grant_type", "authorization_code"},
                             {"code", code},
                             {"redirect_uri", "https://resources.example/cb"}},
                            "Basic " + crypto::Base64Encode(site->client.id + ":" + site->secret))
                          .body),
          "id_token");
  ASSERT_FALSE(id_token.empty());
  // An open redirect through logout is refused, and the person stays signed in.
  HttpResult evil = b.Get("/logout?id_token_hint=" + id_token + "&post_logout_redirect_uri=" +
                          http::PercentEncode("https://evil.example/") + "&state=s");
  EXPECT_EQ(evil.status, 400);
  EXPECT_FALSE(evil.Header("location").has_value());
  EXPECT_EQ(b.Get("/account").status, 200);
  // Without a hint, a signed-in person is asked first.
  HttpResult ask = b.Get("/logout");
  EXPECT_EQ(ask.status, 200);
  EXPECT_THAT(ask.body, HasSubstr("/logout/confirm"));
  EXPECT_EQ(b.Get("/account").status, 200);
  // With the site's ID token and a registered address: signed out and sent back with state.
  HttpResult out = b.Get("/logout?id_token_hint=" + id_token + "&post_logout_redirect_uri=" +
                         http::PercentEncode("https://resources.example/bye") + "&state=s");
  ASSERT_EQ(out.status, 302);
  EXPECT_EQ(*out.Header("location"), "https://resources.example/bye?state=s");
  EXPECT_EQ(b.Get("/account").status, 303);
}

TEST_F(OidcProviderTest, AccountInformationListsSitesAndRevokesTheirAccess) {
  Browser b = SignedInBrowser("sites@example.com");
  json::object tokens = ParseObject(Exchange(Code(b)).body);
  HttpResult page = b.Get("/account");
  EXPECT_THAT(page.body, HasSubstr("Membership Center"));
  EXPECT_THAT(page.body, HasSubstr("your e-mail address"));
  HttpResult revoke = b.PostForm("/account/sites/revoke",
                                 {{"csrf_token", b.csrf_token()}, {"client_id", client_id_}});
  EXPECT_EQ(revoke.status, 303);
  EXPECT_EQ(UserInfo(Str(tokens, "access_token")).status, 401);
  EXPECT_EQ(
      Token({{"grant_type", "refresh_token"}, {"refresh_token", Str(tokens, "refresh_token")}},
            Basic())
          .status,
      400);
  EXPECT_THAT(b.Get("/account").body,
              HasSubstr("You have not used your account on other sites yet."));
}

TEST_F(OidcProviderTest, MaintenancePurgesWhatHasExpiredAndNothingLive) {
  Browser b = SignedInBrowser("purge@example.com");
  json::object tokens = ParseObject(Exchange(Code(b)).body);
  auto fresh = server_.app().PurgeExpired();
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(*fresh, 0);
  EXPECT_EQ(
      Token({{"grant_type", "refresh_token"}, {"refresh_token", Str(tokens, "refresh_token")}},
            Basic())
          .status,
      200);
  // 31 days on: the refresh token, the code and the network session have all expired.
  server_.clock().Advance(31 * 86400);
  auto later = server_.app().PurgeExpired();
  ASSERT_TRUE(later.ok());
  EXPECT_GE(*later, 3);
  EXPECT_EQ(b.Get("/account").status, 303);
}

TEST_F(OidcProviderTest, SecretsAtRestAreSealedOrKeyedHashes) {
  // Signing keys: sealed with the key-encryption key, never PEM in the database.
  auto stored = server_.app().oidc_store().ListKeys(server_.clock().NowSeconds());
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 3u);
  for (const auto& key : *stored) {
    EXPECT_EQ(key.sealed_key.find("PRIVATE KEY"), std::string::npos) << key.kid;
    EXPECT_EQ(key.public_jwk.find("\"d\""), std::string::npos) << key.kid;
  }
  // Another key-encryption key cannot open them: the server refuses to start rather than sign.
  auto wrong = oidc::KeyManager::Open(server_.app().oidc_store(), std::string(32, 'w'),
                                      server_.clock(), crypto::SecureRandom::Get());
  EXPECT_EQ(wrong.status().code(), StatusCode::kPermissionDenied);
  // Client secrets: a 32-byte keyed hash, not the secret.
  auto client = server_.app().oidc_store().FindClient(client_id_);
  ASSERT_TRUE(client.ok());
  EXPECT_EQ(client->secret_hash.size(), 32u);
  EXPECT_EQ(client->secret_hash.find(secret_), std::string::npos);
  EXPECT_NE(client->secret_hash, crypto::Sha256(secret_));
}

TEST_F(OidcProviderTest, TheHomePageListsTheSiteDirectory) {
  oidc::ClientSpec spec;
  spec.name = "Partner Resources";
  spec.redirect_uris = {"https://resources.example/cb"};
  spec.home_uri = "https://resources.example/";
  auto listed = server_.app().clients().Register(spec);
  ASSERT_TRUE(listed.ok());
  spec.name = "Hidden Tool";
  spec.listed = false;
  ASSERT_TRUE(server_.app().clients().Register(spec).ok());
  Browser b(server_.port());
  HttpResult home = b.Get("/");
  EXPECT_THAT(home.body, HasSubstr("<a href=\"https://resources.example/\">Partner Resources</a>"));
  EXPECT_THAT(home.body, ::testing::Not(HasSubstr("Hidden Tool")));
}

}  // namespace
}  // namespace portico::testing
