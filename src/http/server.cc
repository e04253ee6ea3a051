// The only translation unit that knows Boost.Beast and Asio for serving (see server.h).
#include "http/server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <exception>
#include <thread>
#include <tuple>
#include <vector>

#include "core/log.h"
#include "http/security_headers.h"

namespace portico::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

struct Server::Impl {
  Impl(ServerOptions o, const Router& r)
      : options(std::move(o)),
        router(r),
        io(MakeContexts(Resolve(options.io_threads))),
        workers(static_cast<size_t>(Resolve(options.worker_threads))),
        acceptor(*io.front()),
        signals(*io.front()) {}

  static int Resolve(int n) {
    if (n > 0) return n;
    unsigned hw = std::thread::hardware_concurrency();
    return hw == 0 ? 1 : static_cast<int>(hw);
  }
  // One event loop per I/O thread, each run by that thread alone (concurrency hint 1): a
  // connection lives on one loop, so its events never wake another thread.
  static std::vector<std::unique_ptr<asio::io_context>> MakeContexts(int n) {
    std::vector<std::unique_ptr<asio::io_context>> out;
    for (int i = 0; i < n; ++i) out.push_back(std::make_unique<asio::io_context>(1));
    return out;
  }
  void StopLoops() {
    for (auto& loop : io) loop->stop();
  }

  awaitable<void> Accept();
  awaitable<void> Serve(tcp::socket socket);
  awaitable<Response> Dispatch(const Request& request);
  void BeginShutdown();

  ServerOptions options;
  const Router& router;
  std::vector<std::unique_ptr<asio::io_context>> io;  // [0] also runs the acceptor and signals
  size_t next_loop = 0;                               // round robin, used by Accept only
  asio::thread_pool workers;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  std::atomic<int> in_flight{0};
  std::atomic<int> connections{0};
  std::atomic<bool> stopping{false};
};

