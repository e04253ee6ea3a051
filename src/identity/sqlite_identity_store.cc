#include "identity/sqlite_identity_store.h"

namespace portico::identity {

using store::sqlite::Connection;
using store::sqlite::Statement;

namespace {

// Columns of an account row joined with its primary address, in this order.
constexpr char kAccountColumns[] =
    "a.id, e.address, e.verified_at, a.given_name, a.family_name, a.display_name, a.street, "
    "a.city, "
    "a.region, a.postal_code, a.country, a.language, a.password_hash, a.created_at, a.disabled_at";

Account ReadAccount(const Statement& s) {
  Account a;
  a.id = s.Text(0);
  a.email = s.Text(1);
  a.email_verified = !s.IsNull(2);
  a.profile.given_name = s.Text(3);
  a.profile.family_name = s.Text(4);
  a.profile.display_name = s.Text(5);
  a.profile.street = s.Text(6);
  a.profile.city = s.Text(7);
  a.profile.region = s.Text(8);
  a.profile.postal_code = s.Text(9);
  a.profile.country = s.Text(10);
  a.profile.language = s.Text(11);
  a.password_hash = s.Text(12);
  a.created_at = s.Int(13);
  a.disabled_at = s.OptionalInt(14);
  return a;
}

constexpr char kSessionColumns[] =
    "token_hash, public_id, account_id, created_at, authenticated_at, last_seen_at, idle_timeout, "
    "expires_at, remember, user_agent, ip";

Session ReadSession(const Statement& s) {
  Session x;
  x.token_hash = s.Blob(0);
  x.public_id = s.Text(1);
  x.account_id = s.Text(2);
  x.created_at = s.Int(3);
  x.authenticated_at = s.Int(4);
  x.last_seen_at = s.Int(5);
  x.idle_timeout = s.Int(6);
  x.expires_at = s.Int(7);
  x.remember = s.Int(8) != 0;
  x.user_agent = s.Text(9);
  x.ip = s.Text(10);
  return x;
}

Status InsertSession(Connection& c, const Session& x) {
  PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare(std::string("INSERT INTO sessions (") +
                                             kSessionColumns + ") VALUES (?,?,?,?,?,?,?,?,?,?,?)"));
  s.BindBlob(1, x.token_hash).Bind(2, x.public_id).Bind(3, x.account_id).Bind(4, x.created_at);
  s.Bind(5, x.authenticated_at)
      .Bind(6, x.last_seen_at)
      .Bind(7, x.idle_timeout)
      .Bind(8, x.expires_at);
  s.Bind(9, int64_t{x.remember}).Bind(10, x.user_agent).Bind(11, x.ip);
  return s.Run();
}

// One account by `where` (one placeholder, bound to `arg`), on an open transaction.
StatusOr<std::optional<Account>> SelectOneAccount(Connection& c, const std::string& where,
                                                  const std::string& arg) {
  PORTICO_ASSIGN_OR_RETURN(
      auto s, c.Prepare(std::string("SELECT ") + kAccountColumns +
                        " FROM accounts a JOIN account_emails e ON e.account_id = a.id "
                        "AND e.is_primary = 1 WHERE " +
                        where));
  s.Bind(1, arg);
  PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<Account>();
  return std::optional<Account>(ReadAccount(s));
}

StatusOr<Account> QueryOneAccount(store::sqlite::Database& db, const std::string& where,
                                  const std::string& arg) {
  std::optional<Account> found;
  PORTICO_RETURN_IF_ERROR(db.Read([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(found, SelectOneAccount(c, where, arg));
    return OkStatus();
  }));
  if (!found) return NotFoundError("no such account");
  return std::move(*found);
}

}  // namespace

StatusOr<std::optional<Account>> ReadAccountById(Connection& c, const std::string& id) {
  return SelectOneAccount(c, "a.id = ?", id);
}

