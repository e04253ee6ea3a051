// SqliteIdentityStore: IdentityStore on the embedded SQLite database (the default backend).
// See identity_store.h for the contract and store/sqlite/database.h for durability.
#pragma once

#include "identity/identity_store.h"
#include "store/sqlite/database.h"

namespace portico::identity {

// Row writers shared with SqliteEmailStore, for use inside a write transaction.
Status InsertAccountRows(store::sqlite::Connection& c, const NewAccount& account,
                         std::optional<int64_t> verified_at);
Status InsertSessionRow(store::sqlite::Connection& c, const Session& session);
// Row reader shared with the OpenID Connect store, so that a token step reads the person in the
// transaction it already has open: the account `id` with its primary address, or nullopt.
StatusOr<std::optional<Account>> ReadAccountById(store::sqlite::Connection& c,
                                                 const std::string& id);

class SqliteIdentityStore final : public IdentityStore {
 public:
  // `db` must outlive the store and have the Network's migrations applied.
  explicit SqliteIdentityStore(store::sqlite::Database& db) : db_(db) {}

  StatusOr<Account> CreateAccount(const NewAccount& account) override;
  StatusOr<Account> FindAccountById(const std::string& id) override;
  StatusOr<Account> FindAccountByEmailKey(const std::string& key) override;
  Status UpdateProfile(const std::string& id, const Profile& profile, int64_t now) override;
  Status SetDisabled(const std::string& id, std::optional<int64_t> disabled_at) override;
  StatusOr<std::vector<Account>> ListAccounts(int limit, int offset) override;

  StatusOr<AttemptDecision> BeginSignInAttempt(const std::string& subject, int64_t now,
                                               const ThrottlePolicy& policy) override;
  Status ClearSignInFailures(const std::string& subject) override;

  Status CompleteSignIn(const Session& session, const std::string& throttle_subject) override;
  StatusOr<Session> FindSession(const std::string& token_hash) override;
  StatusOr<SessionAndAccount> FindSessionAndAccount(const std::string& token_hash) override;
  Status TouchSession(const std::string& token_hash, int64_t now) override;
  Status DeleteSession(const std::string& token_hash) override;
  StatusOr<bool> DeleteSessionByPublicId(const std::string& account_id,
                                         const std::string& public_id) override;
  StatusOr<int> DeleteSessionsOfAccount(const std::string& account_id) override;
  StatusOr<std::vector<Session>> ListSessions(const std::string& account_id) override;
  Status ChangePassword(const std::string& account_id, const std::string& password_hash,
                        int64_t now, const Session& replacement) override;

  StatusOr<int> PurgeExpired(int64_t now) override;

  StatusOr<std::string> GetOrCreateSecret(const std::string& name,
                                          const std::function<std::string()>& generate,
                                          int64_t now) override;

 private:
  store::sqlite::Database& db_;
};

}  // namespace portico::identity
