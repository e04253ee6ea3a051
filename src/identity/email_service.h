// EmailService: the rules of everything that goes through a mailbox (MISSION N2, N6, N9, N10,
// B4) — sign-up with a verified address, password reset, "which address did I use?" hints,
// added addresses (aliases), a new primary address with an undo for the old one.
//
// Enumeration (N6): a sign-up, a reset request and a hint request answer the same way whether or
// not the address is registered, after the same work (a password hash for sign-ups; a token row
// and a queued message or budget charge for the others). Only the mailbox learns the difference:
// a registered address receives "someone tried to sign up" instead of a code.
//
// Single use (SECURITY.md promise 2): every link and code goes through EmailStore::Consume or
// ConsumeCode, and the change it unlocks happens only after the token was spent.
//
// Recent sign-in: adding an address and changing the primary one ask for the current password
// every time (stricter than a time window, and the same rule everywhere). Thread-safe; methods
// that hash passwords run Argon2id and must be called from a worker thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "crypto/random.h"
#include "identity/account_service.h"
#include "identity/email_store.h"
#include "identity/mailer.h"

namespace portico::identity {

struct MailPolicy {
  int64_t signup_seconds = 24 * 3600;  // a sign-up link and code
  int64_t verify_seconds = 24 * 3600;  // an added address's link and code
  int64_t reset_seconds = 30 * 60;     // a password reset link
  int64_t undo_seconds = 7 * 86400;    // the undo link of an address change
  int max_code_failures = 5;           // wrong codes before a token dies
  int max_addresses = 11;              // the primary address and up to 10 aliases
};

// A sign-up waiting for its address: `flow_token` goes into the browser's flow cookie.
struct PendingSignUp {
  std::string flow_token;
  std::string address;
};

struct CompletedSignUp {
  Account account;
  std::optional<NewSession> session;  // set when completed in the browser that signed up
  std::string return_to;
};

enum class LinkState { kLive, kUsed, kExpired, kUnknown };

struct LinkView {
  LinkState state = LinkState::kUnknown;
  EmailToken token;  // meaningful unless kUnknown
};

// What ended when an address change was undone (for back-channel logout).
struct UndoResult {
  std::string account_id;
  std::string restored_address;
  std::vector<Session> ended;
  std::string reset_token;  // a fresh reset link token, so the person can set a new password now
};

struct ResetResult {
  NewSession session;
  std::vector<Session> ended;
};

class EmailService {
 public:
  EmailService(IdentityStore& identity, EmailStore& store, AccountService& accounts, Mailer& mailer,
               Clock& clock, crypto::Random& random, MailPolicy policy = {});

  // ---- sign-up (N4–N6) ----
  // Checks the form, then mails a link and code (new address) or a notice (registered address).
  // The answer is the same either way. Errors: kInvalidArgument (with `*field`), kUnavailable.
  StatusOr<PendingSignUp> BeginSignUp(const SignUpRequest& request, std::string_view return_to,
                                      Field* field);
  // The live sign-up of a flow cookie (its address, for the "check your mail" page).
  // Errors: kNotFound (none, or it ended: used, expired, or too many wrong codes).
  StatusOr<EmailToken> SignUpOfFlow(std::string_view flow_token);
  // Sends the flow's message again with a new link and code (budgeted). kNotFound when gone.
  Status ResendSignUp(std::string_view flow_token);
  // Errors: kInvalidArgument (wrong code), kNotFound (no live sign-up: used, expired, or too many
  // wrong codes), kAlreadyExists (the address got an account meanwhile).
  StatusOr<CompletedSignUp> CompleteSignUpWithCode(std::string_view flow_token,
                                                   std::string_view code, const ClientInfo& client);
  // The link: completes the sign-up; signs in only when `flow_token` is this sign-up's (the link
  // opened in the browser that signed up). Errors: kNotFound, kAlreadyExists.
  StatusOr<CompletedSignUp> CompleteSignUpWithLink(std::string_view link_token,
                                                   std::string_view flow_token,
                                                   const ClientInfo& client);

