// AccountService: sign-up, sign-in, sessions, profile and password changes (MISSION N1–N9).
//
// It owns the rules; IdentityStore owns persistence. Every method that checks a password runs
// Argon2id (~10 ms) and must be called from a worker thread.
//
// Sign-in answers every failure — unknown address, wrong password, locked or throttled account —
// with the same kUnauthenticated status after the same work (one Argon2id verification, one
// throttle write), so neither the answer nor its timing tells whether an address is registered
// (MISSION N6, SECURITY.md). Failures are counted before the password is checked (promise 4).
//
// Sessions: a 256-bit random token goes to the cookie; the store keeps only its SHA-256. A
// session ends after its idle timeout or absolute lifetime, at sign-out, or when the password
// changes (every session of the account but the new one of the person changing it).
// Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "crypto/password_hash.h"
#include "crypto/random.h"
#include "identity/account.h"
#include "identity/identity_store.h"
#include "identity/password_policy.h"

namespace portico::identity {

struct SessionPolicy {
  int64_t idle_timeout = 30 * 60;  // without "keep me signed in"
  int64_t absolute_timeout = 12 * 3600;
  int64_t remember_idle_timeout = 14 * 86400;  // with "keep me signed in"
  int64_t remember_absolute_timeout = 30 * 86400;
  int64_t touch_interval = 60;  // last_seen_at is written at most this often
};

// Where a request came from, recorded on the session for the devices list.
struct ClientInfo {
  std::string user_agent;
  std::string ip;
};

struct SignUpRequest {
  std::string email;
  std::string password;
  std::string given_name;
  std::string family_name;
};

// A session just created: `token` goes into the cookie and is never stored.
struct NewSession {
  std::string token;
  Session session;
  Account account;
};

// A valid session and its account, resolved from a cookie token.
struct ActiveSession {
  Session session;
  Account account;
};

// Which form field an InvalidArgument error is about (for the page to point at it).
enum class Field { kNone, kEmail, kPassword, kName, kCurrentPassword, kCode };

// A sign-up that passed the rules: cleaned names, the address as typed, the password hashed.
struct CheckedSignUp {
  Profile profile;
  std::string email;
  std::string email_key;
  std::string password_hash;
};

class AccountService {
 public:
  AccountService(IdentityStore& store, const crypto::PasswordHasher& hasher,
                 const PasswordPolicy& policy, Clock& clock, crypto::Random& random,
                 SessionPolicy session_policy = {}, ThrottlePolicy throttle_policy = {});

  // Applies the sign-up rules (name, address, password policy) and hashes the password
  // (Argon2id). Errors: kInvalidArgument (message for the person, `*field` says which field).
  StatusOr<CheckedSignUp> CheckSignUp(const SignUpRequest& request, Field* field);

  // Creates an account whose address is NOT verified and signs it in: the operator's and the
  // tests' path. People sign up through EmailService, which verifies the address first (N2).
  // Errors: kInvalidArgument (with `*field`); kAlreadyExists when the address is taken.
  StatusOr<NewSession> SignUp(const SignUpRequest& request, const ClientInfo& client, bool remember,
                              Field* field);

  // Errors: kInvalidArgument for a malformed address; kUnauthenticated for every other failure.
  StatusOr<NewSession> SignIn(std::string_view email, std::string_view password, bool remember,
                              const ClientInfo& client);

  // The session for a cookie token, refreshing its idle timer. Errors: kUnauthenticated when
  // the token is unknown, expired (the session is then deleted) or the account is locked.
  StatusOr<ActiveSession> ResolveSession(std::string_view token);

  // Deletes the session of `token`. OK when it did not exist.
  Status SignOut(std::string_view token);

  // Errors: kInvalidArgument (message for the person) when a field is too long or not text.
  Status UpdateProfile(const std::string& account_id, Profile profile);

  // Checks `current_password`, applies the password rules to `new_password`, stores the new
  // hash, ends every session of the account, and returns a fresh session for this device.
  // Errors: kInvalidArgument (with `*field`), kUnauthenticated is reported as kInvalidArgument
  // on kCurrentPassword so the page can say which field is wrong.
  StatusOr<NewSession> ChangePassword(const ActiveSession& active,
                                      std::string_view current_password,
                                      std::string_view new_password, const ClientInfo& client,
                                      Field* field);

  // Checks the account's current password as a throttled sign-in attempt (promise 4): the
  // "recent sign-in" that changing an address or password requires.
  // Errors: kInvalidArgument "Your current password is not right." (also when throttled).
  Status VerifyCurrentPassword(const Account& account, std::string_view password);

  // Sets a new password after a reset link proved the mailbox: applies the password rules,
  // ends every session of the account, clears its sign-in failures and returns a new session.
  // Errors: kInvalidArgument (with `*field`), kNotFound.
  StatusOr<NewSession> ResetPassword(const Account& account, std::string_view new_password,
                                     const ClientInfo& client, Field* field);

  // `password` normalized (NFKC) when the password rules accept it for `email`.
  // Errors: kInvalidArgument with the reason, for the person.
  StatusOr<std::string> AcceptablePassword(std::string_view password, std::string_view email) const;

  // A new session for `account_id`, not yet stored (the caller stores it in its transaction).
  Session NewSessionFor(const std::string& account_id, bool remember, const ClientInfo& client,
                        std::string* token) {
    return MakeSession(account_id, remember, client, token);
  }

  StatusOr<std::vector<Session>> ListSessions(const std::string& account_id);
  // Ends the account's session named `public_id`. Errors: kNotFound.
  Status RevokeSession(const std::string& account_id, const std::string& public_id);

  // The SHA-256 under which a cookie token is stored.
  static std::string HashToken(std::string_view token);

  const PasswordPolicy& password_policy() const { return policy_; }

 private:
  // Hashes `normalized`, ends every session of the account and starts a new one, in one
  // transaction.
  StatusOr<NewSession> ReplacePassword(const Account& account, const std::string& normalized,
                                       bool remember, const ClientInfo& client);
  Session MakeSession(const std::string& account_id, bool remember, const ClientInfo& client,
                      std::string* token);

  IdentityStore& store_;
  const crypto::PasswordHasher& hasher_;
  const PasswordPolicy& policy_;
  Clock& clock_;
  crypto::Random& random_;
  SessionPolicy session_policy_;
  ThrottlePolicy throttle_policy_;
};

// Checks and trims a free-text profile field. Errors: kInvalidArgument for the person.
StatusOr<std::string> CleanProfileField(std::string_view value, std::string_view label);

}  // namespace portico::identity
