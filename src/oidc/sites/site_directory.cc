#include "oidc/sites/site_directory.h"

#include <algorithm>

#include "core/log.h"
#include "oidc/client/client_registry.h"
#include "oidc/protocol.h"

namespace portico::oidc {

std::vector<std::string> DescribeScope(std::string_view scope) {
  std::vector<std::string> out = {"your account identifier"};
  if (HasScope(scope, "profile")) out.emplace_back("your name and language");
  if (HasScope(scope, "email")) out.emplace_back("your e-mail address");
  if (HasScope(scope, "address")) out.emplace_back("your mailing address");
  if (HasScope(scope, "offline_access")) out.emplace_back("access while you are signed out");
  return out;
}

StatusOr<std::vector<selfservice::SiteEntry>> SiteDirectory::Directory() {
  PORTICO_ASSIGN_OR_RETURN(auto clients, store_.ListClients());
  std::vector<selfservice::SiteEntry> out;
  for (const auto& c : clients) {
    if (!c.listed) continue;
    selfservice::SiteEntry e;
    e.client_id = c.id;
    e.name = c.name;
    // Only https (or loopback http) links and logos reach the page.
    if (c.home_uri.rfind("https://", 0) == 0 ||
        ClientRegistry::ValidateRedirectUri(c.home_uri).ok()) {
      e.home_uri = c.home_uri;
    }
    if (c.logo_uri.rfind("https://", 0) == 0) e.logo_uri = c.logo_uri;
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

StatusOr<std::vector<selfservice::SiteEntry>> SiteDirectory::SitesOf(
    const std::string& account_id) {
  PORTICO_ASSIGN_OR_RETURN(auto sites, store_.ListAccountSites(account_id));
  std::vector<selfservice::SiteEntry> out;
  for (const auto& s : sites) {
    auto client = store_.FindClient(s.client_id);
    if (!client.ok()) continue;  // removed since
    selfservice::SiteEntry e;
    e.client_id = s.client_id;
    e.name = client->name;
    e.releases = DescribeScope(s.scope);
    e.last_used = s.last_at;
    out.push_back(std::move(e));
  }
  return out;
}

Status SiteDirectory::Revoke(const std::string& account_id, const std::string& client_id) {
  PORTICO_RETURN_IF_ERROR(store_.RevokeConsent(account_id, client_id, clock_.NowSeconds()));
  log::Info("site_access_revoked", {{"account", account_id}, {"client", client_id}});
  return OkStatus();
}

}  // namespace portico::oidc
