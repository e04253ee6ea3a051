// Wire names and error values of the OAuth 2.0 / OpenID Connect protocol, in one place.
//
// A ProtocolError carries `error` (RFC 6749 §5.2 / §4.1.2.1 codes), `description` (sent to the
// site) and `debug` (logged, never sent). JsonError renders one for the token, userinfo,
// revocation and introspection endpoints; authorize errors go back to the site by redirect once
// the redirect URI is validated (RFC 6749 §4.1.2.1), and are an error page before that.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "http/message.h"

namespace portico::oidc {

namespace wire {
inline constexpr char kInvalidRequest[] = "invalid_request";
inline constexpr char kInvalidClient[] = "invalid_client";
inline constexpr char kInvalidGrant[] = "invalid_grant";
inline constexpr char kUnauthorizedClient[] = "unauthorized_client";
inline constexpr char kUnsupportedGrantType[] = "unsupported_grant_type";
inline constexpr char kUnsupportedResponseType[] = "unsupported_response_type";
inline constexpr char kInvalidScope[] = "invalid_scope";
inline constexpr char kAccessDenied[] = "access_denied";
inline constexpr char kLoginRequired[] = "login_required";
inline constexpr char kConsentRequired[] = "consent_required";
inline constexpr char kInteractionRequired[] = "interaction_required";
inline constexpr char kRequestNotSupported[] = "request_not_supported";
inline constexpr char kRequestUriNotSupported[] = "request_uri_not_supported";
inline constexpr char kInvalidToken[] = "invalid_token";
inline constexpr char kServerError[] = "server_error";
inline constexpr char kTemporarilyUnavailable[] = "temporarily_unavailable";
}  // namespace wire

struct ProtocolError {
  std::string error;
  std::string description;
  std::string debug;
  int status = 400;
};

// A JSON error response with Cache-Control: no-store (RFC 6749 §5.2). invalid_client at the
// token endpoint answers 401 with WWW-Authenticate when the client tried Basic.
http::Response JsonError(const ProtocolError& error);

// A JSON success response with Cache-Control: no-store and Pragma: no-cache (RFC 6749 §5.1).
http::Response JsonResponse(const boost::json::object& body, int status = 200);

// Appends `name=value` (percent-encoded) to a redirect URI's query, keeping any query it has.
std::string AppendQuery(const std::string& uri, const std::string& name, const std::string& value);

// Space-separated scope strings (RFC 6749 §3.3).
bool HasScope(std::string_view scope, std::string_view one);
// True when every value of the scope string `requested` is in `granted` (RFC 6749 §6: a
// refresh may narrow a grant's scope, never widen it). An empty value is never within.
bool ScopeWithin(std::string_view requested, std::string_view granted);

}  // namespace portico::oidc
