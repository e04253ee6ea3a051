// Tests for http/router.h: exact-path routing, 404 vs 405, HEAD → GET, error rendering.
#include "http/router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace portico::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Handler Answer(std::string body) {
  return [body](const Request&) {
    Response r;
    r.body = body;
    return r;
  };
}

// Runs the handler found for (method, path); "" when none.
std::string Call(const Router& router, std::string_view method, std::string_view path,
                 bool* known) {
  const Route* route = router.Find(method, path, known);
  if (route == nullptr) return "";
  Request request;
  request.method = std::string(method);
  request.path = std::string(path);
  return route->handler(request).body;
}

TEST(RouterTest, FindsExactMethodAndPath) {
  Router router;
  router.Get("/signin", Answer("get signin"));
  router.Post("/signin", Answer("post signin"));
  router.Get("/account", Answer("get account"));
  bool known = false;
  EXPECT_EQ(Call(router, "GET", "/signin", &known), "get signin");
  EXPECT_TRUE(known);
  EXPECT_EQ(Call(router, "POST", "/signin", &known), "post signin");
  EXPECT_EQ(Call(router, "GET", "/account", &known), "get account");
}

TEST(RouterTest, MatchesPathsExactlyWithoutPrefixOrCaseFolding) {
  Router router;
  router.Get("/account", Answer("account"));
  for (const char* path :
       {"/account/", "/Account", "/accounts", "/acc", "/account/x", "account", ""}) {
    bool known = true;
    EXPECT_EQ(router.Find("GET", path, &known), nullptr) << path;
    EXPECT_FALSE(known) << path;
  }
}

TEST(RouterTest, UnknownPathIsNotKnown) {
  Router router;
  router.Get("/", Answer("home"));
  bool known = true;
  EXPECT_EQ(router.Find("GET", "/missing", &known), nullptr);
  EXPECT_FALSE(known);  // → 404
}

TEST(RouterTest, KnownPathWithOtherMethodIsKnown) {
  Router router;
  router.Get("/signin", Answer("get signin"));
  bool known = false;
  EXPECT_EQ(router.Find("POST", "/signin", &known), nullptr);
  EXPECT_TRUE(known);  // → 405
  known = false;
  EXPECT_EQ(router.Find("DELETE", "/signin", &known), nullptr);
  EXPECT_TRUE(known);
}

TEST(RouterTest, MethodsAreCaseSensitive) {
  Router router;
  router.Get("/signin", Answer("get signin"));
  bool known = false;
  EXPECT_EQ(router.Find("get", "/signin", &known), nullptr);
  EXPECT_TRUE(known);
}

TEST(RouterTest, HeadFallsBackToGet) {
  Router router;
  router.Get("/", Answer("home"));
  bool known = false;
  EXPECT_EQ(Call(router, "HEAD", "/", &known), "home");
  EXPECT_TRUE(known);
}

TEST(RouterTest, ExplicitHeadRouteWinsOverGet) {
  Router router;
  router.Get("/", Answer("get"));
  router.Add("HEAD", "/", Answer("head"));
  bool known = false;
  EXPECT_EQ(Call(router, "HEAD", "/", &known), "head");
}

TEST(RouterTest, HeadDoesNotFallBackToPost) {
  Router router;
  router.Post("/signout", Answer("post"));
  bool known = false;
  EXPECT_EQ(router.Find("HEAD", "/signout", &known), nullptr);
  EXPECT_TRUE(known);
}

TEST(RouterTest, KeepsExecutionMode) {
  Router router;
  router.Get("/health", Answer("ok"), Execution::kInline);
  router.Get("/account", Answer("account"));
  bool known = false;
  const Route* health = router.Find("GET", "/health", &known);
  const Route* account = router.Find("GET", "/account", &known);
  ASSERT_NE(health, nullptr);
  ASSERT_NE(account, nullptr);
  EXPECT_EQ(health->execution, Execution::kInline);
  EXPECT_EQ(account->execution, Execution::kWorker);
}

TEST(RouterTest, DefaultErrorRendererIsPlainErrorPage) {
  Router router;
  Response r = router.RenderError(404, "There is no page at this address.");
  EXPECT_EQ(r.status, 404);
  EXPECT_THAT(r.body, HasSubstr("There is no page at this address."));
  EXPECT_THAT(r.body, HasSubstr("404"));
  ASSERT_TRUE(r.Header("content-type").has_value());
  EXPECT_THAT(std::string(*r.Header("content-type")), HasSubstr("text/html"));
}

TEST(RouterTest, InstalledErrorRendererIsUsed) {
  Router router;
  std::vector<std::pair<int, std::string>> calls;
  router.SetErrorRenderer([&calls](int status, std::string_view reason) {
    calls.emplace_back(status, std::string(reason));
    Response r;
    r.status = status;
    r.body = "custom:" + std::string(reason);
    return r;
  });
  Response r = router.RenderError(405, "This address does not accept that method.");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.body, "custom:This address does not accept that method.");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].first, 405);
  EXPECT_EQ(calls[0].second, "This address does not accept that method.");
}

TEST(PlainErrorPageTest, EscapesTheReason) {
  Response r = PlainErrorPage(400, "<script>alert(\"x\")</script> & more");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, Not(HasSubstr("<script>")));
  EXPECT_THAT(r.body, HasSubstr("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more"));
}

}  // namespace
}  // namespace portico::http
