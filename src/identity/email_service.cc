#include "identity/email_service.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/log.h"
#include "crypto/digest.h"
#include "identity/email_address.h"
#include "identity/sqlite_email_store.h"

namespace portico::identity {
namespace {

namespace json = boost::json;

std::string JsonString(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

json::object ParseData(const std::string& data) {
  boost::system::error_code ec;
  json::value v = json::parse(data, ec);
  if (ec || !v.is_object()) return {};
  return v.as_object();
}

}  // namespace

EmailService::EmailService(IdentityStore& identity, EmailStore& store, AccountService& accounts,
                           Mailer& mailer, Clock& clock, crypto::Random& random, MailPolicy policy)
    : identity_(identity),
      store_(store),
      accounts_(accounts),
      mailer_(mailer),
      clock_(clock),
      random_(random),
      policy_(policy) {}

std::string EmailService::HashToken(std::string_view token) { return crypto::Sha256(token); }

std::string EmailService::NewCode() {
  // Six uniformly random digits: rejection sampling over 32-bit values avoids modulo bias.
  while (true) {
    std::string b = random_.Bytes(4);
    uint32_t v = (uint32_t(uint8_t(b[0])) << 24) | (uint32_t(uint8_t(b[1])) << 16) |
                 (uint32_t(uint8_t(b[2])) << 8) | uint32_t(uint8_t(b[3]));
    if (v >= 4294000000u) continue;  // 4,294,000,000 is a multiple of 1,000,000
    std::string code = std::to_string(v % 1000000);
    return std::string(6 - code.size(), '0') + code;
  }
}

Status EmailService::SendOrDrop(const Mail& mail) {
  Status sent = mailer_.Send(mail);
  return sent.code() == StatusCode::kResourceExhausted ? OkStatus() : sent;
}

Status EmailService::SendWithToken(const Mail& mail, const std::string& token_hash) {
  Status sent = mailer_.Send(mail);
  if (sent.code() != StatusCode::kResourceExhausted) return sent;
  // Over budget: the message is not sent, and its token must not stay guessable (its code would
  // otherwise give a stranger five more guesses per request).
  return store_.Expire(token_hash, clock_.NowSeconds());
}

void EmailService::Notify(const Mail& mail) {
  // After a committed change the person's answer is success; a notice that cannot be queued is
  // an operator's problem, reported in the log.
  Status sent = SendOrDrop(mail);
  if (!sent.ok())
    log::Error("notice_not_queued", {{"account", mail.account_id}, {"status", sent.ToString()}});
}

std::string EmailService::NewPublicId() { return crypto::RandomToken(random_, 12); }

std::string EmailService::MaskAddress(std::string_view address) {
  size_t at = address.rfind('@');
  if (at == std::string_view::npos || at == 0) return "•••";
  std::string_view local = address.substr(0, at);
  std::string_view domain = address.substr(at + 1);
  size_t dot = domain.rfind('.');
  std::string_view host = dot == std::string_view::npos ? domain : domain.substr(0, dot);
  std::string_view tld = dot == std::string_view::npos ? "" : domain.substr(dot);
  auto first = [](std::string_view s) {
    // The first UTF-8 character, whole.
    size_t n = 1;
    while (n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) ++n;
    return std::string(s.substr(0, std::min(n, s.size())));
  };
  std::string out = first(local) + "•••@";
  if (!host.empty()) out += first(host) + "•••";
  return out + std::string(tld);
}

StatusOr<std::string> EmailService::IssueToken(EmailToken token, int64_t lifetime,
                                               std::string* code) {
  std::string link = crypto::RandomToken(random_, 32);
  token.token_hash = HashToken(link);
  token.public_id = NewPublicId();
  token.created_at = clock_.NowSeconds();
  token.expires_at = token.created_at + lifetime;
  if (code) {
    *code = NewCode();
    token.code_hash = HashCode(token.token_hash, *code);
  }
  PORTICO_RETURN_IF_ERROR(store_.CreateToken(token));
  return link;
}

// ---- sign-up ----

StatusOr<PendingSignUp> EmailService::BeginSignUp(const SignUpRequest& request,
                                                  std::string_view return_to, Field* field) {
  PORTICO_ASSIGN_OR_RETURN(CheckedSignUp checked, accounts_.CheckSignUp(request, field));
  auto existing = identity_.FindAccountByEmailKey(checked.email_key);
  if (!existing.ok() && existing.status().code() != StatusCode::kNotFound) return existing.status();

  PendingSignUp pending;
  pending.flow_token = crypto::RandomToken(random_, 32);
  pending.address = checked.email;
  EmailToken token;
  token.flow_hash = HashToken(pending.flow_token);
  token.address = checked.email;
  token.address_key = checked.email_key;
  Mail mail;
  mail.to = checked.email;
  mail.to_key = checked.email_key;
  mail.name = checked.profile.display_name;
  mail.limited = true;
  std::string code;
  if (existing.ok()) {
    // The same row and the same message count, but a code nobody knows: the flow can never
    // complete, and only the mailbox's owner learns that the address is registered.
    token.purpose = TokenPurpose::kSignUpExisting;
    token.account_id = "";
    // The return address too, so the page (and its CSP) is the same as for a new address.
    json::object data;
    data["return_to"] = std::string(return_to);
    token.data = json::serialize(data);
    PORTICO_RETURN_IF_ERROR(IssueToken(token, policy_.signup_seconds, &code).status());
    mail.kind = MailKind::kSignUpExisting;
    mail.account_id = existing->id;
    mail.name = existing->profile.display_name;
  } else {
    token.purpose = TokenPurpose::kSignUp;
    json::object data;
    data["given_name"] = checked.profile.given_name;
    data["family_name"] = checked.profile.family_name;
    data["display_name"] = checked.profile.display_name;
    data["password_hash"] = checked.password_hash;
    data["return_to"] = std::string(return_to);
    token.data = json::serialize(data);
    PORTICO_ASSIGN_OR_RETURN(mail.link_token, IssueToken(token, policy_.signup_seconds, &code));
    mail.kind = MailKind::kSignUpVerify;
    mail.code = code;
  }
  PORTICO_RETURN_IF_ERROR(
      mail.link_token.empty() ? SendOrDrop(mail) : SendWithToken(mail, HashToken(mail.link_token)));
  return pending;
}

StatusOr<EmailToken> EmailService::SignUpOfFlow(std::string_view flow_token) {
  if (flow_token.empty()) return NotFoundError("no sign-up");
  PORTICO_ASSIGN_OR_RETURN(EmailToken token, store_.FindByFlow(HashToken(flow_token)));
  // Used, expired, or ended by wrong codes (which also mark it used): the flow is over.
  if (token.used_at || token.expires_at <= clock_.NowSeconds())
    return NotFoundError("sign-up ended");
  return token;
}

Status EmailService::ResendSignUp(std::string_view flow_token) {
  PORTICO_ASSIGN_OR_RETURN(EmailToken token, SignUpOfFlow(flow_token));
  int64_t now = clock_.NowSeconds();
  std::string link = crypto::RandomToken(random_, 32);
  std::string new_hash = HashToken(link);
  std::string code = NewCode();
  PORTICO_RETURN_IF_ERROR(store_.Renew(token.token_hash, new_hash, HashCode(new_hash, code),
                                       now + policy_.signup_seconds));
  Mail mail;
  mail.to = token.address;
  mail.to_key = token.address_key;
  mail.limited = true;
  json::object data = ParseData(token.data);
  mail.name = JsonString(data, "display_name");
  if (token.purpose == TokenPurpose::kSignUp) {
    mail.kind = MailKind::kSignUpVerify;
    mail.link_token = link;
    mail.code = code;
  } else {
    mail.kind = MailKind::kSignUpExisting;
    auto existing = identity_.FindAccountByEmailKey(token.address_key);
    if (existing.ok()) {
      mail.account_id = existing->id;
      mail.name = existing->profile.display_name;
    }
  }
  return SendWithToken(mail, new_hash);
}

StatusOr<CompletedSignUp> EmailService::FinishSignUp(const EmailToken& token, bool sign_in,
                                                     const ClientInfo& client) {
  json::object data = ParseData(token.data);
  NewAccount account;
  account.id = "acc_" + crypto::RandomToken(random_, 16);
  account.email = token.address;
  account.email_key = token.address_key;
  account.profile.given_name = JsonString(data, "given_name");
  account.profile.family_name = JsonString(data, "family_name");
  account.profile.display_name = JsonString(data, "display_name");
  account.password_hash = JsonString(data, "password_hash");
  account.now = clock_.NowSeconds();
  CompletedSignUp done;
  done.return_to = JsonString(data, "return_to");
  std::optional<Session> session;
  if (sign_in) {
    NewSession fresh;
    fresh.session = accounts_.NewSessionFor(account.id, /*remember=*/false, client, &fresh.token);
    session = fresh.session;
    done.session = std::move(fresh);
  }
  PORTICO_ASSIGN_OR_RETURN(done.account, store_.CreateVerifiedAccount(account, session));
  if (done.session) done.session->account = done.account;
  log::Info("account_created", {{"account", done.account.id}});
  return done;
}

StatusOr<CompletedSignUp> EmailService::CompleteSignUpWithCode(std::string_view flow_token,
                                                               std::string_view code,
                                                               const ClientInfo& client) {
  if (flow_token.empty()) return NotFoundError("no sign-up");
  CodeTarget target;
  target.flow_hash = HashToken(flow_token);
  EmailToken token;
  PORTICO_ASSIGN_OR_RETURN(CodeVerdict verdict,
                           store_.ConsumeCode(target, std::string(code), clock_.NowSeconds(),
                                              policy_.max_code_failures, &token));
  if (verdict == CodeVerdict::kWrong) return InvalidArgumentError("That code is not right.");
  if (verdict == CodeVerdict::kGone || token.purpose != TokenPurpose::kSignUp)
    return NotFoundError("no live sign-up");
  return FinishSignUp(token, /*sign_in=*/true, client);
}

StatusOr<CompletedSignUp> EmailService::CompleteSignUpWithLink(std::string_view link_token,
                                                               std::string_view flow_token,
                                                               const ClientInfo& client) {
  PORTICO_ASSIGN_OR_RETURN(
      EmailToken token,
      store_.Consume(HashToken(link_token), TokenPurpose::kSignUp, clock_.NowSeconds()));
  bool same_browser =
      !flow_token.empty() && crypto::ConstantTimeEquals(HashToken(flow_token), token.flow_hash);
  return FinishSignUp(token, same_browser, client);
}

std::string EmailService::ReturnToOf(const EmailToken& token) {
  std::string return_to = JsonString(ParseData(token.data), "return_to");
  return return_to.empty() ? "/" : return_to;
}

StatusOr<LinkView> EmailService::InspectLink(std::string_view link_token) {
  LinkView view;
  if (link_token.empty() || link_token.size() > 100) return view;
  auto token = store_.FindToken(HashToken(link_token));
  if (!token.ok()) {
    if (token.status().code() == StatusCode::kNotFound) return view;
    return token.status();
  }
  view.token = std::move(*token);
  view.state = view.token.used_at                                      ? LinkState::kUsed
               : view.token.expires_at <= clock_.NowSeconds()          ? LinkState::kExpired
               : view.token.code_failures >= policy_.max_code_failures ? LinkState::kUsed
                                                                       : LinkState::kLive;
  return view;
}

// ---- misplaced credentials ----

Status EmailService::RequestPasswordReset(std::string_view input) {
  PORTICO_ASSIGN_OR_RETURN(std::string address, ValidateEmailAddress(input));
  std::string key = EmailKey(address);
  auto account = identity_.FindAccountByEmailKey(key);
  if (!account.ok() && account.status().code() != StatusCode::kNotFound) return account.status();
  // An account the operator locked is treated as unknown: a reset must not lift the lock.
  if (account.ok() && account->disabled_at) account = NotFoundError("locked");
  EmailToken token;
  token.purpose = TokenPurpose::kReset;
  token.address = address;
  token.address_key = key;
  if (account.ok()) token.account_id = account->id;
  // Both paths write one token row and charge the address's budget once, so they cost the
  // same; a row without an account can never be redeemed.
  PORTICO_ASSIGN_OR_RETURN(std::string link, IssueToken(token, policy_.reset_seconds, nullptr));
  if (!account.ok()) return mailer_.ChargeOnly(key);
  Mail mail;
  mail.kind = MailKind::kPasswordReset;
  mail.to = address;
  mail.to_key = key;
  mail.account_id = account->id;
  mail.name = account->profile.display_name;
  mail.link_token = link;
  mail.limited = true;
  return SendWithToken(mail, HashToken(link));
}

StatusOr<ResetResult> EmailService::ResetPassword(std::string_view link_token,
                                                  std::string_view new_password,
                                                  const ClientInfo& client, Field* field) {
  // Check the password before spending the link, so a refused password keeps the link usable.
  PORTICO_ASSIGN_OR_RETURN(LinkView view, InspectLink(link_token));
  if (view.state != LinkState::kLive || view.token.purpose != TokenPurpose::kReset ||
      view.token.account_id.empty())
    return NotFoundError("no live reset link");
  PORTICO_ASSIGN_OR_RETURN(Account account, identity_.FindAccountById(view.token.account_id));
  if (account.disabled_at) return NotFoundError("the account is locked");
  *field = Field::kPassword;
  PORTICO_RETURN_IF_ERROR(accounts_.AcceptablePassword(new_password, account.email).status());
  *field = Field::kNone;
  PORTICO_ASSIGN_OR_RETURN(
      EmailToken token,
      store_.Consume(HashToken(link_token), TokenPurpose::kReset, clock_.NowSeconds()));
  ResetResult result;
  PORTICO_ASSIGN_OR_RETURN(result.ended, identity_.ListSessions(token.account_id));
  PORTICO_ASSIGN_OR_RETURN(result.session,
                           accounts_.ResetPassword(account, new_password, client, field));
  // Following the link proved the mailbox: an address from before verification existed counts
  // as verified from now on.
  PORTICO_RETURN_IF_ERROR(
      store_.MarkVerified(token.account_id, token.address_key, clock_.NowSeconds()));
  Notify(PasswordNotice(account));
  return result;
}

Status EmailService::SendNameHints(std::string_view input) {
  PORTICO_ASSIGN_OR_RETURN(std::string address, ValidateEmailAddress(input));
  std::string key = EmailKey(address);
  auto account = identity_.FindAccountByEmailKey(key);
  if (!account.ok() && account.status().code() != StatusCode::kNotFound) return account.status();
  Mail mail;
  mail.to = address;
  mail.to_key = key;
  mail.limited = true;
  if (!account.ok()) {
    mail.kind = MailKind::kNoAccount;
    return SendOrDrop(mail);
  }
  mail.kind = MailKind::kNameHints;
  mail.account_id = account->id;
  mail.name = account->profile.display_name;
  PORTICO_ASSIGN_OR_RETURN(auto addresses, store_.ListAddresses(account->id));
  for (const EmailEntry& e : addresses) {
    std::string hint = MaskAddress(e.address);
    if (e.primary) hint += " (sign-in address)";
    mail.hints.push_back(hint);
  }
  return SendOrDrop(mail);
}

// ---- addresses ----

StatusOr<std::vector<EmailEntry>> EmailService::Addresses(const std::string& account_id) {
  return store_.ListAddresses(account_id);
}

StatusOr<std::vector<EmailToken>> EmailService::PendingAddresses(const std::string& account_id) {
  return store_.LiveTokens(account_id, TokenPurpose::kVerify, clock_.NowSeconds());
}

Status EmailService::AddAddress(const ActiveSession& active, std::string_view input,
                                std::string_view current_password, bool make_primary,
                                Field* field) {
  *field = Field::kEmail;
  PORTICO_ASSIGN_OR_RETURN(std::string address, ValidateEmailAddress(input));
  std::string key = EmailKey(address);
  PORTICO_ASSIGN_OR_RETURN(auto addresses, store_.ListAddresses(active.account.id));
  for (const EmailEntry& e : addresses) {
    // An address from before verification existed may be confirmed now; others are done.
    if (e.address_key == key && e.verified_at)
      return InvalidArgumentError("This address is already yours.");
  }
  if (static_cast<int>(addresses.size()) >= policy_.max_addresses)
    return ResourceExhaustedError("You have as many addresses as an account can hold (" +
                                  std::to_string(policy_.max_addresses - 1) +
                                  " besides the sign-in address). Remove one first.");
  *field = Field::kCurrentPassword;
  PORTICO_RETURN_IF_ERROR(accounts_.VerifyCurrentPassword(active.account, current_password));
  *field = Field::kNone;
  EmailToken token;
  token.purpose = TokenPurpose::kVerify;
  token.account_id = active.account.id;
  token.address = address;
  token.address_key = key;
  json::object data;
  data["primary"] = make_primary;
  token.data = json::serialize(data);
  std::string code;
  PORTICO_ASSIGN_OR_RETURN(std::string link, IssueToken(token, policy_.verify_seconds, &code));
  // Whether the address belongs to another account is not said here (N6): the mail goes out
  // either way, and confirming it fails with a clear message in the owner's hands.
  Mail mail;
  mail.kind = MailKind::kVerifyAddress;
  mail.to = address;
  mail.to_key = key;
  mail.account_id = active.account.id;
  mail.name = active.account.profile.display_name;
  mail.link_token = link;
  mail.code = code;
  mail.limited = true;
  log::Info("address_added_pending", {{"account", active.account.id}});
  return SendWithToken(mail, HashToken(link));
}

StatusOr<Account> EmailService::FinishAddress(const EmailToken& token) {
  bool make_primary = false;
  json::object data = ParseData(token.data);
  if (const json::value* v = data.if_contains("primary"); v && v->is_bool())
    make_primary = v->as_bool();
  std::optional<EmailEntry> previous;
  PORTICO_ASSIGN_OR_RETURN(auto addresses, store_.ListAddresses(token.account_id));
  for (const EmailEntry& e : addresses) {
    if (e.address_key != token.address_key) continue;
    // The account's own address from before verification existed: confirmed now.
    PORTICO_RETURN_IF_ERROR(
        store_.MarkVerified(token.account_id, token.address_key, clock_.NowSeconds()));
    if (make_primary && !e.primary) {
      EmailEntry old;
      PORTICO_RETURN_IF_ERROR(
          store_.SetPrimary(token.account_id, token.address_key, clock_.NowSeconds(), &old));
      previous = old;
    }
    PORTICO_ASSIGN_OR_RETURN(Account account, identity_.FindAccountById(token.account_id));
    if (previous) TellOldAddress(account, *previous, token.address);
    return account;
  }
  Status added =
      store_.AddVerifiedAddress(token.account_id, token.address, token.address_key, make_primary,
                                policy_.max_addresses, clock_.NowSeconds(), &previous);
  if (!added.ok()) return added;
  PORTICO_ASSIGN_OR_RETURN(Account account, identity_.FindAccountById(token.account_id));
  log::Info("address_verified", {{"account", account.id}, {"primary", make_primary}});
  if (previous) {
    TellOldAddress(account, *previous, token.address);
  } else {
    Mail mail;
    mail.kind = MailKind::kAddressAdded;
    mail.to = account.email;
    mail.to_key = EmailKey(account.email);
    mail.account_id = account.id;
    mail.name = account.profile.display_name;
    mail.other_address = token.address;
    Notify(mail);
  }
  return account;
}

StatusOr<Account> EmailService::ConfirmAddressWithCode(const ActiveSession& active,
                                                       std::string_view public_id,
                                                       std::string_view code) {
  CodeTarget target;
  target.account_id = active.account.id;
  target.public_id = std::string(public_id);
  EmailToken token;
  PORTICO_ASSIGN_OR_RETURN(CodeVerdict verdict,
                           store_.ConsumeCode(target, std::string(code), clock_.NowSeconds(),
                                              policy_.max_code_failures, &token));
  if (verdict == CodeVerdict::kWrong) return InvalidArgumentError("That code is not right.");
  if (verdict == CodeVerdict::kGone || token.purpose != TokenPurpose::kVerify)
    return NotFoundError("no live confirmation");
  return FinishAddress(token);
}

StatusOr<Account> EmailService::ConfirmAddressWithLink(std::string_view link_token) {
  PORTICO_ASSIGN_OR_RETURN(
      EmailToken token,
      store_.Consume(HashToken(link_token), TokenPurpose::kVerify, clock_.NowSeconds()));
  return FinishAddress(token);
}

void EmailService::TellOldAddress(const Account& account, const EmailEntry& previous,
                                  const std::string& new_address) {
  log::Info("primary_address_changed", {{"account", account.id}});
  EmailToken undo;
  undo.purpose = TokenPurpose::kUndo;
  undo.account_id = account.id;
  undo.address = previous.address;
  undo.address_key = previous.address_key;
  json::object data;
  data["replaced_by"] = EmailKey(new_address);
  undo.data = json::serialize(data);
  auto link = IssueToken(undo, policy_.undo_seconds, nullptr);
  if (!link.ok()) {
    log::Error("undo_link_not_created",
               {{"account", account.id}, {"status", link.status().ToString()}});
    return;
  }
  Mail mail;
  mail.kind = MailKind::kAddressChanged;
  mail.to = previous.address;
  mail.to_key = previous.address_key;
  mail.account_id = account.id;
  mail.name = account.profile.display_name;
  mail.other_address = new_address;
  mail.link_token = *link;
  Notify(mail);
}

Status EmailService::MakePrimary(const ActiveSession& active, std::string_view address_key,
                                 std::string_view current_password, Field* field) {
  *field = Field::kCurrentPassword;
  PORTICO_RETURN_IF_ERROR(accounts_.VerifyCurrentPassword(active.account, current_password));
  *field = Field::kNone;
  EmailEntry previous;
  PORTICO_RETURN_IF_ERROR(store_.SetPrimary(active.account.id, std::string(address_key),
                                            clock_.NowSeconds(), &previous));
  if (previous.address_key == address_key) return OkStatus();
  PORTICO_ASSIGN_OR_RETURN(Account account, identity_.FindAccountById(active.account.id));
  TellOldAddress(account, previous, account.email);
  return OkStatus();
}

Status EmailService::RemoveAddress(const ActiveSession& active, std::string_view address_key) {
  PORTICO_ASSIGN_OR_RETURN(auto addresses, store_.ListAddresses(active.account.id));
  std::string removed;
  for (const EmailEntry& e : addresses)
    if (e.address_key == address_key) removed = e.address;
  PORTICO_RETURN_IF_ERROR(store_.RemoveAddress(active.account.id, std::string(address_key)));
  log::Info("address_removed", {{"account", active.account.id}});
  Mail mail;
  mail.kind = MailKind::kAddressRemoved;
  mail.to = active.account.email;
  mail.to_key = EmailKey(active.account.email);
  mail.account_id = active.account.id;
  mail.name = active.account.profile.display_name;
  mail.other_address = removed;
  Notify(mail);
  return OkStatus();
}

Status EmailService::CancelPending(const ActiveSession& active, std::string_view public_id) {
  return store_.Cancel(active.account.id, std::string(public_id), clock_.NowSeconds());
}

StatusOr<UndoResult> EmailService::UndoAddressChange(std::string_view link_token) {
  PORTICO_ASSIGN_OR_RETURN(
      EmailToken token,
      store_.Consume(HashToken(link_token), TokenPurpose::kUndo, clock_.NowSeconds()));
  UndoResult result;
  result.account_id = token.account_id;
  result.restored_address = token.address;
  PORTICO_ASSIGN_OR_RETURN(result.ended, identity_.ListSessions(token.account_id));
  json::object data = ParseData(token.data);
  PORTICO_RETURN_IF_ERROR(store_.RestorePrimary(token.account_id, token.address, token.address_key,
                                                JsonString(data, "replaced_by"),
                                                clock_.NowSeconds()));
  log::Info("address_change_undone", {{"account", token.account_id}});
  // Whoever changed the address may know the password too: the owner sets a new one now,
  // through a fresh reset token that this page hands over directly.
  EmailToken reset;
  reset.purpose = TokenPurpose::kReset;
  reset.account_id = token.account_id;
  reset.address = token.address;
  reset.address_key = token.address_key;
  PORTICO_ASSIGN_OR_RETURN(result.reset_token, IssueToken(reset, policy_.reset_seconds, nullptr));
  return result;
}

Mail EmailService::PasswordNotice(const Account& account) {
  Mail mail;
  mail.kind = MailKind::kPasswordChanged;
  mail.to = account.email;
  mail.to_key = EmailKey(account.email);
  mail.account_id = account.id;
  mail.name = account.profile.display_name;
  return mail;
}

void EmailService::NotifyPasswordChanged(const Account& account) {
  Notify(PasswordNotice(account));
}

}  // namespace portico::identity