Status InsertAccountRows(Connection& c, const NewAccount& n, std::optional<int64_t> verified_at) {
  PORTICO_ASSIGN_OR_RETURN(
      auto a,
      c.Prepare("INSERT INTO accounts (id, created_at, updated_at, given_name, family_name, "
                "display_name, street, city, region, postal_code, country, language, "
                "password_hash, password_changed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  const Profile& p = n.profile;
  a.Bind(1, n.id).Bind(2, n.now).Bind(3, n.now).Bind(4, p.given_name).Bind(5, p.family_name);
  a.Bind(6, p.display_name).Bind(7, p.street).Bind(8, p.city).Bind(9, p.region);
  a.Bind(10, p.postal_code).Bind(11, p.country).Bind(12, p.language).Bind(13, n.password_hash);
  a.Bind(14, n.now);
  PORTICO_RETURN_IF_ERROR(a.Run());
  PORTICO_ASSIGN_OR_RETURN(
      auto e, c.Prepare("INSERT INTO account_emails (address_key, address, account_id, "
                        "is_primary, verified_at, created_at) VALUES (?,?,?,1,?,?)"));
  e.Bind(1, n.email_key).Bind(2, n.email).Bind(3, n.id).BindOptional(4, verified_at);
  e.Bind(5, n.now);
  return e.Run();
}

Status InsertSessionRow(Connection& c, const Session& session) { return InsertSession(c, session); }

StatusOr<Account> SqliteIdentityStore::CreateAccount(const NewAccount& n) {
  PORTICO_RETURN_IF_ERROR(
      db_.Write([&](Connection& c) { return InsertAccountRows(c, n, std::nullopt); }));
  return FindAccountById(n.id);
}

StatusOr<Account> SqliteIdentityStore::FindAccountById(const std::string& id) {
  return QueryOneAccount(db_, "a.id = ?", id);
}

StatusOr<Account> SqliteIdentityStore::FindAccountByEmailKey(const std::string& key) {
  return QueryOneAccount(
      db_, "a.id = (SELECT account_id FROM account_emails WHERE address_key = ?)", key);
}

Status SqliteIdentityStore::UpdateProfile(const std::string& id, const Profile& p, int64_t now) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(
        auto s, c.Prepare("UPDATE accounts SET given_name=?, family_name=?, display_name=?, "
                          "street=?, city=?, region=?, "
                          "postal_code=?, country=?, language=?, updated_at=? WHERE id=?"));
    s.Bind(1, p.given_name)
        .Bind(2, p.family_name)
        .Bind(3, p.display_name)
        .Bind(4, p.street)
        .Bind(5, p.city);
    s.Bind(6, p.region)
        .Bind(7, p.postal_code)
        .Bind(8, p.country)
        .Bind(9, p.language)
        .Bind(10, now)
        .Bind(11, id);
    PORTICO_RETURN_IF_ERROR(s.Run());
    if (c.Changes() != 1) return NotFoundError("no such account");
    return OkStatus();
  });
}

Status SqliteIdentityStore::SetDisabled(const std::string& id, std::optional<int64_t> disabled_at) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("UPDATE accounts SET disabled_at=? WHERE id=?"));
    s.BindOptional(1, disabled_at).Bind(2, id);
    PORTICO_RETURN_IF_ERROR(s.Run());
    if (c.Changes() != 1) return NotFoundError("no such account");
    return OkStatus();
  });
}

StatusOr<std::vector<Account>> SqliteIdentityStore::ListAccounts(int limit, int offset) {
  std::vector<Account> out;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(
        auto s, c.Prepare(std::string("SELECT ") + kAccountColumns +
                          " FROM accounts a JOIN account_emails e ON e.account_id = a.id "
                          "AND e.is_primary = 1 ORDER BY a.created_at, a.id LIMIT ? OFFSET ?"));
    s.Bind(1, int64_t{limit}).Bind(2, int64_t{offset});
    for (;;) {
      PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      out.push_back(ReadAccount(s));
    }
    return OkStatus();
  }));
  return out;
}