namespace {

Request ToRequest(const bhttp::request<bhttp::string_body>& in, const std::string& remote) {
  Request out;
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  SplitTarget(out.target, &out.path, &out.query);
  out.headers.reserve(8);
  for (const auto& field : in) {
    std::string name(field.name_string());
    for (char& c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    out.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  out.body = in.body();
  out.remote_address = remote;
  return out;
}

// RFC 9110 §5.1 (a token) for a header name; §5.5 for a value: no control character but HTAB.
bool IsHeaderName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}
bool IsHeaderValue(std::string_view value) {
  for (unsigned char c : value)
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  return true;
}
// Framing is the server's alone: a handler's own copy of these would contradict it.
bool IsFramingHeader(std::string_view name) {
  for (std::string_view framing : {"content-length", "transfer-encoding", "connection"}) {
    if (name.size() == framing.size() &&
        std::equal(name.begin(), name.end(), framing.begin(), [](char a, char b) {
          return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
        }))
      return true;
  }
  return false;
}

// The whole response as it goes on the wire, in one buffer: one write(2) and no walk over a
// sequence of small buffers. Content-Length on every response that may have a body (RFC 9110
// §8.6: never on 1xx and 204; a 304 answers without one); "Connection: close" when the
// connection ends after it (HTTP/1.1), "Connection: keep-alive" when it does not (HTTP/1.0).
// A header that is not a valid field, or that would contradict the framing, is dropped and
// logged, never sent (no response splitting, whatever a handler put there).
std::string Serialize(Response&& in, unsigned version, bool keep_alive, bool head) {
  const bool bodiless = in.status < 200 || in.status == 204 || in.status == 304;
  size_t size = 128 + (head || bodiless ? 0 : in.body.size());
  for (const auto& [name, value] : in.headers) size += name.size() + value.size() + 4;
  std::string out;
  out.reserve(size);
  out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(in.status);
  out += ' ';
  out += bhttp::obsolete_reason(bhttp::int_to_status(static_cast<unsigned>(in.status)));
  out += "\r\nServer: portico\r\n";
  for (const auto& [name, value] : in.headers) {
    if (!IsHeaderName(name) || !IsHeaderValue(value) || IsFramingHeader(name)) {
      log::Error("response_header_dropped", {{"name", IsHeaderName(name) ? name : "?"}});
      continue;
    }
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (!bodiless) {
    out += "Content-Length: ";
    out += std::to_string(in.body.size());
    out += "\r\n";
  }
  if (version >= 11 && !keep_alive) out += "Connection: close\r\n";
  if (version < 11 && keep_alive) out += "Connection: keep-alive\r\n";
  out += "\r\n";
  if (!head && !bodiless) out += in.body;
  return out;
}

int StatusForParseError(const beast::error_code& ec) {
  if (ec == bhttp::error::body_limit) return 413;
  if (ec == bhttp::error::header_limit) return 431;
  return 400;
}

std::string_view ReasonForParseError(int status) {
  switch (status) {
    case 413:
      return "The request body is too large.";
    case 431:
      return "The request headers are too large.";
    default:
      return "The request could not be understood.";
  }
}

}  // namespace

awaitable<Response> Server::Impl::Dispatch(const Request& request) {
  bool path_known = false;
  const Route* route = router.Find(request.method, request.path, &path_known);
  if (route == nullptr) {
    if (!path_known) co_return router.RenderError(404, "There is no page at this address.");
    Response r = router.RenderError(405, "This address does not accept that method.");
    r.SetHeader("Allow", router.AllowedMethods(request.path));
    co_return r;
  }
  if (route->execution == Execution::kInline) co_return route->handler(request);
  // Hop to the worker pool for the handler, and back to this connection's executor after.
  co_return co_await asio::co_spawn(
      workers, [route, &request]() -> awaitable<Response> { co_return route->handler(request); },
      use_awaitable);
}

awaitable<void> Server::Impl::Serve(tcp::socket socket) {
  std::string remote;
  {
    beast::error_code ec;
    auto endpoint = socket.remote_endpoint(ec);
    if (!ec) remote = endpoint.address().to_string();
  }
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;  // bounded by the parser's header and body limits
  bool first = true;
  while (!stopping.load()) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<uint32_t>(options.max_header_bytes));
    parser.body_limit(options.max_body_bytes);
    // A keep-alive connection may wait idle_timeout for its next request's header; a new
    // connection gets read_timeout. The body then has read_timeout of its own.
    stream.expires_after(first ? options.read_timeout : options.idle_timeout);
    first = false;
    auto [ec, bytes] = co_await bhttp::async_read_header(stream, buffer, parser, kAsTuple);
    if (!ec && !parser.is_done()) {
      stream.expires_after(options.read_timeout);
      std::tie(ec, bytes) = co_await bhttp::async_read(stream, buffer, parser, kAsTuple);
    }
    (void)bytes;
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
        ec == beast::error::timeout || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset) {
      break;
    }
    auto started = std::chrono::steady_clock::now();
    if (ec) {
      int status = StatusForParseError(ec);
      Response r = router.RenderError(status, ReasonForParseError(status));
      ApplySecurityHeaders(r);
      std::string out = Serialize(std::move(r), 11, false, false);
      stream.expires_after(options.read_timeout);
      co_await asio::async_write(stream, asio::buffer(out), kAsTuple);
      if (options.access_log) {
        log::Info("http_request", {{"method", "-"},
                                   {"path", "-"},
                                   {"status", status},
                                   {"error", ec.message()},
                                   {"remote", remote}});
      }
      break;
    }
    auto& wire = parser.get();
    bool keep_alive = wire.keep_alive() && !stopping.load();
    bool head = wire.method() == bhttp::verb::head;
    Request request = ToRequest(wire, remote);
    in_flight.fetch_add(1);
    Response response;
    try {
      response = co_await Dispatch(request);
    } catch (const std::exception& e) {
      log::Error("handler_exception", {{"path", request.path}, {"what", e.what()}});
      response = router.RenderError(500, "Something went wrong on our side. Please try again.");
    }
    ApplySecurityHeaders(response);
    int status = response.status;
    size_t body_size = response.body.size();
    std::string out = Serialize(std::move(response), wire.version(), keep_alive, head);
    stream.expires_after(options.read_timeout);
    auto [write_ec, written] = co_await asio::async_write(stream, asio::buffer(out), kAsTuple);
    (void)written;
    in_flight.fetch_sub(1);
    if (options.access_log) {
      auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
      log::Info("http_request", {{"method", request.method},
                                 {"path", request.path},
                                 {"status", status},
                                 {"bytes", static_cast<unsigned long>(body_size)},
                                 {"micros", static_cast<long long>(micros)},
                                 {"remote", remote}});
    }
    if (write_ec || !keep_alive) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

awaitable<void> Server::Impl::Accept() {
  while (!stopping.load()) {
    // Each connection goes to the next loop in turn and stays there.
    asio::io_context& loop = *io[next_loop];
    next_loop = (next_loop + 1) % io.size();
    auto [ec, socket] = co_await acceptor.async_accept(loop, kAsTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping.load()) break;
      log::Warn("accept_failed", {{"error", ec.message()}});
      continue;
    }
    beast::error_code ignored;
    if (connections.load() >= options.max_connections) {
      log::Warn("connection_refused", {{"reason", "max_connections"}});
      socket.close(ignored);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ignored);
    connections.fetch_add(1);
    asio::co_spawn(loop.get_executor(), Serve(std::move(socket)),
                   [this](std::exception_ptr) { connections.fetch_sub(1); });
  }
}

