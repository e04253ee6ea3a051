// SqliteOidcStore: OidcStore on the Network's SQLite database. See oidc_store.h.
#pragma once

#include "oidc/oidc_store.h"
#include "store/sqlite/database.h"

namespace portico::oidc {

class SqliteOidcStore final : public OidcStore {
 public:
  explicit SqliteOidcStore(store::sqlite::Database& db) : db_(db) {}

  Status InsertKey(const StoredKey& key) override;
  StatusOr<std::vector<StoredKey>> ListKeys(int64_t now) override;
  Status RetireKeys(const std::string& alg, const std::string& keep_kid, int64_t now,
                    int64_t remove_after) override;

  Status InsertClient(const Client& client) override;
  StatusOr<Client> FindClient(const std::string& id) override;
  StatusOr<std::vector<Client>> ListClients() override;
  Status DeleteClient(const std::string& id) override;
  Status SetClientSecretHash(const std::string& id, const std::string& secret_hash) override;

  StatusOr<std::optional<Consent>> FindConsent(const std::string& account_id,
                                               const std::string& client_id) override;
  Status SaveConsent(const std::string& account_id, const Consent& consent) override;
  StatusOr<std::vector<Consent>> ListConsents(const std::string& account_id) override;
  Status RevokeConsent(const std::string& account_id, const std::string& client_id,
                       int64_t now) override;

  StatusOr<Redemption> RedeemCode(const AuthorizationCode& code, int64_t now,
                                  int64_t refresh_expires_at,
                                  std::optional<identity::Account>* account) override;

  StatusOr<Redemption> RotateRefreshToken(const RefreshToken& presented,
                                          const std::string& client_id,
                                          const std::optional<std::string>& requested_scope,
                                          int64_t now, int64_t new_expires_at, Grant* grant,
                                          std::optional<identity::Account>* account) override;
  StatusOr<Grant> FindGrant(const std::string& id) override;
  StatusOr<Grant> FindGrantByRefreshToken(const RefreshToken& token, int64_t now) override;
  Status RevokeGrant(const std::string& grant_id, int64_t now) override;

  StatusOr<bool> ConsumeAssertion(const std::string& client_id, const std::string& jti,
                                  int64_t expires_at) override;
  StatusOr<std::vector<std::string>> ListSessionSites(const std::string& sid) override;
  StatusOr<std::vector<AccountSite>> ListAccountSites(const std::string& account_id) override;

  StatusOr<int> PurgeExpired(int64_t now) override;

  Status RevokeAccessToken(const std::string& jti, int64_t expires_at) override;
  StatusOr<AccessTokenState> CheckAccessToken(const std::string& jti, const std::string& grant_id,
                                              bool with_account) override;

 private:
  store::sqlite::Database& db_;
};

}  // namespace portico::oidc
