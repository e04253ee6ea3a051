// Outbox: the durable queue between the flows that decide to write to someone and the worker
// that delivers (the transactional-outbox pattern). A message is in the database before the
// person is told "we sent you a message", so a crash, a restart or an SMTP outage loses nothing.
//
// Several nodes may share one outbox: ClaimDue leases a message to one deliverer for a while,
// so a message is handed out once per lease, and a deliverer that dies only delays it.
//
// Rate limits (what a stranger can trigger): Submit counts the message against its rate subjects
// ("address:<key>", "account:<id>") in the same transaction that queues it, and refuses it when a
// subject is over its budget. Count charges the budget without queuing anything, so a request for
// an unknown address costs the same write as one for a known address.
//
// Contract for every method: OK means committed; kUnavailable means nothing changed.
// Implementations: SqliteOutbox. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "courier/message.h"

namespace portico::courier {

// A budget: at most `max` messages per `window_seconds` for one subject.
struct RateLimit {
  std::string subject;
  int max = 0;
  int64_t window_seconds = 3600;
};

struct OutboxCounts {
  int pending = 0;
  int sent = 0;
  int dead = 0;
};

class Outbox {
 public:
  virtual ~Outbox() = default;

  // Queues `message`, due now, after charging every limit in `limits`.
  // Returns the message id. Errors: kResourceExhausted (a limit is spent; nothing queued).
  virtual StatusOr<int64_t> Submit(const Message& message, const std::vector<RateLimit>& limits,
                                   int64_t now) = 0;
  // Charges `limits` without queuing a message. Errors: kResourceExhausted when one is spent.
  virtual Status Charge(const std::vector<RateLimit>& limits, int64_t now) = 0;

  // Up to `limit` pending messages due at `now`, oldest first, each leased until
  // `now + lease_seconds` (not handed out again before then).
  virtual StatusOr<std::vector<StoredMessage>> ClaimDue(int64_t now, int limit,
                                                        int64_t lease_seconds) = 0;
  virtual Status MarkSent(int64_t id, int64_t now) = 0;
  // Records a failed attempt: the message is tried again at `retry_at`, or, when `dead`, kept as
  // dead-lettered for the operator and never tried again.
  virtual Status MarkFailed(int64_t id, const std::string& error, int64_t retry_at, bool dead) = 0;
  // Makes every pending message due now (the operator's `mail retry`; a message being delivered
  // at that moment may then go out twice: delivery is at-least-once).
  virtual Status WakeAll(int64_t now) = 0;
  // Dead-lettered messages back to pending with a fresh attempt count (operator). Returns how many.
  virtual StatusOr<int> Requeue(int64_t now) = 0;

  virtual StatusOr<std::vector<StoredMessage>> List(int limit) = 0;  // newest first
  virtual StatusOr<OutboxCounts> Counts() = 0;
  // Soonest next_attempt_at of a pending message, or 0 when none is pending.
  virtual StatusOr<int64_t> NextDue() = 0;
  // Deletes sent messages older than `sent_before` and spent rate windows. Returns rows deleted.
  virtual StatusOr<int> Purge(int64_t sent_before, int64_t now) = 0;
};

}  // namespace portico::courier
