// SqliteOutbox: the Outbox in the Network's SQLite database (tables outbox and mail_budgets,
// migration 0003_mail.sql). Thread-safe; see outbox.h for the contract.
#pragma once

#include "courier/outbox.h"
#include "store/sqlite/database.h"

namespace portico::courier {

class SqliteOutbox final : public Outbox {
 public:
  explicit SqliteOutbox(store::sqlite::Database& db) : db_(db) {}

  StatusOr<int64_t> Submit(const Message& message, const std::vector<RateLimit>& limits,
                           int64_t now) override;
  Status Charge(const std::vector<RateLimit>& limits, int64_t now) override;
  StatusOr<std::vector<StoredMessage>> ClaimDue(int64_t now, int limit,
                                                int64_t lease_seconds) override;
  Status MarkSent(int64_t id, int64_t now) override;
  Status MarkFailed(int64_t id, const std::string& error, int64_t retry_at, bool dead) override;
  Status WakeAll(int64_t now) override;
  StatusOr<int> Requeue(int64_t now) override;
  StatusOr<std::vector<StoredMessage>> List(int limit) override;
  StatusOr<OutboxCounts> Counts() override;
  StatusOr<int64_t> NextDue() override;
  StatusOr<int> Purge(int64_t sent_before, int64_t now) override;

 private:
  store::sqlite::Database& db_;
};

}  // namespace portico::courier
