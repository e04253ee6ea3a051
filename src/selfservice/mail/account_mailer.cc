#include "selfservice/mail/account_mailer.h"

#include "core/log.h"
#include "ui/pages.h"

namespace portico::selfservice {
namespace {

struct KindInfo {
  const char* template_name;
  const char* kind;
  const char* subject;
  const char* link_path;  // where the link token goes, or nullptr
};

KindInfo InfoFor(identity::MailKind kind) {
  using K = identity::MailKind;
  switch (kind) {
    case K::kSignUpVerify:
      return {"mail_signup_verify", "signup-verify", "Your code to finish creating your account",
              "/signup/confirm"};
    case K::kSignUpExisting:
      return {"mail_signup_existing", "signup-existing", "You already have an account", nullptr};
    case K::kVerifyAddress:
      return {"mail_verify_address", "verify-address", "Confirm the address for your account",
              "/account/email/confirm"};
    case K::kPasswordReset:
      return {"mail_password_reset", "password-reset", "Choose a new password", "/password/reset"};
    case K::kPasswordChanged:
      return {"mail_password_changed", "password-changed", "Your password was changed", nullptr};
    case K::kAddressChanged:
      return {"mail_address_changed", "address-changed", "Your sign-in address was changed",
              "/account/email/undo"};
    case K::kAddressAdded:
      return {"mail_address_added", "address-added", "An address was added to your account",
              nullptr};
    case K::kAddressRemoved:
      return {"mail_address_removed", "address-removed", "An address was removed from your account",
              nullptr};
    case K::kNameHints:
      return {"mail_name_hints", "name-hints", "The addresses of your account", nullptr};
    case K::kNoAccount:
      return {"mail_no_account", "no-account", "No account uses this address", nullptr};
  }
  return {"mail_no_account", "no-account", "No account uses this address", nullptr};
}

}  // namespace

courier::Message AccountMailer::Compose(const identity::Mail& mail) const {
  KindInfo info = InfoFor(mail.kind);
  ui::Data data;
  data.set("subject", std::string(info.subject));
  data.set("base_url", base_url_);
  data.set("name", mail.name);
  data.set("code", mail.code);
  data.set("other_address", mail.other_address);
  if (info.link_path) data.set("link", base_url_ + info.link_path + "?token=" + mail.link_token);
  ui::Data hints = ui::List();
  for (const std::string& h : mail.hints) hints.push_back(ui::Data(h));
  data.set("hints", hints);
  ui::MailBodies bodies = ui::RenderMail(info.template_name, data);
  courier::Message message;
  message.to = mail.to;
  message.subject = info.subject;
  message.text = std::move(bodies.text);
  message.html = std::move(bodies.html);
  message.kind = info.kind;
  message.account_id = mail.account_id;
  return message;
}

std::vector<courier::RateLimit> AccountMailer::LimitsFor(const identity::Mail& mail) const {
  std::vector<courier::RateLimit> limits;
  if (!mail.limited) return limits;
  limits.push_back({"address:" + mail.to_key, budgets_.per_address_per_hour, 3600});
  if (!mail.account_id.empty())
    limits.push_back({"account:" + mail.account_id, budgets_.per_account_per_hour, 3600});
  return limits;
}

Status AccountMailer::Send(const identity::Mail& mail) {
  auto queued = courier_.Submit(Compose(mail), LimitsFor(mail));
  if (queued.ok()) return OkStatus();
  if (queued.status().code() == StatusCode::kResourceExhausted)
    log::Warn("mail_over_budget", {{"kind", InfoFor(mail.kind).kind}});
  return queued.status();
}

Status AccountMailer::ChargeOnly(const std::string& address_key) {
  Status charged =
      courier_.Charge({{"address:" + address_key, budgets_.per_address_per_hour, 3600}});
  if (charged.code() == StatusCode::kResourceExhausted) return OkStatus();
  return charged;
}

}  // namespace portico::selfservice
