// SiteFixture: a site program (the Membership Center, the partner resources site) served over
// real HTTP on a free port, and registered as a first-party site at an in-process Network with
// its callback, post-logout and back-channel logout URIs: what `./run` does with the real
// programs. Tests reach the site as `site_`, at `origin_` (port `port_`), and the Network as
// `network_`; the site's data directory is removed after each test.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "core/clock.h"
#include "crypto/random.h"
#include "http/server.h"
#include "test_server.h"

namespace portico::testing {

// The path and query of an absolute URL on `origin`, or "" when it points elsewhere.
inline std::string PathOn(const std::string& url, const std::string& origin) {
  if (url.rfind(origin, 0) != 0) return "";
  return url.substr(origin.size());
}

// `Site::Create(Config, Clock&, int wait_seconds)` makes the site; `Config` has `public_url`,
// `data_dir` and `rp` (rp::RpConfig).
template <typename Site, typename Config>
class SiteFixture : public ::testing::Test {
 protected:
  explicit SiteFixture(std::string name) : name_(std::move(name)) {}

  void SetUp() override {
    http::ServerOptions options;
    options.port = 0;
    options.io_threads = 1;
    options.worker_threads = 2;
    options.access_log = false;
    server_ = std::make_unique<http::Server>(options, router_);
    port_ = *server_->Listen();
    origin_ = "http://localhost:" + std::to_string(port_);
    oidc::ClientSpec spec;
    spec.name = name_;
    spec.redirect_uris = {origin_ + "/callback"};
    spec.post_logout_redirect_uris = {origin_ + "/"};
    spec.backchannel_logout_uri =
        "http://127.0.0.1:" + std::to_string(port_) + "/backchannel-logout";
    spec.first_party = true;
    auto registered = network_.app().clients().Register(spec);
    ASSERT_TRUE(registered.ok()) << registered.status().ToString();
    std::string tmpl = ::testing::TempDir() + "portico-site-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    Config config;
    config.public_url = origin_;
    config.data_dir = dir_;
    config.rp.issuer = network_.origin();
    config.rp.client_id = registered->client.id;
    config.rp.client_secret = registered->secret;
    config.rp.cookie_key = crypto::SecureRandom::Get().Bytes(32);
    auto site = Site::Create(config, SystemClock::Get(), 5);
    ASSERT_TRUE(site.ok()) << site.status().ToString();
    site_ = std::move(*site);
    router_ = site_->router();
    thread_ = std::thread([this] { server_->Run(); });
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string name_;
  TestServer network_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<Site> site_;
  std::thread thread_;
  int port_ = 0;
  std::string origin_;
  std::string dir_;
};

}  // namespace portico::testing
