// SiteDirectory: the provider's answer to the self-service pages' SitesView — the home page's
// site directory (MISSION N12) and account information's "sites you have signed in to" with
// revocation (N9, N11: consent is remembered and revocable). Thread-safe.
#pragma once

#include "core/clock.h"
#include "oidc/oidc_store.h"
#include "selfservice/web.h"

namespace portico::oidc {

class SiteDirectory final : public selfservice::SitesView {
 public:
  SiteDirectory(OidcStore& store, Clock& clock) : store_(store), clock_(clock) {}

  StatusOr<std::vector<selfservice::SiteEntry>> Directory() override;
  StatusOr<std::vector<selfservice::SiteEntry>> SitesOf(const std::string& account_id) override;
  // Deletes the consent and revokes every grant (and so every token) of the pair.
  Status Revoke(const std::string& account_id, const std::string& client_id) override;

 private:
  OidcStore& store_;
  Clock& clock_;
};

// What `scope` releases, in words for a person.
std::vector<std::string> DescribeScope(std::string_view scope);

}  // namespace portico::oidc
