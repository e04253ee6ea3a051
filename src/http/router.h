// Router: maps (method, path) to a handler, and says how the handler runs.
//
// Paths match exactly (no patterns: every Portico route is a fixed path; ids travel in forms or
// queries). A handler is a plain function of a Request. Handlers marked kWorker run on the
// worker pool (anything that hashes a password or touches the database); kInline handlers run
// on the I/O thread and must finish in microseconds (health checks, static files).
// Built once at start-up, then read concurrently without locks.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "http/message.h"

namespace portico::http {

using Handler = std::function<Response(const Request&)>;

enum class Execution { kWorker, kInline };

struct Route {
  Handler handler;
  Execution execution = Execution::kWorker;
};

// Renders an error page for a status (404, 405, 400, 413, 431, 500) and a short reason.
using ErrorRenderer = std::function<Response(int status, std::string_view reason)>;

class Router {
 public:
  Router();

  void Add(std::string method, std::string path, Handler handler,
           Execution execution = Execution::kWorker);
  void Get(std::string path, Handler h, Execution e = Execution::kWorker) {
    Add("GET", std::move(path), std::move(h), e);
  }
  void Post(std::string path, Handler h, Execution e = Execution::kWorker) {
    Add("POST", std::move(path), std::move(h), e);
  }

  // The route for the request, or nullptr. `*path_known` tells a 405 from a 404.
  // HEAD falls back to GET (RFC 9110 §9.3.2); the server drops the body.
  const Route* Find(std::string_view method, std::string_view path, bool* path_known) const;

  // "GET, HEAD, POST" for a 405's Allow header (RFC 9110 §15.5.6).
  std::string AllowedMethods(std::string_view path) const;

  void SetErrorRenderer(ErrorRenderer renderer) { error_renderer_ = std::move(renderer); }
  Response RenderError(int status, std::string_view reason) const {
    return error_renderer_(status, reason);
  }

 private:
  std::map<std::pair<std::string, std::string>, Route, std::less<>> routes_;
  std::map<std::string, int, std::less<>> paths_;
  ErrorRenderer error_renderer_;
};

// A minimal HTML error page; apps install a nicer one through SetErrorRenderer.
Response PlainErrorPage(int status, std::string_view reason);

}  // namespace portico::http
