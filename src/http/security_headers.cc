#include "http/security_headers.h"

namespace portico::http {
namespace {

void SetIfAbsent(Response& r, const char* name, const char* value) {
  if (!r.Header(name)) r.AddHeader(name, value);
}

}  // namespace

std::string ContentSecurityPolicyWithFormAction(std::string_view origins) {
  std::string policy = kContentSecurityPolicy;
  if (origins.empty()) return policy;
  const std::string key = "form-action 'self'";
  size_t at = policy.find(key);
  if (at != std::string::npos) policy.insert(at + key.size(), " " + std::string(origins));
  return policy;
}

void ApplySecurityHeaders(Response& response) {
  SetIfAbsent(response, "Content-Security-Policy", kContentSecurityPolicy);
  SetIfAbsent(response, "X-Content-Type-Options", "nosniff");
  SetIfAbsent(response, "Referrer-Policy", "no-referrer");
  SetIfAbsent(response, "X-Frame-Options", "DENY");
  // Pages show personal data: nothing is cached unless a handler says otherwise.
  SetIfAbsent(response, "Cache-Control", "no-store");
}

}  // namespace portico::http
