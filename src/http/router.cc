#include "http/router.h"

namespace portico::http {

Router::Router() : error_renderer_(PlainErrorPage) {}

void Router::Add(std::string method, std::string path, Handler handler, Execution execution) {
  paths_[path] += 1;
  routes_[{std::move(method), std::move(path)}] = Route{std::move(handler), execution};
}

const Route* Router::Find(std::string_view method, std::string_view path, bool* path_known) const {
  *path_known = paths_.find(path) != paths_.end();
  if (!*path_known) return nullptr;
  auto it = routes_.find(std::pair<std::string, std::string>(method, path));
  if (it == routes_.end() && method == "HEAD") {
    it = routes_.find(std::pair<std::string, std::string>("GET", path));
  }
  return it == routes_.end() ? nullptr : &it->second;
}

std::string Router::AllowedMethods(std::string_view path) const {
  std::string out;
  for (const auto& [key, route] : routes_) {
    if (key.second != path) continue;
    if (!out.empty()) out += ", ";
    out += key.first;
    if (key.first == "GET") out += ", HEAD";
  }
  return out;
}

Response PlainErrorPage(int status, std::string_view reason) {
  Response r;
  r.status = status;
  r.SetHeader("Content-Type", "text/html; charset=utf-8");
  std::string safe;
  for (char c : reason) {
    switch (c) {
      case '<':
        safe += "&lt;";
        break;
      case '>':
        safe += "&gt;";
        break;
      case '&':
        safe += "&amp;";
        break;
      case '"':
        safe += "&quot;";
        break;
      default:
        safe += c;
    }
  }
  r.body = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Error " +
           std::to_string(status) + "</title><h1>Error " + std::to_string(status) + "</h1><p>" +
           safe + "</p></html>";
  return r;
}

}  // namespace portico::http
