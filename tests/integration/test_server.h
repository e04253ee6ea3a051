// TestServer: the whole Network in-process on a free port over a fresh SQLite file, served by
// the real http::Server on a background thread. Stops and removes its data on destruction.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "http/server.h"
#include "network_app.h"

namespace portico::testing {

class TestServer {
 public:
  explicit TestServer(network::NetworkConfig config = {});
  ~TestServer();

  int port() const { return port_; }
  std::string origin() const { return "http://localhost:" + std::to_string(port_); }
  network::NetworkApp& app() { return *app_; }
  // The server's clock: frozen at the real time of start-up until a test moves it.
  FakeClock& clock() { return clock_; }

  // The messages the Network wrote to its drop folder (no SMTP server is configured here),
  // oldest first, after delivering whatever the outbox holds due.
  struct Mail {
    std::string to;  // the bare address
    std::string subject;
    std::string text;                // the decoded text/plain part
    std::string html;                // the decoded text/html part
    std::string Code() const;        // the first run of six digits in the text, or ""
    std::string Link() const;        // the first http(s) URL in the text, or ""
    std::string LinkTarget() const;  // Link() without scheme and host: "/path?query"
  };
  std::vector<Mail> Mails();
  // The newest message to `to` whose subject contains `subject`, or nullopt.
  std::optional<Mail> LatestMail(const std::string& to, const std::string& subject = "");

 private:
  FakeClock clock_{SystemClock::Get().NowSeconds()};
  std::filesystem::path dir_;
  std::unique_ptr<network::NetworkApp> app_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace portico::testing
