// EmailStore: what mail-borne flows keep — the single-use tokens a message carries (sign-up,
// address verification, password reset, undo of an address change) and the changes they make to
// an account's addresses (MISSION N2, N9, N10; SECURITY.md promise 2).
//
// A token is consumed with a conditional UPDATE inside one write transaction and the caller acts
// only when that UPDATE changed the row, so a link or code works at most once under any
// concurrency and on any node. Codes die after `max_failures` wrong guesses.
//
// Contract for every method: OK means committed; kUnavailable means nothing changed.
// Implementations: SqliteEmailStore. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "identity/account.h"
#include "identity/identity_store.h"

namespace portico::identity {

enum class TokenPurpose {
  kSignUp,          // a new account waiting for its address to be verified
  kSignUpExisting,  // a sign-up with a registered address: never completes (MISSION N6)
  kVerify,          // an address added to an account
  kReset,           // password reset
  kUndo,            // undo of a primary address change, sent to the old address
};
const char* PurposeName(TokenPurpose purpose);

struct EmailToken {
  std::string token_hash;  // SHA-256 of the link token
  std::string public_id;   // names it on pages
  std::string flow_hash;   // SHA-256 of the sign-up flow cookie, or ""
  TokenPurpose purpose = TokenPurpose::kVerify;
  std::string account_id;  // "" for sign-ups
  std::string address;     // as typed
  std::string address_key;
  std::string code_hash;  // SHA-256(token_hash || code), or "" when no code goes with it
  // JSON, by purpose: sign-up {given_name, family_name, display_name, password_hash,
  // return_to}; signup_existing {return_to}; verify {primary}; undo {replaced_by}.
  std::string data;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  std::optional<int64_t> used_at;
  int code_failures = 0;
};

// One of an account's addresses.
struct EmailEntry {
  std::string address;
  std::string address_key;
  bool primary = false;
  std::optional<int64_t> verified_at;  // unset only for addresses from before verification
};

// Which token a typed code is checked against.
struct CodeTarget {
  std::string flow_hash;   // a sign-up: the flow cookie's hash
  std::string account_id;  // or an added address: the account and the token's public id
  std::string public_id;
};

enum class CodeVerdict { kAccepted, kWrong, kGone };

class EmailStore {
 public:
  virtual ~EmailStore() = default;

  // Errors: kAlreadyExists when the token hash, public id or flow hash is taken.
  virtual Status CreateToken(const EmailToken& token) = 0;
  // The token with this hash whatever its state (used, expired). Errors: kNotFound.
  virtual StatusOr<EmailToken> FindToken(const std::string& token_hash) = 0;
  // The sign-up token of a flow cookie. Errors: kNotFound.
  virtual StatusOr<EmailToken> FindByFlow(const std::string& flow_hash) = 0;
  // Marks the unused, unexpired token of `purpose` used and returns it.
  // Errors: kNotFound when there is none (unknown, used, expired or another purpose).
  virtual StatusOr<EmailToken> Consume(const std::string& token_hash, TokenPurpose purpose,
                                       int64_t now) = 0;
  // Checks `code` against the target's unused, unexpired token: kAccepted marks it used (and
  // fills `*token`); kWrong counts a failure, and the `max_failures`-th marks the token used, so
  // its link dies with its code; kGone when there is no live token.
  virtual StatusOr<CodeVerdict> ConsumeCode(const CodeTarget& target, const std::string& code,
                                            int64_t now, int max_failures, EmailToken* token) = 0;
  // Gives a live token a new link and code (re-send); its failure count carries over.
  // Errors: kNotFound.
  virtual Status Renew(const std::string& old_token_hash, const std::string& new_token_hash,
                       const std::string& new_code_hash, int64_t expires_at) = 0;
  // Spends a token without using it (its message could not be sent). OK when already spent.
  virtual Status Expire(const std::string& token_hash, int64_t now) = 0;
  // Marks one of the account's addresses verified (a reset link proved the mailbox).
  virtual Status MarkVerified(const std::string& account_id, const std::string& key,
                              int64_t now) = 0;
  // The account's live tokens of `purpose`, newest first.
  virtual StatusOr<std::vector<EmailToken>> LiveTokens(const std::string& account_id,
                                                       TokenPurpose purpose, int64_t now) = 0;
  // Ends the account's live token named `public_id`. Errors: kNotFound.
  virtual Status Cancel(const std::string& account_id, const std::string& public_id,
                        int64_t now) = 0;

  // ---- the account's addresses ----
  virtual StatusOr<std::vector<EmailEntry>> ListAddresses(const std::string& account_id) = 0;
  // Adds a verified address; when `make_primary`, it becomes the sign-in name and the previous
  // primary stays as an alias (returned in `*previous`). Errors: kAlreadyExists (the address
  // belongs to an account), kResourceExhausted (more than `max_addresses`), kNotFound.
  virtual Status AddVerifiedAddress(const std::string& account_id, const std::string& address,
                                    const std::string& key, bool make_primary, int max_addresses,
                                    int64_t now, std::optional<EmailEntry>* previous) = 0;
  // Makes a verified alias primary. `*previous` receives the old primary.
  // Errors: kNotFound (not this account's verified alias).
  virtual Status SetPrimary(const std::string& account_id, const std::string& key, int64_t now,
                            EmailEntry* previous) = 0;
  // Removes an alias. Errors: kNotFound, kFailedPrecondition (the primary).
  virtual Status RemoveAddress(const std::string& account_id, const std::string& key) = 0;
  // Undo (B4): `restore` becomes primary again (re-added when it was removed), `drop` is removed
  // unless it is `restore`, and every session of the account ends — one transaction.
  // Errors: kAlreadyExists (`restore` now belongs to another account), kNotFound.
  virtual Status RestorePrimary(const std::string& account_id, const std::string& restore_address,
                                const std::string& restore_key, const std::string& drop_key,
                                int64_t now) = 0;

  // Creates an account whose primary address is verified now (the end of a sign-up), and its
  // first session when `session` is set. Errors: kAlreadyExists.
  virtual StatusOr<Account> CreateVerifiedAccount(const NewAccount& account,
                                                  const std::optional<Session>& session) = 0;

  // Deletes tokens that ended more than a day ago. Returns rows deleted.
  virtual StatusOr<int> PurgeTokens(int64_t now) = 0;
};

}  // namespace portico::identity