  // Where a sign-up token's browser goes once it completes ("/" when unknown).
  static std::string ReturnToOf(const EmailToken& token);

  // What a link token is, without spending it (the page behind a link shows before it acts).
  StatusOr<LinkView> InspectLink(std::string_view link_token);

  // ---- misplaced credentials (N10) ----
  // Mails a reset link when `address` is a sign-in address of an account; the same answer and
  // work otherwise. Errors: kInvalidArgument (not an address), kUnavailable.
  Status RequestPasswordReset(std::string_view address);
  // Errors: kNotFound (link used or expired), kInvalidArgument (with `*field`).
  StatusOr<ResetResult> ResetPassword(std::string_view link_token, std::string_view new_password,
                                      const ClientInfo& client, Field* field);
  // Mails `address` the masked sign-in names of the account using it, or says none does.
  Status SendNameHints(std::string_view address);

  // ---- the signed-in person's addresses (N2, N9, B4) ----
  StatusOr<std::vector<EmailEntry>> Addresses(const std::string& account_id);
  StatusOr<std::vector<EmailToken>> PendingAddresses(const std::string& account_id);
  // Mails a link and code to a new address; `make_primary` makes it the sign-in name once
  // confirmed. Errors: kInvalidArgument (with `*field`), kResourceExhausted (10 aliases).
  Status AddAddress(const ActiveSession& active, std::string_view address,
                    std::string_view current_password, bool make_primary, Field* field);
  // Errors: kInvalidArgument (wrong code), kNotFound, kAlreadyExists, kResourceExhausted.
  StatusOr<Account> ConfirmAddressWithCode(const ActiveSession& active, std::string_view public_id,
                                           std::string_view code);
  StatusOr<Account> ConfirmAddressWithLink(std::string_view link_token);
  // A verified alias becomes the sign-in name; the old one is told, with an undo link.
  Status MakePrimary(const ActiveSession& active, std::string_view address_key,
                     std::string_view current_password, Field* field);
  Status RemoveAddress(const ActiveSession& active, std::string_view address_key);
  Status CancelPending(const ActiveSession& active, std::string_view public_id);
  // The undo link (B4): the old address is primary again, the address that replaced it is
  // removed, every session ends. Errors: kNotFound (link used or expired), kAlreadyExists.
  StatusOr<UndoResult> UndoAddressChange(std::string_view link_token);

  // Tells the account's primary address that its password changed (failures are logged: the
  // change itself is already committed).
  void NotifyPasswordChanged(const Account& account);

  // "ada@example.org" → "a••@e••••••.org": enough for the owner to recognise, little for others.
  static std::string MaskAddress(std::string_view address);
  // The SHA-256 under which link tokens and flow cookies are stored.
  static std::string HashToken(std::string_view token);

 private:
  std::string NewCode();
  std::string NewPublicId();
  // Creates a token for `address` and returns its link token; `*code` gets a code when asked.
  StatusOr<std::string> IssueToken(EmailToken token, int64_t lifetime, std::string* code);
  StatusOr<Account> FinishAddress(const EmailToken& token);
  StatusOr<CompletedSignUp> FinishSignUp(const EmailToken& token, bool sign_in,
                                         const ClientInfo& client);
  // Mails the old primary address its undo link; failures are logged, not returned, because
  // the change they report is already committed.
  void TellOldAddress(const Account& account, const EmailEntry& previous,
                      const std::string& new_address);
  // Send, with a spent budget treated as sent (notices, hints).
  Status SendOrDrop(const Mail& mail);
  // Send for a message that carries a token: over budget, the token is spent unsent.
  Status SendWithToken(const Mail& mail, const std::string& token_hash);
  // Send after a committed change: failures go to the log.
  void Notify(const Mail& mail);
  static Mail PasswordNotice(const Account& account);

  IdentityStore& identity_;
  EmailStore& store_;
  AccountService& accounts_;
  Mailer& mailer_;
  Clock& clock_;
  crypto::Random& random_;
  MailPolicy policy_;
};

}  // namespace portico::identity
