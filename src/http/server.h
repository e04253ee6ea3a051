// Server: Portico's HTTP/1.1 server (Boost.Beast over Asio, C++20 coroutines).
//
// One listener accepts connections; each connection is a coroutine that reads a request with a
// deadline and size limits, dispatches it through the Router, and writes the answer, keeping
// the connection alive when the client asks. I/O runs on `io_threads` event loops, one per
// thread; the listener hands each new connection to the next loop in turn, and it stays there.
// Handlers marked kWorker run on a separate pool of `worker_threads`, so a 10 ms password hash
// never stalls I/O. A response goes out as one buffer (status line, headers, body).
// Every response gets the security headers (security_headers.h) and an access-log line.
// Malformed requests get 400, oversize headers 431, oversize bodies 413, and the connection is
// closed; a handler that throws yields 500 and a log line (a bug, never expected).
//
// Lifetime: construct, Listen(), then Run() on one thread (blocks). Stop() from any thread, or
// SIGINT/SIGTERM when `handle_signals`, stops accepting, lets requests in flight finish
// (up to `drain_timeout`), then returns from Run().
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "http/router.h"

namespace portico::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;    // 0: any free port (tests)
  int io_threads = 0;      // 0: one per core
  int worker_threads = 0;  // 0: one per core
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 256 * 1024;
  std::chrono::seconds read_timeout{15};  // to receive one whole request once it started
  std::chrono::seconds idle_timeout{30};  // keep-alive wait for the next request
  int max_connections = 10000;            // further connections are closed at once
  std::chrono::seconds drain_timeout{5};
  bool handle_signals = false;
  bool access_log = true;
};

class Server {
 public:
  Server(ServerOptions options, const Router& router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Returns the bound port. Errors: kUnavailable (address in use, no
  // permission) or kInvalidArgument (unparseable address).
  StatusOr<uint16_t> Listen();

  // Serves until Stop() or a signal. Call once, after Listen().
  void Run();

  // Asks Run() to finish. Thread-safe; idempotent.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace portico::http
