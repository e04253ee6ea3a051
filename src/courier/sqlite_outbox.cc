#include "courier/sqlite_outbox.h"

namespace portico::courier {

using store::sqlite::Connection;
using store::sqlite::Statement;

namespace {

constexpr char kColumns[] =
    "id, recipient, subject, text_body, html_body, kind, account_id, state, attempts, created_at, "
    "next_attempt_at, last_error, sent_at";

StoredMessage ReadMessage(const Statement& s) {
  StoredMessage m;
  m.id = s.Int(0);
  m.message.to = s.Text(1);
  m.message.subject = s.Text(2);
  m.message.text = s.Text(3);
  m.message.html = s.Text(4);
  m.message.kind = s.Text(5);
  m.message.account_id = s.Text(6);
  std::string state = s.Text(7);
  m.state = state == "sent"   ? MessageState::kSent
            : state == "dead" ? MessageState::kDead
                              : MessageState::kPending;
  m.attempts = static_cast<int>(s.Int(8));
  m.created_at = s.Int(9);
  m.next_attempt_at = s.Int(10);
  m.last_error = s.Text(11);
  m.sent_at = s.OptionalInt(12);
  return m;
}

// Charges one message to every limit, or refuses (kResourceExhausted) when one is spent. Runs
// inside the caller's write transaction, so a refusal rolls the whole request back.
Status ChargeLimits(Connection& c, const std::vector<RateLimit>& limits, int64_t now) {
  for (const RateLimit& limit : limits) {
    PORTICO_ASSIGN_OR_RETURN(
        auto read, c.Prepare("SELECT window_start, used FROM mail_budgets WHERE subject = ?"));
    read.Bind(1, limit.subject);
    PORTICO_ASSIGN_OR_RETURN(bool row, read.Step());
    int64_t window_start = now;
    int64_t used = 0;
    if (row && read.Int(0) + limit.window_seconds > now) {
      window_start = read.Int(0);
      used = read.Int(1);
    }
    if (used >= limit.max) return ResourceExhaustedError("mail budget spent: " + limit.subject);
    PORTICO_ASSIGN_OR_RETURN(
        auto write, c.Prepare("INSERT INTO mail_budgets (subject, window_start, used) VALUES "
                              "(?1, ?2, ?3) ON CONFLICT(subject) DO UPDATE SET "
                              "window_start = ?2, used = ?3"));
    write.Bind(1, limit.subject).Bind(2, window_start).Bind(3, used + 1);
    PORTICO_RETURN_IF_ERROR(write.Run());
  }
  return OkStatus();
}

}  // namespace

StatusOr<int64_t> SqliteOutbox::Submit(const Message& m, const std::vector<RateLimit>& limits,
                                       int64_t now) {
  int64_t id = 0;
  PORTICO_RETURN_IF_ERROR(db_.Write([&](Connection& c) {
    PORTICO_RETURN_IF_ERROR(ChargeLimits(c, limits, now));
    PORTICO_ASSIGN_OR_RETURN(
        auto s, c.Prepare("INSERT INTO outbox (recipient, subject, text_body, html_body, kind, "
                          "account_id, state, created_at, next_attempt_at) "
                          "VALUES (?,?,?,?,?,?,'pending',?,?) RETURNING id"));
    s.Bind(1, m.to).Bind(2, m.subject).Bind(3, m.text).Bind(4, m.html).Bind(5, m.kind);
    s.Bind(6, m.account_id).Bind(7, now).Bind(8, now);
    PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return InternalError("INSERT … RETURNING gave no row");
    id = s.Int(0);
    return OkStatus();
  }));
  return id;
}

Status SqliteOutbox::Charge(const std::vector<RateLimit>& limits, int64_t now) {
  return db_.Write([&](Connection& c) { return ChargeLimits(c, limits, now); });
}

StatusOr<std::vector<StoredMessage>> SqliteOutbox::ClaimDue(int64_t now, int limit,
                                                            int64_t lease_seconds) {
  std::vector<StoredMessage> claimed;
  PORTICO_RETURN_IF_ERROR(db_.Write(
      [&](Connection& c) {
        claimed.clear();
        // The lease moves next_attempt_at forward in the same statement that selects, so two
        // deliverers (threads or nodes) never receive the same message inside one lease.
        PORTICO_ASSIGN_OR_RETURN(
            auto s, c.Prepare(std::string("UPDATE outbox SET next_attempt_at = ?1 WHERE id IN "
                                          "(SELECT id FROM outbox WHERE state = 'pending' AND "
                                          "next_attempt_at <= ?2 ORDER BY next_attempt_at, id "
                                          "LIMIT ?3) RETURNING ") +
                              kColumns));
        s.Bind(1, now + lease_seconds).Bind(2, now).Bind(3, int64_t{limit});
        while (true) {
          PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
          if (!row) break;
          claimed.push_back(ReadMessage(s));
        }
        return OkStatus();
      },
      store::sqlite::Durability::kRelaxed));
  return claimed;
}

Status SqliteOutbox::MarkSent(int64_t id, int64_t now) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("UPDATE outbox SET state = 'sent', sent_at = ?, "
                                               "attempts = attempts + 1, last_error = '' "
                                               "WHERE id = ? AND state = 'pending'"));
    s.Bind(1, now).Bind(2, id);
    return s.Run();
  });
}

