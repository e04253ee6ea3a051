// Mailer: how the identity rules ask for a message to be written, without knowing templates,
// links or SMTP. The Network implements it with the mail templates and the courier
// (selfservice/mail/account_mailer.h). Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace portico::identity {

enum class MailKind {
  kSignUpVerify,     // link + code to finish a sign-up
  kSignUpExisting,   // someone tried to sign up with your (registered) address
  kVerifyAddress,    // link + code to confirm an added address
  kPasswordReset,    // link to choose a new password (30 minutes)
  kPasswordChanged,  // notice
  kAddressChanged,   // to the old primary address: notice with an undo link (7 days)
  kAddressAdded,     // to the primary address: an alias was added
  kAddressRemoved,   // to the primary address: an alias was removed
  kNameHints,        // masked sign-in names of the account(s) using this address
  kNoAccount,        // nobody uses this address (answer to a name-hint request)
};

struct Mail {
  MailKind kind = MailKind::kNameHints;
  std::string to;                  // as typed
  std::string to_key;              // EmailKey(to): the per-address budget
  std::string account_id;          // "" when the address has no account
  std::string name;                // how to greet, or ""
  std::string link_token;          // for kinds with a link
  std::string code;                // for kinds with a code
  std::string other_address;       // kAddressChanged: the new address; kAddressAdded: the alias
  std::vector<std::string> hints;  // kNameHints: masked addresses
  // Stranger-triggerable (sign-up, reset, hints, re-send): counted against the per-address and
  // per-account budgets and silently dropped when over them.
  bool limited = false;
};

class Mailer {
 public:
  virtual ~Mailer() = default;
  // Queues the message. Errors: kResourceExhausted when a budget is spent (nothing queued; the
  // caller answers the person as if it were sent), kUnavailable (the outbox failed).
  virtual Status Send(const Mail& mail) = 0;
  // Charges `address_key`'s budget as if a message were sent (same cost for unknown addresses).
  virtual Status ChargeOnly(const std::string& address_key) = 0;
};

}  // namespace portico::identity
