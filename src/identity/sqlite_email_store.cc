#include "identity/sqlite_email_store.h"

#include "crypto/digest.h"
#include "identity/sqlite_identity_store.h"

namespace portico::identity {

using store::sqlite::Connection;
using store::sqlite::Statement;

namespace {

constexpr char kTokenColumns[] =
    "token_hash, public_id, flow_hash, purpose, account_id, address, address_key, code_hash, "
    "data, created_at, expires_at, used_at, code_failures";

TokenPurpose PurposeFromName(const std::string& name) {
  if (name == "signup") return TokenPurpose::kSignUp;
  if (name == "signup_existing") return TokenPurpose::kSignUpExisting;
  if (name == "reset") return TokenPurpose::kReset;
  if (name == "undo") return TokenPurpose::kUndo;
  return TokenPurpose::kVerify;
}

EmailToken ReadToken(const Statement& s) {
  EmailToken t;
  t.token_hash = s.Blob(0);
  t.public_id = s.Text(1);
  t.flow_hash = s.IsNull(2) ? "" : s.Blob(2);
  t.purpose = PurposeFromName(s.Text(3));
  t.account_id = s.Text(4);
  t.address = s.Text(5);
  t.address_key = s.Text(6);
  t.code_hash = s.IsNull(7) ? "" : s.Blob(7);
  t.data = s.Text(8);
  t.created_at = s.Int(9);
  t.expires_at = s.Int(10);
  t.used_at = s.OptionalInt(11);
  t.code_failures = static_cast<int>(s.Int(12));
  return t;
}

StatusOr<EmailToken> QueryOneToken(store::sqlite::Database& db, const char* where,
                                   const std::string& blob) {
  std::optional<EmailToken> found;
  PORTICO_RETURN_IF_ERROR(db.Read([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare(std::string("SELECT ") + kTokenColumns +
                                               " FROM email_tokens WHERE " + where));
    s.BindBlob(1, blob);
    PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (row) found = ReadToken(s);
    return OkStatus();
  }));
  if (!found) return NotFoundError("no such token");
  return std::move(*found);
}

// The account's address row for `key`, if any.
StatusOr<std::optional<EmailEntry>> ReadAddress(Connection& c, const std::string& account_id,
                                                const std::string& key) {
  PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("SELECT address, is_primary, verified_at FROM "
                                             "account_emails WHERE account_id = ? AND "
                                             "address_key = ?"));
  s.Bind(1, account_id).Bind(2, key);
  PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<EmailEntry>();
  EmailEntry e{s.Text(0), key, s.Int(1) != 0, s.OptionalInt(2)};
  return std::optional<EmailEntry>(e);
}

StatusOr<std::optional<EmailEntry>> ReadPrimary(Connection& c, const std::string& account_id) {
  PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("SELECT address, address_key, verified_at FROM "
                                             "account_emails WHERE account_id = ? AND "
                                             "is_primary = 1"));
  s.Bind(1, account_id);
  PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<EmailEntry>();
  EmailEntry e{s.Text(0), s.Text(1), true, s.OptionalInt(2)};
  return std::optional<EmailEntry>(e);
}

// Makes `key` the account's only primary address.
Status MakePrimaryRow(Connection& c, const std::string& account_id, const std::string& key,
                      int64_t now) {
  PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("UPDATE account_emails SET is_primary = "
                                             "(address_key = ?) WHERE account_id = ?"));
  s.Bind(1, key).Bind(2, account_id);
  PORTICO_RETURN_IF_ERROR(s.Run());
  PORTICO_ASSIGN_OR_RETURN(auto u, c.Prepare("UPDATE accounts SET updated_at = ? WHERE id = ?"));
  u.Bind(1, now).Bind(2, account_id);
  return u.Run();
}

}  // namespace

const char* PurposeName(TokenPurpose purpose) {
  switch (purpose) {
    case TokenPurpose::kSignUp:
      return "signup";
    case TokenPurpose::kSignUpExisting:
      return "signup_existing";
    case TokenPurpose::kVerify:
      return "verify";
    case TokenPurpose::kReset:
      return "reset";
    case TokenPurpose::kUndo:
      return "undo";
  }
  return "verify";
}

std::string HashCode(const std::string& token_hash, const std::string& code) {
  return crypto::Sha256(token_hash + code);
}

