#include "test_server.h"

#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace portico::testing {

TestServer::TestServer(network::NetworkConfig config) {
  char tmpl[] = "/tmp/portico-it-XXXXXX";
  dir_ = ::mkdtemp(tmpl);
  config.data_dir = dir_.string();
  config.listen_port = 0;
  config.access_log = false;
  auto app = network::NetworkApp::Create(config, &clock_);
  if (!app.ok()) throw std::runtime_error(app.status().ToString());
  app_ = std::move(*app);
  http::ServerOptions options;
  options.port = 0;
  options.access_log = false;
  options.io_threads = 2;
  options.worker_threads = 2;
  server_ = std::make_unique<http::Server>(options, app_->router());
  auto port = server_->Listen();
  if (!port.ok()) throw std::runtime_error(port.status().ToString());
  port_ = *port;
  app_->SetPublicUrl("http://localhost:" + std::to_string(port_));
  app_->StartCourier();
  thread_ = std::thread([this] { server_->Run(); });
}

TestServer::~TestServer() {
  server_->Stop();
  thread_.join();
  server_.reset();
  app_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace portico::testing
