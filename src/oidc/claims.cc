#include "oidc/claims.h"

#include <vector>

#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "oidc/protocol.h"

namespace portico::oidc {

std::string SubjectFor(const Client& client, const std::string& account_id,
                       std::string_view pairwise_key) {
  if (client.subject_type != "pairwise") return account_id;
  return crypto::Base64UrlEncode(
      crypto::HmacSha256(pairwise_key, client.sector_id + "|" + account_id));
}

void AddScopedClaims(const identity::Account& a, std::string_view scope, boost::json::object& out) {
  const identity::Profile& p = a.profile;
  if (HasScope(scope, "profile")) {
    out["name"] = p.display_name;
    out["given_name"] = p.given_name;
    out["family_name"] = p.family_name;
    if (!p.language.empty()) out["locale"] = p.language;
  }
  if (HasScope(scope, "email")) {
    out["email"] = a.email;
    out["email_verified"] = a.email_verified;
  }
  if (HasScope(scope, "address")) {
    boost::json::object address;
    address["street_address"] = p.street;
    address["locality"] = p.city;
    address["region"] = p.region;
    address["postal_code"] = p.postal_code;
    address["country"] = p.country;
    std::string formatted = p.street;
    for (const std::string* part : {&p.city, &p.region, &p.postal_code, &p.country}) {
      if (part->empty()) continue;
      if (!formatted.empty()) formatted += "\n";
      formatted += *part;
    }
    address["formatted"] = formatted;
    out["address"] = std::move(address);
  }
}

std::string NormalizeScope(std::string_view requested) {
  std::vector<std::string_view> kept;
  size_t start = 0;
  while (start <= requested.size()) {
    size_t end = requested.find(' ', start);
    if (end == std::string_view::npos) end = requested.size();
    std::string_view one = requested.substr(start, end - start);
    bool known = false;
    for (auto s : kSupportedScopes) known = known || s == one;
    bool seen = false;
    for (auto k : kept) seen = seen || k == one;
    if (known && !seen) kept.push_back(one);
    start = end + 1;
  }
  std::string out;
  for (auto k : kept) {
    if (!out.empty()) out += ' ';
    out += k;
  }
  return out;
}

}  // namespace portico::oidc