Status SqliteEmailStore::CreateToken(const EmailToken& t) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s,
                             c.Prepare(std::string("INSERT INTO email_tokens (") + kTokenColumns +
                                       ") VALUES (?,?,?,?,?,?,?,?,?,?,?,NULL,0)"));
    s.BindBlob(1, t.token_hash).Bind(2, t.public_id);
    if (t.flow_hash.empty())
      s.BindNull(3);
    else
      s.BindBlob(3, t.flow_hash);
    s.Bind(4, PurposeName(t.purpose)).Bind(5, t.account_id).Bind(6, t.address);
    s.Bind(7, t.address_key);
    if (t.code_hash.empty())
      s.BindNull(8);
    else
      s.BindBlob(8, t.code_hash);
    s.Bind(9, t.data).Bind(10, t.created_at).Bind(11, t.expires_at);
    return s.Run();
  });
}

StatusOr<EmailToken> SqliteEmailStore::FindToken(const std::string& token_hash) {
  return QueryOneToken(db_, "token_hash = ?", token_hash);
}

StatusOr<EmailToken> SqliteEmailStore::FindByFlow(const std::string& flow_hash) {
  return QueryOneToken(db_, "flow_hash = ?", flow_hash);
}

StatusOr<EmailToken> SqliteEmailStore::Consume(const std::string& token_hash, TokenPurpose purpose,
                                               int64_t now) {
  std::optional<EmailToken> consumed;
  PORTICO_RETURN_IF_ERROR(db_.Write([&](Connection& c) {
    consumed.reset();
    PORTICO_ASSIGN_OR_RETURN(
        auto s, c.Prepare(std::string("UPDATE email_tokens SET used_at = ?1 WHERE token_hash = "
                                      "?2 AND purpose = ?3 AND used_at IS NULL AND expires_at > "
                                      "?1 RETURNING ") +
                          kTokenColumns));
    s.Bind(1, now).BindBlob(2, token_hash).Bind(3, PurposeName(purpose));
    PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (row) consumed = ReadToken(s);
    return OkStatus();
  }));
  if (!consumed) return NotFoundError("no live token");
  return std::move(*consumed);
}

StatusOr<CodeVerdict> SqliteEmailStore::ConsumeCode(const CodeTarget& target,
                                                    const std::string& code, int64_t now,
                                                    int max_failures, EmailToken* token) {
  CodeVerdict verdict = CodeVerdict::kGone;
  PORTICO_RETURN_IF_ERROR(db_.Write([&](Connection& c) {
    verdict = CodeVerdict::kGone;
    std::string where =
        target.flow_hash.empty() ? "account_id = ?1 AND public_id = ?2" : "flow_hash = ?1";
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare(std::string("SELECT ") + kTokenColumns +
                                               " FROM email_tokens WHERE " + where +
                                               " AND used_at IS NULL AND expires_at > ?3 AND "
                                               "code_failures < ?4"));
    if (target.flow_hash.empty())
      s.Bind(1, target.account_id).Bind(2, target.public_id);
    else
      s.BindBlob(1, target.flow_hash).BindNull(2);
    s.Bind(3, now).Bind(4, int64_t{max_failures});
    PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return OkStatus();
    EmailToken found = ReadToken(s);
    // The read and the update below are one IMMEDIATE transaction: no other writer runs between
    // them, so the failure count and the single use both hold under concurrency.
    bool right = !found.code_hash.empty() &&
                 crypto::ConstantTimeEquals(found.code_hash, HashCode(found.token_hash, code));
    PORTICO_ASSIGN_OR_RETURN(
        auto u, c.Prepare(right ? "UPDATE email_tokens SET used_at = ? WHERE token_hash = ? "
                                  "AND used_at IS NULL"
                                : "UPDATE email_tokens SET code_failures = code_failures + 1, "
                                  "used_at = CASE WHEN code_failures + 1 >= ?3 THEN ?1 END "
                                  "WHERE token_hash = ?2"));
    // The last wrong guess spends the token for good: its link stops working too.
    u.Bind(1, now).BindBlob(2, found.token_hash);
    if (!right) u.Bind(3, int64_t{max_failures});
    PORTICO_RETURN_IF_ERROR(u.Run());
    if (right && c.Changes() == 1) {
      found.used_at = now;
      *token = std::move(found);
      verdict = CodeVerdict::kAccepted;
    } else if (!right) {
      verdict = CodeVerdict::kWrong;
    }
    return OkStatus();
  }));
  return verdict;
}

