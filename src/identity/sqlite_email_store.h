// SqliteEmailStore: EmailStore on the Network's SQLite database (table email_tokens of migration
// 0003_mail.sql, and account_emails). See email_store.h for the contract.
#pragma once

#include "identity/email_store.h"
#include "identity/identity_store.h"
#include "store/sqlite/database.h"

namespace portico::identity {

class SqliteEmailStore final : public EmailStore {
 public:
  // `accounts` reads accounts back after they are written; both must outlive this store.
  SqliteEmailStore(store::sqlite::Database& db, IdentityStore& accounts)
      : db_(db), accounts_(accounts) {}

  Status CreateToken(const EmailToken& token) override;
  StatusOr<EmailToken> FindToken(const std::string& token_hash) override;
  StatusOr<EmailToken> FindByFlow(const std::string& flow_hash) override;
  StatusOr<EmailToken> Consume(const std::string& token_hash, TokenPurpose purpose,
                               int64_t now) override;
  StatusOr<CodeVerdict> ConsumeCode(const CodeTarget& target, const std::string& code, int64_t now,
                                    int max_failures, EmailToken* token) override;
  Status Renew(const std::string& old_token_hash, const std::string& new_token_hash,
               const std::string& new_code_hash, int64_t expires_at) override;
  Status Expire(const std::string& token_hash, int64_t now) override;
  Status MarkVerified(const std::string& account_id, const std::string& key, int64_t now) override;
  StatusOr<std::vector<EmailToken>> LiveTokens(const std::string& account_id, TokenPurpose purpose,
                                               int64_t now) override;
  Status Cancel(const std::string& account_id, const std::string& public_id, int64_t now) override;

  StatusOr<std::vector<EmailEntry>> ListAddresses(const std::string& account_id) override;
  Status AddVerifiedAddress(const std::string& account_id, const std::string& address,
                            const std::string& key, bool make_primary, int max_addresses,
                            int64_t now, std::optional<EmailEntry>* previous) override;
  Status SetPrimary(const std::string& account_id, const std::string& key, int64_t now,
                    EmailEntry* previous) override;
  Status RemoveAddress(const std::string& account_id, const std::string& key) override;
  Status RestorePrimary(const std::string& account_id, const std::string& restore_address,
                        const std::string& restore_key, const std::string& drop_key,
                        int64_t now) override;
  StatusOr<Account> CreateVerifiedAccount(const NewAccount& account,
                                          const std::optional<Session>& session) override;
  StatusOr<int> PurgeTokens(int64_t now) override;

 private:
  store::sqlite::Database& db_;
  IdentityStore& accounts_;
};

// SHA-256(token_hash || code): how a code is stored and compared.
std::string HashCode(const std::string& token_hash, const std::string& code);

}  // namespace portico::identity
