// AccountMailer: identity::Mailer for the Network — renders the mail templates (src/ui/templates/
// mail_*.mustache) with links under the Network's public address and queues them with the
// courier, charging the per-address and per-account budgets for what a stranger can trigger.
// Thread-safe once SetPublicUrl has been called (before serving starts).
#pragma once

#include <string>

#include "courier/courier.h"
#include "identity/mailer.h"

namespace portico::selfservice {

struct MailBudgets {
  int per_address_per_hour = 5;
  int per_account_per_hour = 10;
};

class AccountMailer final : public identity::Mailer {
 public:
  AccountMailer(courier::Courier& courier, MailBudgets budgets)
      : courier_(courier), budgets_(budgets) {}

  void SetPublicUrl(std::string url) { base_url_ = std::move(url); }

  Status Send(const identity::Mail& mail) override;
  Status ChargeOnly(const std::string& address_key) override;

  // The message as it would be queued (tests and the operator's preview).
  courier::Message Compose(const identity::Mail& mail) const;

 private:
  std::vector<courier::RateLimit> LimitsFor(const identity::Mail& mail) const;

  courier::Courier& courier_;
  MailBudgets budgets_;
  std::string base_url_;
};

}  // namespace portico::selfservice