Status SqliteEmailStore::Renew(const std::string& old_hash, const std::string& new_hash,
                               const std::string& new_code_hash, int64_t expires_at) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s,
                             c.Prepare("UPDATE email_tokens SET token_hash = ?, code_hash = ?, "
                                       "expires_at = ? WHERE token_hash = ? AND used_at IS NULL"));
    s.BindBlob(1, new_hash);
    if (new_code_hash.empty())
      s.BindNull(2);
    else
      s.BindBlob(2, new_code_hash);
    s.Bind(3, expires_at).BindBlob(4, old_hash);
    PORTICO_RETURN_IF_ERROR(s.Run());
    if (c.Changes() != 1) return NotFoundError("no live token");
    return OkStatus();
  });
}

Status SqliteEmailStore::Expire(const std::string& token_hash, int64_t now) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("UPDATE email_tokens SET used_at = ? WHERE "
                                               "token_hash = ? AND used_at IS NULL"));
    s.Bind(1, now).BindBlob(2, token_hash);
    return s.Run();
  });
}

Status SqliteEmailStore::MarkVerified(const std::string& account_id, const std::string& key,
                                      int64_t now) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("UPDATE account_emails SET verified_at = ? WHERE "
                                               "account_id = ? AND address_key = ? AND "
                                               "verified_at IS NULL"));
    s.Bind(1, now).Bind(2, account_id).Bind(3, key);
    return s.Run();
  });
}

StatusOr<std::vector<EmailToken>> SqliteEmailStore::LiveTokens(const std::string& account_id,
                                                               TokenPurpose purpose, int64_t now) {
  std::vector<EmailToken> out;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    out.clear();
    PORTICO_ASSIGN_OR_RETURN(
        auto s, c.Prepare(std::string("SELECT ") + kTokenColumns +
                          " FROM email_tokens WHERE account_id = ? AND purpose = ? AND used_at "
                          "IS NULL AND expires_at > ? ORDER BY created_at DESC"));
    s.Bind(1, account_id).Bind(2, PurposeName(purpose)).Bind(3, now);
    while (true) {
      PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      out.push_back(ReadToken(s));
    }
    return OkStatus();
  }));
  return out;
}

Status SqliteEmailStore::Cancel(const std::string& account_id, const std::string& public_id,
                                int64_t now) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("UPDATE email_tokens SET used_at = ? WHERE "
                                               "account_id = ? AND public_id = ? AND used_at IS "
                                               "NULL"));
    s.Bind(1, now).Bind(2, account_id).Bind(3, public_id);
    PORTICO_RETURN_IF_ERROR(s.Run());
    if (c.Changes() != 1) return NotFoundError("no such pending address");
    return OkStatus();
  });
}

StatusOr<std::vector<EmailEntry>> SqliteEmailStore::ListAddresses(const std::string& account_id) {
  std::vector<EmailEntry> out;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    out.clear();
    PORTICO_ASSIGN_OR_RETURN(
        auto s, c.Prepare("SELECT address, address_key, is_primary, verified_at FROM "
                          "account_emails WHERE account_id = ? ORDER BY is_primary DESC, "
                          "created_at, address_key"));
    s.Bind(1, account_id);
    while (true) {
      PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      out.push_back(EmailEntry{s.Text(0), s.Text(1), s.Int(2) != 0, s.OptionalInt(3)});
    }
    return OkStatus();
  }));
  return out;
}