StatusOr<AttemptDecision> SqliteIdentityStore::BeginSignInAttempt(const std::string& subject,
                                                                  int64_t now,
                                                                  const ThrottlePolicy& policy) {
  AttemptDecision decision;
  PORTICO_RETURN_IF_ERROR(db_.Write([&](Connection& c) {
    decision = AttemptDecision{};
    int failures = 0;
    int64_t next_attempt_at = 0;
    {
      PORTICO_ASSIGN_OR_RETURN(
          auto s,
          c.Prepare("SELECT failures, next_attempt_at FROM signin_throttles WHERE subject = ?"));
      s.Bind(1, subject);
      PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
      if (row) {
        failures = static_cast<int>(s.Int(0));
        next_attempt_at = s.Int(1);
      }
    }
    decision.failures = failures;
    if (failures >= policy.max_consecutive_failures) {
      decision.verdict = AttemptVerdict::kLocked;
      return OkStatus();
    }
    if (now < next_attempt_at) {
      decision.verdict = AttemptVerdict::kThrottled;
      decision.retry_after = next_attempt_at;
      return OkStatus();
    }
    // Count the attempt now; a success clears it in CompleteSignIn.
    decision.failures = failures + 1;
    PORTICO_ASSIGN_OR_RETURN(
        auto u, c.Prepare("INSERT INTO signin_throttles (subject, failures, next_attempt_at, "
                          "updated_at) VALUES (?,?,?,?) "
                          "ON CONFLICT(subject) DO UPDATE SET failures=excluded.failures, "
                          "next_attempt_at=excluded.next_attempt_at, "
                          "updated_at=excluded.updated_at"));
    u.Bind(1, subject)
        .Bind(2, int64_t{decision.failures})
        .Bind(3, now + policy.DelayAfter(decision.failures))
        .Bind(4, now);
    return u.Run();
  }));
  return decision;
}

Status SqliteIdentityStore::ClearSignInFailures(const std::string& subject) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("DELETE FROM signin_throttles WHERE subject = ?"));
    s.Bind(1, subject);
    return s.Run();
  });
}

Status SqliteIdentityStore::CompleteSignIn(const Session& session,
                                           const std::string& throttle_subject) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("DELETE FROM signin_throttles WHERE subject = ?"));
    s.Bind(1, throttle_subject);
    PORTICO_RETURN_IF_ERROR(s.Run());
    return InsertSession(c, session);
  });
}

StatusOr<Session> SqliteIdentityStore::FindSession(const std::string& token_hash) {
  std::optional<Session> found;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare(std::string("SELECT ") + kSessionColumns +
                                               " FROM sessions WHERE token_hash = ?"));
    s.BindBlob(1, token_hash);
    PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (row) found = ReadSession(s);
    return OkStatus();
  }));
  if (!found) return NotFoundError("no such session");
  return std::move(*found);
}

StatusOr<IdentityStore::SessionAndAccount> SqliteIdentityStore::FindSessionAndAccount(
    const std::string& token_hash) {
  std::optional<SessionAndAccount> found;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare(std::string("SELECT ") + kSessionColumns +
                                               " FROM sessions WHERE token_hash = ?"));
    s.BindBlob(1, token_hash);
    PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return OkStatus();
    found.emplace();
    found->session = ReadSession(s);
    PORTICO_ASSIGN_OR_RETURN(
        auto a, c.Prepare(std::string("SELECT ") + kAccountColumns +
                          " FROM accounts a JOIN account_emails e ON e.account_id = a.id "
                          "AND e.is_primary = 1 WHERE a.id = ?"));
    a.Bind(1, found->session.account_id);
    PORTICO_ASSIGN_OR_RETURN(row, a.Step());
    if (row) found->account = ReadAccount(a);
    return OkStatus();
  }));
  if (!found) return NotFoundError("no such session");
  return std::move(*found);
}

Status SqliteIdentityStore::TouchSession(const std::string& token_hash, int64_t now) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(
        auto s, c.Prepare("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?"));
    s.Bind(1, now).BindBlob(2, token_hash);
    return s.Run();
  });
}

Status SqliteIdentityStore::DeleteSession(const std::string& token_hash) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("DELETE FROM sessions WHERE token_hash = ?"));
    s.BindBlob(1, token_hash);
    return s.Run();
  });
}

