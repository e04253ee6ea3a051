// Claims released to sites by scope (OpenID Connect Core §5.4): profile, email, address,
// phone. `sub` is the account id (public) or a per-sector pairwise value (§8.1).
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "identity/account.h"
#include "oidc/model.h"

namespace portico::oidc {

// The scopes this provider knows; others in a request are ignored (RFC 6749 §3.3).
inline constexpr std::string_view kSupportedScopes[] = {"openid",  "profile", "email",
                                                        "address", "phone",   "offline_access"};

// The subject identifier of `account_id` for `client` (pairwise: HMAC under `pairwise_key`).
std::string SubjectFor(const Client& client, const std::string& account_id,
                       std::string_view pairwise_key);

// Adds the claims `scope` releases about `account` to `out`.
void AddScopedClaims(const identity::Account& account, std::string_view scope,
                     boost::json::object& out);

// The request's scope reduced to supported scopes, space-separated, in request order, no repeats.
std::string NormalizeScope(std::string_view requested);

}  // namespace portico::oidc
