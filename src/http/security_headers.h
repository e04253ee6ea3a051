// The headers every Portico response carries (SECURITY.md, OWASP ASVS V14.4).
#pragma once

#include "http/message.h"

namespace portico::http {

// A Content-Security-Policy without inline script or style; frame-ancestors 'none'.
inline constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

// Adds CSP, X-Content-Type-Options, Referrer-Policy, X-Frame-Options and a default
// Cache-Control: no-store to `response` unless the handler set them already.
void ApplySecurityHeaders(Response& response);

}  // namespace portico::http