StatusOr<bool> SqliteIdentityStore::DeleteSessionByPublicId(const std::string& account_id,
                                                            const std::string& public_id) {
  bool deleted = false;
  PORTICO_RETURN_IF_ERROR(db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(
        auto s, c.Prepare("DELETE FROM sessions WHERE account_id = ? AND public_id = ?"));
    s.Bind(1, account_id).Bind(2, public_id);
    PORTICO_RETURN_IF_ERROR(s.Run());
    deleted = c.Changes() == 1;
    return OkStatus();
  }));
  return deleted;
}

StatusOr<int> SqliteIdentityStore::DeleteSessionsOfAccount(const std::string& account_id) {
  int deleted = 0;
  PORTICO_RETURN_IF_ERROR(db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("DELETE FROM sessions WHERE account_id = ?"));
    s.Bind(1, account_id);
    PORTICO_RETURN_IF_ERROR(s.Run());
    deleted = c.Changes();
    return OkStatus();
  }));
  return deleted;
}

StatusOr<std::vector<Session>> SqliteIdentityStore::ListSessions(const std::string& account_id) {
  std::vector<Session> out;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(
        auto s,
        c.Prepare(
            std::string("SELECT ") + kSessionColumns +
            " FROM sessions WHERE account_id = ? ORDER BY last_seen_at DESC, created_at DESC"));
    s.Bind(1, account_id);
    for (;;) {
      PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      out.push_back(ReadSession(s));
    }
    return OkStatus();
  }));
  return out;
}

Status SqliteIdentityStore::ChangePassword(const std::string& account_id,
                                           const std::string& password_hash, int64_t now,
                                           const Session& replacement) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto u,
                             c.Prepare("UPDATE accounts SET password_hash = ?, password_changed_at "
                                       "= ?, updated_at = ? WHERE id = ?"));
    u.Bind(1, password_hash).Bind(2, now).Bind(3, now).Bind(4, account_id);
    PORTICO_RETURN_IF_ERROR(u.Run());
    if (c.Changes() != 1) return NotFoundError("no such account");
    PORTICO_ASSIGN_OR_RETURN(auto d, c.Prepare("DELETE FROM sessions WHERE account_id = ?"));
    d.Bind(1, account_id);
    PORTICO_RETURN_IF_ERROR(d.Run());
    return InsertSession(c, replacement);
  });
}

StatusOr<int> SqliteIdentityStore::PurgeExpired(int64_t now) {
  int deleted = 0;
  PORTICO_RETURN_IF_ERROR(db_.Write([&](Connection& c) {
    deleted = 0;
    PORTICO_ASSIGN_OR_RETURN(
        auto s,
        c.Prepare(
            "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at + idle_timeout <= ?1"));
    s.Bind(1, now);
    PORTICO_RETURN_IF_ERROR(s.Run());
    deleted += c.Changes();
    PORTICO_ASSIGN_OR_RETURN(auto t,
                             c.Prepare("DELETE FROM signin_throttles WHERE subject LIKE "
                                       "'address:%' AND updated_at < ? AND next_attempt_at <= ? "
                                       "AND failures < ?"));
    t.Bind(1, now - 86400).Bind(2, now).Bind(3, int64_t{ThrottlePolicy{}.max_consecutive_failures});
    PORTICO_RETURN_IF_ERROR(t.Run());
    deleted += c.Changes();
    return OkStatus();
  }));
  return deleted;
}

StatusOr<std::string> SqliteIdentityStore::GetOrCreateSecret(
    const std::string& name, const std::function<std::string()>& generate, int64_t now) {
  std::string value;
  PORTICO_RETURN_IF_ERROR(db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto i,
                             c.Prepare("INSERT INTO server_secrets (name, value, created_at) "
                                       "VALUES (?,?,?) ON CONFLICT(name) DO NOTHING"));
    i.Bind(1, name).BindBlob(2, generate()).Bind(3, now);
    PORTICO_RETURN_IF_ERROR(i.Run());
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("SELECT value FROM server_secrets WHERE name = ?"));
    s.Bind(1, name);
    PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return InternalError("secret vanished");
    value = s.Blob(0);
    return OkStatus();
  }));
  return value;
}

}  // namespace portico::identity
