// Message: one e-mail as the courier keeps it — rendered once, when it is queued, so that what
// is delivered later (after retries, a restart, on another node) is exactly what was decided.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace portico::courier {

// What a flow hands to the courier.
struct Message {
  std::string to;          // one address, as the person typed it
  std::string subject;     // UTF-8, one line
  std::string text;        // text/plain body (UTF-8)
  std::string html;        // text/html body (UTF-8); escaped by the template
  std::string kind;        // "verify", "reset", … — for logs and the operator's view
  std::string account_id;  // the account it concerns, or "" (a stranger's address)
};

enum class MessageState { kPending, kSent, kDead };

// A message in the outbox.
struct StoredMessage {
  int64_t id = 0;
  Message message;
  MessageState state = MessageState::kPending;
  int attempts = 0;  // delivery attempts so far
  int64_t created_at = 0;
  int64_t next_attempt_at = 0;
  std::string last_error;  // the last delivery failure, for the operator
  std::optional<int64_t> sent_at;
};

}  // namespace portico::courier
