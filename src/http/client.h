// HttpClient: outgoing HTTP/1.1 requests (back-channel logout, and later fetching sites' JWKS)
// over Boost.Beast, with TLS certificate and host name verification for https.
//
// Each call is synchronous with an overall deadline, runs on the calling (worker) thread, and
// never follows redirects (a logout token must reach exactly the registered URI).
// Thread-safe: calls share nothing but the TLS context.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/status.h"
#include "http/message.h"

namespace portico::http {

struct ClientResponse {
  int status = 0;
  std::string body;
};

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();

  // POSTs `body` to the absolute http(s) URL `url`. Errors: kInvalidArgument (bad URL),
  // kUnavailable (connection, TLS or timeout), with the reason in the message.
  StatusOr<ClientResponse> Post(const std::string& url, const std::string& content_type,
                                const std::string& body,
                                std::chrono::milliseconds timeout = std::chrono::milliseconds(3000),
                                const HeaderList& headers = {});

  // GETs `url`. Errors as for Post.
  StatusOr<ClientResponse> Get(const std::string& url,
                               std::chrono::milliseconds timeout = std::chrono::milliseconds(3000),
                               const HeaderList& headers = {});

 private:
  struct Impl;
  StatusOr<ClientResponse> Send(bool post, const std::string& url, const std::string& content_type,
                                const std::string& body, std::chrono::milliseconds timeout,
                                const HeaderList& headers);
  std::unique_ptr<Impl> impl_;
};

}  // namespace portico::http
