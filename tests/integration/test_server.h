// TestServer: the whole Network in-process on a free port over a fresh SQLite file, served by
// the real http::Server on a background thread. Stops and removes its data on destruction.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <thread>

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

 private:
  FakeClock clock_{SystemClock::Get().NowSeconds()};
  std::filesystem::path dir_;
  std::unique_ptr<network::NetworkApp> app_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace portico::testing
