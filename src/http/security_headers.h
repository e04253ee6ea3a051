// The headers every Portico response carries (SECURITY.md, OWASP ASVS V14.4).
#pragma once

#include <string>
#include <string_view>

#include "http/message.h"

namespace portico::http {

// A Content-Security-Policy without inline script or style; frame-ancestors 'none'.
inline constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

// The same policy with `origins` (space-separated) added to form-action: for pages whose form
// submission ends in a redirect to a site (sign-in for a site, consent), which browsers check
// against form-action too.
std::string ContentSecurityPolicyWithFormAction(std::string_view origins);

// Adds CSP, X-Content-Type-Options, Referrer-Policy, X-Frame-Options and a default
// Cache-Control: no-store to `response` unless the handler set them already.
void ApplySecurityHeaders(Response& response);

}  // namespace portico::http