Status SqliteEmailStore::AddVerifiedAddress(const std::string& account_id,
                                            const std::string& address, const std::string& key,
                                            bool make_primary, int max_addresses, int64_t now,
                                            std::optional<EmailEntry>* previous) {
  return db_.Write([&](Connection& c) {
    previous->reset();
    PORTICO_ASSIGN_OR_RETURN(auto n,
                             c.Prepare("SELECT count(*) FROM account_emails WHERE account_id = ?"));
    n.Bind(1, account_id);
    PORTICO_ASSIGN_OR_RETURN(bool counted, n.Step());
    if (!counted || n.Int(0) == 0) return NotFoundError("no such account");
    if (n.Int(0) >= max_addresses) return ResourceExhaustedError("too many addresses");
    PORTICO_ASSIGN_OR_RETURN(
        auto i, c.Prepare("INSERT INTO account_emails (address_key, address, account_id, "
                          "is_primary, verified_at, created_at) VALUES (?,?,?,0,?,?)"));
    i.Bind(1, key).Bind(2, address).Bind(3, account_id).Bind(4, now).Bind(5, now);
    PORTICO_RETURN_IF_ERROR(i.Run());  // kAlreadyExists when any account holds the address
    if (!make_primary) return OkStatus();
    PORTICO_ASSIGN_OR_RETURN(*previous, ReadPrimary(c, account_id));
    return MakePrimaryRow(c, account_id, key, now);
  });
}

Status SqliteEmailStore::SetPrimary(const std::string& account_id, const std::string& key,
                                    int64_t now, EmailEntry* previous) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto target, ReadAddress(c, account_id, key));
    if (!target || !target->verified_at) return NotFoundError("not a verified address");
    PORTICO_ASSIGN_OR_RETURN(auto old, ReadPrimary(c, account_id));
    if (!old) return NotFoundError("no primary address");
    *previous = *old;
    return MakePrimaryRow(c, account_id, key, now);
  });
}

Status SqliteEmailStore::RemoveAddress(const std::string& account_id, const std::string& key) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto target, ReadAddress(c, account_id, key));
    if (!target) return NotFoundError("no such address");
    if (target->primary) return FailedPreconditionError("the sign-in address cannot be removed");
    PORTICO_ASSIGN_OR_RETURN(auto d, c.Prepare("DELETE FROM account_emails WHERE account_id = ? "
                                               "AND address_key = ?"));
    d.Bind(1, account_id).Bind(2, key);
    return d.Run();
  });
}

Status SqliteEmailStore::RestorePrimary(const std::string& account_id,
                                        const std::string& restore_address,
                                        const std::string& restore_key, const std::string& drop_key,
                                        int64_t now) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto present, ReadAddress(c, account_id, restore_key));
    if (!present) {
      PORTICO_ASSIGN_OR_RETURN(
          auto i, c.Prepare("INSERT INTO account_emails (address_key, address, account_id, "
                            "is_primary, verified_at, created_at) VALUES (?,?,?,0,?,?)"));
      i.Bind(1, restore_key).Bind(2, restore_address).Bind(3, account_id).Bind(4, now);
      i.Bind(5, now);
      PORTICO_RETURN_IF_ERROR(i.Run());
    }
    PORTICO_RETURN_IF_ERROR(MakePrimaryRow(c, account_id, restore_key, now));
    if (drop_key != restore_key) {
      PORTICO_ASSIGN_OR_RETURN(auto d, c.Prepare("DELETE FROM account_emails WHERE account_id = "
                                                 "? AND address_key = ? AND is_primary = 0"));
      d.Bind(1, account_id).Bind(2, drop_key);
      PORTICO_RETURN_IF_ERROR(d.Run());
    }
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("DELETE FROM sessions WHERE account_id = ?"));
    s.Bind(1, account_id);
    return s.Run();
  });
}

StatusOr<Account> SqliteEmailStore::CreateVerifiedAccount(const NewAccount& account,
                                                          const std::optional<Session>& session) {
  PORTICO_RETURN_IF_ERROR(db_.Write([&](Connection& c) {
    PORTICO_RETURN_IF_ERROR(InsertAccountRows(c, account, account.now));
    if (session) return InsertSessionRow(c, *session);
    return OkStatus();
  }));
  return accounts_.FindAccountById(account.id);
}

StatusOr<int> SqliteEmailStore::PurgeTokens(int64_t now) {
  int deleted = 0;
  PORTICO_RETURN_IF_ERROR(db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("DELETE FROM email_tokens WHERE expires_at < ?1 "
                                               "OR used_at < ?1"));
    s.Bind(1, now - 86400);
    PORTICO_RETURN_IF_ERROR(s.Run());
    deleted = c.Changes();
    return OkStatus();
  }));
  return deleted;
}

}  // namespace portico::identity
