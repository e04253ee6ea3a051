// http::Server on the wire, with routes of its own: what goes out for HEAD, for HTTP/1.0 with and
// without keep-alive, across several event loops, and for a header a handler should never have
// set (CR or LF in it: dropped, never sent).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "http/server.h"
#include "http_client.h"

namespace portico::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Get("/hello", [](const http::Request&) {
      http::Response r;
      r.SetHeader("Content-Type", "text/plain");
      r.body = "hello";
      return r;
    });
    router_.Get("/split", [](const http::Request&) {
      http::Response r;
      r.SetHeader("X-Safe", "yes");
      r.SetHeader("X-Bad", "a\r\nInjected: 1");
      r.SetHeader("X-Nul", std::string("a\0b", 3));
      r.SetHeader("Bad Name", "x");
      r.SetHeader("Content-Length", "999");
      r.body = "body";
      return r;
    });
    router_.Get("/empty", [](const http::Request&) {
      http::Response r;
      r.status = 204;
      return r;
    });
    http::ServerOptions options;
    options.port = 0;
    options.io_threads = 3;  // several loops: connections land on each in turn
    options.worker_threads = 2;
    options.access_log = false;
    server_ = std::make_unique<http::Server>(options, router_);
    port_ = *server_->Listen();
    thread_ = std::thread([this] { server_->Run(); });
  }
  void TearDown() override {
    server_->Stop();
    thread_.join();
  }

  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(HttpServerTest, AHeaderWithALineBreakIsDroppedNotSent) {
  HttpResult r = SendRaw(port_, "GET /split HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("x-safe").value_or(""), "yes");
  EXPECT_FALSE(r.Header("x-bad").has_value());
  EXPECT_FALSE(r.Header("injected").has_value());
  EXPECT_FALSE(r.Header("x-nul").has_value());
  EXPECT_FALSE(r.Header("bad name").has_value());
  EXPECT_EQ(r.Header("content-length").value_or(""), "4");  // the server's, not the handler's
  EXPECT_EQ(r.body, "body");
}

TEST_F(HttpServerTest, HeadHasTheLengthOfTheBodyItDoesNotSend) {
  HttpResult r = SendRaw(port_, "HEAD /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-length").value_or(""), "5");
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.Header("connection").value_or(""), "close");
}

TEST_F(HttpServerTest, A204HasNoContentLength) {
  HttpResult r = SendRaw(port_, "GET /empty HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.status, 204);
  EXPECT_FALSE(r.Header("content-length").has_value());
}

TEST_F(HttpServerTest, Http10ClosesUnlessAskedToKeepAlive) {
  HttpResult closed = SendRaw(port_, "GET /hello HTTP/1.0\r\n\r\n");
  EXPECT_EQ(closed.status, 200);
  EXPECT_EQ(closed.body, "hello");
  EXPECT_FALSE(closed.Header("connection").has_value());
  // Asked to keep alive, the server says so and answers the next request on the connection.
  HttpResult kept = SendRaw(port_,
                            "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                            "GET /hello HTTP/1.0\r\n\r\n");
  EXPECT_EQ(kept.status, 200);
  EXPECT_EQ(kept.Header("connection").value_or(""), "keep-alive");
  EXPECT_THAT(kept.body, HasSubstr("HTTP/1.0 200 OK"));
}

TEST_F(HttpServerTest, ManyConnectionsAtOnceAreAllAnswered) {
  std::vector<std::thread> clients;
  std::atomic<int> answered{0};
  for (int i = 0; i < 24; ++i) {
    clients.emplace_back([&] {
      HttpResult r = SendRaw(port_,
                             "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                             "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      if (r.status == 200 && r.body.find("hello") != std::string::npos &&
          r.body.find("HTTP/1.1 200 OK") != std::string::npos)
        ++answered;
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(answered.load(), 24);
}

}  // namespace
}  // namespace portico::testing
