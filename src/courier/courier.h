// Courier: queues messages in the Outbox and delivers them in the background through a
// Transport, with retries and a dead-letter state (MISSION N2, N10; the issue "Mail").
//
// Submit returns once the message is committed to the outbox, so a flow can tell the person
// "we sent you a message" even while the SMTP server is down: the worker keeps trying. A failed
// attempt waits `first_retry_seconds`, then twice as long each time up to `max_retry_seconds`;
// after `max_attempts` (or a permanent 5xx refusal) the message is dead-lettered and the
// operator sees it in `portico-network mail list`. Delivery is at-least-once: a node that dies
// between the server's acceptance and MarkSent sends the message again after its lease.
//
// The worker is a std::thread woken by Submit and otherwise polling every `poll_seconds`, so
// messages queued by another node or before a restart are picked up. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "courier/outbox.h"
#include "courier/transport.h"
#include "crypto/random.h"

namespace portico::courier {

struct CourierOptions {
  std::string from = "Portico <no-reply@localhost>";  // the From header and envelope sender
  int max_attempts = 8;
  int64_t first_retry_seconds = 30;
  int64_t max_retry_seconds = 3600;
  int64_t lease_seconds = 60;  // reserved for this node: longer than one attempt can take
  int64_t poll_seconds = 30;
  int batch = 1;  // claimed at a time, so the lease covers one attempt
};

class Courier {
 public:
  Courier(Outbox& outbox, Transport& transport, Clock& clock, crypto::Random& random,
          CourierOptions options);
  ~Courier();  // stops the worker
  Courier(const Courier&) = delete;
  Courier& operator=(const Courier&) = delete;

  // Queues `message` after charging `limits` and wakes the worker.
  // Errors: kResourceExhausted (a budget is spent; nothing queued), kUnavailable.
  StatusOr<int64_t> Submit(const Message& message, const std::vector<RateLimit>& limits = {});
  // Charges `limits` without a message (see Outbox::Charge).
  Status Charge(const std::vector<RateLimit>& limits);

  // Starts the background worker (idempotent).
  void Start();
  // Stops it, waiting for an attempt in progress to finish.
  void Stop();

  // One delivery pass over the due messages; returns how many were delivered. The worker's work,
  // callable directly (tests).
  StatusOr<int> DeliverDue();

  // The wait before attempt number `attempts + 1`, after `attempts` failures.
  int64_t RetryDelay(int attempts) const;

  Outbox& outbox() { return outbox_; }
  const Transport& transport() const { return transport_; }

 private:
  void Run();

  Outbox& outbox_;
  Transport& transport_;
  Clock& clock_;
  crypto::Random& random_;
  CourierOptions options_;
  std::string from_address_;
  std::string domain_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread worker_;
};

}  // namespace portico::courier
