#include "oidc/protocol.h"

#include <boost/json/serialize.hpp>

#include "core/log.h"
#include "http/form.h"

namespace portico::oidc {

http::Response JsonResponse(const boost::json::object& body, int status) {
  http::Response r;
  r.status = status;
  r.SetHeader("Content-Type", "application/json");
  r.SetHeader("Cache-Control", "no-store");
  r.SetHeader("Pragma", "no-cache");
  r.body = boost::json::serialize(body);
  return r;
}

http::Response JsonError(const ProtocolError& e) {
  if (!e.debug.empty()) log::Info("oauth_error", {{"error", e.error}, {"debug", e.debug}});
  boost::json::object body;
  body["error"] = e.error;
  if (!e.description.empty()) body["error_description"] = e.description;
  http::Response r = JsonResponse(body, e.status);
  if (e.status == 401) r.SetHeader("WWW-Authenticate", "Basic realm=\"portico\"");
  return r;
}

std::string AppendQuery(const std::string& uri, const std::string& name, const std::string& value) {
  std::string out = uri;
  out += uri.find('?') == std::string::npos ? '?' : '&';
  out += http::PercentEncode(name);
  out += '=';
  out += http::PercentEncode(value);
  return out;
}

bool HasScope(std::string_view scope, std::string_view one) {
  size_t start = 0;
  while (start <= scope.size()) {
    size_t end = scope.find(' ', start);
    if (end == std::string_view::npos) end = scope.size();
    if (scope.substr(start, end - start) == one) return true;
    start = end + 1;
  }
  return false;
}

bool ScopeWithin(std::string_view requested, std::string_view granted) {
  for (size_t start = 0; start <= requested.size();) {
    size_t end = requested.find(' ', start);
    if (end == std::string_view::npos) end = requested.size();
    if (!HasScope(granted, requested.substr(start, end - start))) return false;
    start = end + 1;
  }
  return true;
}

}  // namespace portico::oidc
