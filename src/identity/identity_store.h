// IdentityStore: the persistence the identity domain needs — accounts, their addresses,
// sign-in throttles, sessions and server secrets — behind one interface.
//
// One interface (not one per table) because the operations that matter for security span
// tables and must be one transaction: a sign-in clears its throttle and creates the session
// together; a password change replaces the hash and ends the other sessions together.
// Implementations: SqliteIdentityStore (sqlite_identity_store.h); a PostgreSQL one follows.
// Every implementation passes identity_store_contract_test.cc.
//
// Contract for every method: OK means committed and durable; kUnavailable means the database
// could not be reached and nothing changed; kInternal is a bug. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "identity/account.h"

namespace portico::identity {

struct NewAccount {
  std::string id;
  std::string email;      // as typed
  std::string email_key;  // EmailKey(email)
  Profile profile;
  std::string password_hash;
  int64_t now = 0;
};

struct Session {
  std::string token_hash;  // SHA-256 of the cookie token (raw bytes)
  std::string public_id;   // random, shown in pages to name the session
  std::string account_id;
  int64_t created_at = 0;
  int64_t authenticated_at = 0;
  int64_t last_seen_at = 0;
  int64_t idle_timeout = 0;  // seconds of inactivity that end the session
  int64_t expires_at = 0;    // absolute end
  bool remember = false;
  std::string user_agent;
  std::string ip;
};

// Failed sign-in throttling (NIST SP 800-63B §5.2.2). The first `free_failures` failures cost
// nothing; each later one makes the next attempt wait twice as long, up to `max_delay_seconds`;
// after `max_consecutive_failures` password sign-in stops until a reset or the operator unlocks.
struct ThrottlePolicy {
  int free_failures = 5;
  int64_t max_delay_seconds = 3600;
  int max_consecutive_failures = 100;

  // Seconds to wait after the `failures`-th consecutive failure.
  int64_t DelayAfter(int failures) const;
};

enum class AttemptVerdict {
  kAllowed,    // counted as a failure until CompleteSignIn clears it
  kThrottled,  // too soon after the last failure: not counted, do not verify
  kLocked,     // the consecutive-failure limit is reached
};

struct AttemptDecision {
  AttemptVerdict verdict = AttemptVerdict::kAllowed;
  int failures = 0;         // consecutive failures including this attempt
  int64_t retry_after = 0;  // Unix time when a throttled subject may try again
};

class IdentityStore {
 public:
  virtual ~IdentityStore() = default;

  // ---- accounts ----
  // Errors: kAlreadyExists when the address (by key) belongs to an account.
  virtual StatusOr<Account> CreateAccount(const NewAccount& account) = 0;
  // Errors: kNotFound.
  virtual StatusOr<Account> FindAccountById(const std::string& id) = 0;
  // Finds by any address of the account. Errors: kNotFound.
  virtual StatusOr<Account> FindAccountByEmailKey(const std::string& key) = 0;
  // Errors: kNotFound.
  virtual Status UpdateProfile(const std::string& id, const Profile& profile, int64_t now) = 0;
  // Locks (disabled_at set) or unlocks (nullopt) an account. Errors: kNotFound.
  virtual Status SetDisabled(const std::string& id, std::optional<int64_t> disabled_at) = 0;
  // Accounts ordered by creation, `limit` from `offset`.
  virtual StatusOr<std::vector<Account>> ListAccounts(int limit, int offset) = 0;

  // ---- sign-in throttling (SECURITY.md promise 4) ----
  // Reads the subject's state and, when an attempt is allowed, counts it as a failure in the
  // same transaction — before the password is verified, so parallel guesses cannot overshoot.
  virtual StatusOr<AttemptDecision> BeginSignInAttempt(const std::string& subject, int64_t now,
                                                       const ThrottlePolicy& policy) = 0;
  // Forgets the subject's failures (operator unlock, password reset).
  virtual Status ClearSignInFailures(const std::string& subject) = 0;

  // ---- sessions ----
  // Inserts `session` and clears `throttle_subject`'s failures in one transaction.
  virtual Status CompleteSignIn(const Session& session, const std::string& throttle_subject) = 0;
  // Errors: kNotFound (unknown or deleted).
  virtual StatusOr<Session> FindSession(const std::string& token_hash) = 0;
  // The session and its account, read at one instant: what every signed-in request asks, in
  // one read instead of two. `account` is nullopt when the account no longer exists.
  // Errors: kNotFound (no such session).
  struct SessionAndAccount {
    Session session;
    std::optional<Account> account;
  };
  virtual StatusOr<SessionAndAccount> FindSessionAndAccount(const std::string& token_hash) = 0;
  virtual Status TouchSession(const std::string& token_hash, int64_t now) = 0;
  // Deletes one session; OK also when it was already gone.
  virtual Status DeleteSession(const std::string& token_hash) = 0;
  // Deletes the account's session named `public_id`; false when there was none.
  virtual StatusOr<bool> DeleteSessionByPublicId(const std::string& account_id,
                                                 const std::string& public_id) = 0;
  // Deletes every session of the account (operator lock). Returns how many ended.
  virtual StatusOr<int> DeleteSessionsOfAccount(const std::string& account_id) = 0;
  // The account's sessions, most recently used first.
  virtual StatusOr<std::vector<Session>> ListSessions(const std::string& account_id) = 0;
  // Sets the password hash, deletes every session of the account and inserts `replacement`
  // (the caller's new session), in one transaction. Errors: kNotFound.
  virtual Status ChangePassword(const std::string& account_id, const std::string& password_hash,
                                int64_t now, const Session& replacement) = 0;

  // ---- maintenance ----
  // Deletes sessions past their idle or absolute timeout, and throttle records of unknown
  // addresses quiet for a day. An account's count is never dropped (a pause must not reset the
  // consecutive-failure limit): only a successful sign-in or the operator clears it.
  virtual StatusOr<int> PurgeExpired(int64_t now) = 0;

  // ---- server secrets ----
  // The secret named `name`, created with `generate()` on first use. Every node gets the same.
  virtual StatusOr<std::string> GetOrCreateSecret(const std::string& name,
                                                  const std::function<std::string()>& generate,
                                                  int64_t now) = 0;
};

}  // namespace portico::identity