void Server::Impl::BeginShutdown() {
  if (stopping.exchange(true)) return;
  asio::post(*io.front(), [this] {
    beast::error_code ignored;
    acceptor.close(ignored);
    signals.cancel(ignored);
    // Let requests in flight finish, then stop the loop (idle keep-alive connections drop).
    auto deadline = std::chrono::steady_clock::now() + options.drain_timeout;
    auto timer = std::make_shared<asio::steady_timer>(*io.front());
    auto poll = std::make_shared<std::function<void()>>();
    *poll = [this, timer, deadline, poll] {
      if (in_flight.load() == 0 || std::chrono::steady_clock::now() >= deadline) {
        StopLoops();
        *poll = nullptr;  // break the self-reference
        return;
      }
      timer->expires_after(std::chrono::milliseconds(10));
      timer->async_wait([poll](const beast::error_code&) {
        if (*poll) (*poll)();
      });
    };
    (*poll)();
  });
}

Server::Server(ServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

Server::~Server() {
  Stop();
  impl_->workers.join();
}

StatusOr<uint16_t> Server::Listen() {
  beast::error_code ec;
  auto address = asio::ip::make_address(impl_->options.address, ec);
  if (ec)
    return InvalidArgumentError("listen address '" + impl_->options.address + "': " + ec.message());
  tcp::endpoint endpoint(address, impl_->options.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return UnavailableError("cannot listen on " + impl_->options.address + ":" +
                            std::to_string(impl_->options.port) + ": " + ec.message());
  }
  return acceptor.local_endpoint().port();
}

void Server::Run() {
  Impl& impl = *impl_;
  if (impl.options.handle_signals) {
    impl.signals.add(SIGINT);
    impl.signals.add(SIGTERM);
    impl.signals.async_wait([&impl](const beast::error_code& ec, int signal) {
      if (ec) return;
      log::Info("shutdown_requested", {{"signal", signal}});
      impl.BeginShutdown();
    });
  }
  asio::co_spawn(*impl.io.front(), impl.Accept(), asio::detached);
  // The other loops have no work until a connection arrives: keep them running until stopped.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep;
  for (auto& loop : impl.io) keep.push_back(asio::make_work_guard(*loop));
  std::vector<std::thread> threads;
  for (size_t i = 1; i < impl.io.size(); ++i)
    threads.emplace_back([loop = impl.io[i].get()] { loop->run(); });
  impl.io.front()->run();
  impl.StopLoops();  // io[0] ends only through StopLoops, but be sure the others end with it
  for (auto& t : threads) t.join();
}

void Server::Stop() { impl_->BeginShutdown(); }

}  // namespace portico::http