Status SqliteOutbox::MarkFailed(int64_t id, const std::string& error, int64_t retry_at, bool dead) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(
        auto s, c.Prepare("UPDATE outbox SET state = ?, attempts = attempts + 1, last_error = ?, "
                          "next_attempt_at = ? WHERE id = ? AND state = 'pending'"));
    s.Bind(1, dead ? "dead" : "pending").Bind(2, error.substr(0, 500)).Bind(3, retry_at);
    s.Bind(4, id);
    return s.Run();
  });
}

Status SqliteOutbox::WakeAll(int64_t now) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("UPDATE outbox SET next_attempt_at = ? "
                                               "WHERE state = 'pending' AND next_attempt_at > ?"));
    s.Bind(1, now).Bind(2, now);
    return s.Run();
  });
}

StatusOr<int> SqliteOutbox::Requeue(int64_t now) {
  int changed = 0;
  PORTICO_RETURN_IF_ERROR(db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("UPDATE outbox SET state = 'pending', attempts = 0, "
                                               "next_attempt_at = ? WHERE state = 'dead'"));
    s.Bind(1, now);
    PORTICO_RETURN_IF_ERROR(s.Run());
    changed = c.Changes();
    return OkStatus();
  }));
  return changed;
}

StatusOr<std::vector<StoredMessage>> SqliteOutbox::List(int limit) {
  std::vector<StoredMessage> out;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    out.clear();
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare(std::string("SELECT ") + kColumns +
                                               " FROM outbox ORDER BY id DESC LIMIT ?"));
    s.Bind(1, int64_t{limit});
    while (true) {
      PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      out.push_back(ReadMessage(s));
    }
    return OkStatus();
  }));
  return out;
}

StatusOr<OutboxCounts> SqliteOutbox::Counts() {
  OutboxCounts counts;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    counts = {};
    PORTICO_ASSIGN_OR_RETURN(auto s,
                             c.Prepare("SELECT state, count(*) FROM outbox GROUP BY state"));
    while (true) {
      PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      std::string state = s.Text(0);
      int n = static_cast<int>(s.Int(1));
      if (state == "pending") counts.pending = n;
      if (state == "sent") counts.sent = n;
      if (state == "dead") counts.dead = n;
    }
    return OkStatus();
  }));
  return counts;
}

StatusOr<int64_t> SqliteOutbox::NextDue() {
  int64_t due = 0;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(
        auto s, c.Prepare("SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'"));
    PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
    due = row && !s.IsNull(0) ? s.Int(0) : 0;
    return OkStatus();
  }));
  return due;
}

StatusOr<int> SqliteOutbox::Purge(int64_t sent_before, int64_t now) {
  int deleted = 0;
  PORTICO_RETURN_IF_ERROR(db_.Write([&](Connection& c) {
    deleted = 0;
    PORTICO_ASSIGN_OR_RETURN(auto s,
                             c.Prepare("DELETE FROM outbox WHERE state = 'sent' AND sent_at < ?"));
    s.Bind(1, sent_before);
    PORTICO_RETURN_IF_ERROR(s.Run());
    deleted += c.Changes();
    // A budget window is at most a day long; older rows no longer limit anything.
    PORTICO_ASSIGN_OR_RETURN(auto b, c.Prepare("DELETE FROM mail_budgets WHERE window_start < ?"));
    b.Bind(1, now - 86400);
    PORTICO_RETURN_IF_ERROR(b.Run());
    deleted += c.Changes();
    return OkStatus();
  }));
  return deleted;
}

}  // namespace portico::courier
