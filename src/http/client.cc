#include "http/client.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace portico::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;

struct HttpClient::Impl {
  Impl() : tls(asio::ssl::context::tls_client) {
    tls.set_default_verify_paths();
    tls.set_verify_mode(asio::ssl::verify_peer);
  }
  asio::ssl::context tls;
};

namespace {

struct Url {
  bool https = false;
  std::string host;
  std::string port;
  std::string target;
};

std::optional<Url> ParseUrl(const std::string& url) {
  Url u;
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    u.https = true;
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    return std::nullopt;
  }
  size_t slash = rest.find_first_of("/?");
  std::string authority = rest.substr(0, slash);
  u.target = slash == std::string::npos ? "/" : rest.substr(slash);
  if (u.target.front() == '?') u.target = "/" + u.target;
  if (authority.empty() || authority.find('@') != std::string::npos) return std::nullopt;
  size_t colon = authority.rfind(':');
  bool ipv6 = authority.front() == '[';
  if (colon != std::string::npos && (!ipv6 || colon > authority.find(']'))) {
    u.host = authority.substr(0, colon);
    u.port = authority.substr(colon + 1);
  } else {
    u.host = authority;
    u.port = u.https ? "443" : "80";
  }
  if (ipv6 && u.host.size() > 2) u.host = u.host.substr(1, u.host.size() - 2);
  return u;
}

template <typename Stream>
StatusOr<ClientResponse> Exchange(Stream& stream, const Url& u, bool post,
                                  const std::string& content_type, const std::string& body,
                                  const HeaderList& headers, beast::tcp_stream& deadline_owner,
                                  std::chrono::milliseconds timeout) {
  bhttp::request<bhttp::string_body> req{post ? bhttp::verb::post : bhttp::verb::get, u.target, 11};
  req.set(bhttp::field::host, u.host);
  req.set(bhttp::field::user_agent, "portico");
  for (const auto& [name, value] : headers) req.set(name, value);
  if (post) {
    req.set(bhttp::field::content_type, content_type);
    req.body() = body;
  }
  req.prepare_payload();
  beast::error_code ec;
  deadline_owner.expires_after(timeout);
  bhttp::write(stream, req, ec);
  if (ec) return UnavailableError("write: " + ec.message());
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(256 * 1024);
  bhttp::read(stream, buffer, parser, ec);
  if (ec) return UnavailableError("read: " + ec.message());
  ClientResponse out;
  out.status = static_cast<int>(parser.get().result_int());
  out.body = parser.get().body();
  return out;
}

}  // namespace

HttpClient::HttpClient() : impl_(std::make_unique<Impl>()) {}
HttpClient::~HttpClient() = default;

StatusOr<ClientResponse> HttpClient::Post(const std::string& url, const std::string& content_type,
                                          const std::string& body,
                                          std::chrono::milliseconds timeout,
                                          const HeaderList& headers) {
  return Send(true, url, content_type, body, timeout, headers);
}

StatusOr<ClientResponse> HttpClient::Get(const std::string& url, std::chrono::milliseconds timeout,
                                         const HeaderList& headers) {
  return Send(false, url, "", "", timeout, headers);
}

StatusOr<ClientResponse> HttpClient::Send(bool post, const std::string& url,
                                          const std::string& content_type, const std::string& body,
                                          std::chrono::milliseconds timeout,
                                          const HeaderList& headers) {
  auto u = ParseUrl(url);
  if (!u) return InvalidArgumentError("not an absolute http(s) URL: " + url);
  asio::io_context io;
  beast::error_code ec;
  tcp::resolver resolver(io);
  auto endpoints = resolver.resolve(u->host, u->port, ec);
  if (ec) return UnavailableError("resolve " + u->host + ": " + ec.message());
  if (!u->https) {
    beast::tcp_stream stream(io);
    stream.expires_after(timeout);
    stream.connect(endpoints, ec);
    if (ec) return UnavailableError("connect " + u->host + ": " + ec.message());
    auto result = Exchange(stream, *u, post, content_type, body, headers, stream, timeout);
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    return result;
  }
  beast::ssl_stream<beast::tcp_stream> stream(io, impl_->tls);
  // SNI and host name verification (RFC 6125).
  if (!SSL_set_tlsext_host_name(stream.native_handle(), u->host.c_str())) {
    return UnavailableError("cannot set SNI for " + u->host);
  }
  stream.set_verify_callback(asio::ssl::host_name_verification(u->host));
  beast::get_lowest_layer(stream).expires_after(timeout);
  beast::get_lowest_layer(stream).connect(endpoints, ec);
  if (ec) return UnavailableError("connect " + u->host + ": " + ec.message());
  stream.handshake(asio::ssl::stream_base::client, ec);
  if (ec) return UnavailableError("TLS with " + u->host + ": " + ec.message());
  auto result = Exchange(stream, *u, post, content_type, body, headers,
                         beast::get_lowest_layer(stream), timeout);
  stream.shutdown(ec);
  return result;
}

}  // namespace portico::http
