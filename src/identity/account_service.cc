#include "identity/account_service.h"

#include "core/log.h"
#include "core/utf8.h"
#include "crypto/digest.h"
#include "identity/email_address.h"

namespace portico::identity {
namespace {

constexpr char kSignInFailed[] = "sign-in failed";

std::string Trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return std::string(s);
}

std::string DefaultDisplayName(const Profile& p) {
  if (p.given_name.empty()) return p.family_name;
  if (p.family_name.empty()) return p.given_name;
  return p.given_name + " " + p.family_name;
}

}  // namespace

StatusOr<std::string> CleanProfileField(std::string_view value, std::string_view label) {
  if (!utf8::IsValid(value) || utf8::HasControlCharacters(value)) {
    return InvalidArgumentError(std::string(label) + " contains characters that are not allowed.");
  }
  std::string trimmed = Trim(value);
  if (utf8::CountCodePoints(trimmed) > kMaxFieldLength) {
    return InvalidArgumentError(std::string(label) + " is too long (at most " +
                                std::to_string(kMaxFieldLength) + " characters).");
  }
  return trimmed;
}

AccountService::AccountService(IdentityStore& store, const crypto::PasswordHasher& hasher,
                               const PasswordPolicy& policy, Clock& clock, crypto::Random& random,
                               SessionPolicy session_policy, ThrottlePolicy throttle_policy)
    : store_(store),
      hasher_(hasher),
      policy_(policy),
      clock_(clock),
      random_(random),
      session_policy_(session_policy),
      throttle_policy_(throttle_policy) {}

std::string AccountService::HashToken(std::string_view token) { return crypto::Sha256(token); }

Session AccountService::MakeSession(const std::string& account_id, bool remember,
                                    const ClientInfo& client, std::string* token) {
  int64_t now = clock_.NowSeconds();
  *token = crypto::RandomToken(random_, 32);
  Session s;
  s.token_hash = HashToken(*token);
  s.public_id = crypto::RandomToken(random_, 12);
  s.account_id = account_id;
  s.created_at = now;
  s.authenticated_at = now;
  s.last_seen_at = now;
  s.remember = remember;
  s.idle_timeout = remember ? session_policy_.remember_idle_timeout : session_policy_.idle_timeout;
  s.expires_at = now + (remember ? session_policy_.remember_absolute_timeout
                                 : session_policy_.absolute_timeout);
  s.user_agent = utf8::ReplaceInvalid(client.user_agent.substr(0, 300));
  s.ip = client.ip.substr(0, 64);
  return s;
}

StatusOr<CheckedSignUp> AccountService::CheckSignUp(const SignUpRequest& request, Field* field) {
  *field = Field::kName;
  CheckedSignUp checked;
  Profile& profile = checked.profile;
  PORTICO_ASSIGN_OR_RETURN(profile.given_name, CleanProfileField(request.given_name, "Given name"));
  PORTICO_ASSIGN_OR_RETURN(profile.family_name,
                           CleanProfileField(request.family_name, "Family name"));
  if (profile.given_name.empty() && profile.family_name.empty()) {
    return InvalidArgumentError("Enter your name.");
  }
  profile.display_name = DefaultDisplayName(profile);
  *field = Field::kEmail;
  PORTICO_ASSIGN_OR_RETURN(checked.email, ValidateEmailAddress(request.email));
  checked.email_key = EmailKey(checked.email);
  *field = Field::kPassword;
  PORTICO_ASSIGN_OR_RETURN(std::string normalized,
                           AcceptablePassword(request.password, checked.email));
  *field = Field::kNone;
  PORTICO_ASSIGN_OR_RETURN(checked.password_hash, hasher_.Hash(normalized));
  return checked;
}

StatusOr<NewSession> AccountService::SignUp(const SignUpRequest& request, const ClientInfo& client,
                                            bool remember, Field* field) {
  PORTICO_ASSIGN_OR_RETURN(CheckedSignUp checked, CheckSignUp(request, field));
  NewAccount account;
  account.id = "acc_" + crypto::RandomToken(random_, 16);
  account.email = checked.email;
  account.email_key = checked.email_key;
  account.profile = checked.profile;
  account.password_hash = std::move(checked.password_hash);
  account.now = clock_.NowSeconds();
  PORTICO_ASSIGN_OR_RETURN(Account created, store_.CreateAccount(account));
  log::Info("account_created", {{"account", created.id}});

  NewSession result;
  result.session = MakeSession(created.id, remember, client, &result.token);
  PORTICO_RETURN_IF_ERROR(store_.CompleteSignIn(result.session, "account:" + created.id));
  result.account = std::move(created);
  return result;
}

StatusOr<NewSession> AccountService::SignIn(std::string_view email_input, std::string_view password,
                                            bool remember, const ClientInfo& client) {
  PORTICO_ASSIGN_OR_RETURN(std::string email, ValidateEmailAddress(email_input));
  std::string key = EmailKey(email);
  auto normalized = PasswordPolicy::Normalize(password);
  std::string candidate = normalized.ok() ? *normalized : std::string(password);

  auto account = store_.FindAccountByEmailKey(key);
  if (!account.ok() && account.status().code() != StatusCode::kNotFound) return account.status();
  // Unknown addresses are throttled too, under their own key, so that throttling behaves the
  // same whether or not the address is registered.
  std::string subject = account.ok() ? "account:" + account->id : "address:" + key;
  PORTICO_ASSIGN_OR_RETURN(
      AttemptDecision decision,
      store_.BeginSignInAttempt(subject, clock_.NowSeconds(), throttle_policy_));
  bool usable = account.ok() && !account->disabled_at && !account->password_hash.empty() &&
                normalized.ok() && decision.verdict == AttemptVerdict::kAllowed;
  if (!usable) {
    hasher_.VerifyDummy(candidate);
    if (decision.verdict != AttemptVerdict::kAllowed) {
      // Unknown addresses are personal data: the log names only accounts.
      log::Info("signin_throttled",
                {{"account", account.ok() ? account->id : std::string("unknown")},
                 {"failures", decision.failures}});
    }
    return UnauthenticatedError(kSignInFailed);
  }
  if (!hasher_.Verify(account->password_hash, candidate)) {
    log::Info("signin_failed", {{"account", account->id}, {"failures", decision.failures}});
    return UnauthenticatedError(kSignInFailed);
  }
  NewSession result;
  result.session = MakeSession(account->id, remember, client, &result.token);
  PORTICO_RETURN_IF_ERROR(store_.CompleteSignIn(result.session, subject));
  result.account = std::move(*account);
  log::Info("signin_succeeded", {{"account", result.account.id}});
  return result;
}

StatusOr<ActiveSession> AccountService::ResolveSession(std::string_view token) {
  if (token.empty() || token.size() > 100) return UnauthenticatedError("no session");
  std::string hash = HashToken(token);
  auto found = store_.FindSessionAndAccount(hash);
  if (!found.ok()) {
    if (found.status().code() == StatusCode::kNotFound) return UnauthenticatedError("no session");
    return found.status();
  }
  auto* session = &found->session;
  int64_t now = clock_.NowSeconds();
  if (now >= session->expires_at || now >= session->last_seen_at + session->idle_timeout) {
    PORTICO_RETURN_IF_ERROR(store_.DeleteSession(hash));
    return UnauthenticatedError("session expired");
  }
  auto& account = found->account;
  if (!account || account->disabled_at) return UnauthenticatedError("account unavailable");
  if (now - session->last_seen_at >= session_policy_.touch_interval) {
    PORTICO_RETURN_IF_ERROR(store_.TouchSession(hash, now));
    session->last_seen_at = now;
  }
  return ActiveSession{std::move(*session), std::move(*account)};
}

Status AccountService::SignOut(std::string_view token) {
  if (token.empty()) return OkStatus();
  return store_.DeleteSession(HashToken(token));
}

Status AccountService::UpdateProfile(const std::string& account_id, Profile in) {
  Profile p;
  PORTICO_ASSIGN_OR_RETURN(p.given_name, CleanProfileField(in.given_name, "Given name"));
  PORTICO_ASSIGN_OR_RETURN(p.family_name, CleanProfileField(in.family_name, "Family name"));
  PORTICO_ASSIGN_OR_RETURN(p.display_name, CleanProfileField(in.display_name, "Display name"));
  PORTICO_ASSIGN_OR_RETURN(p.street, CleanProfileField(in.street, "Street"));
  PORTICO_ASSIGN_OR_RETURN(p.city, CleanProfileField(in.city, "City"));
  PORTICO_ASSIGN_OR_RETURN(p.region, CleanProfileField(in.region, "Region"));
  PORTICO_ASSIGN_OR_RETURN(p.postal_code, CleanProfileField(in.postal_code, "Postal code"));
  PORTICO_ASSIGN_OR_RETURN(p.country, CleanProfileField(in.country, "Country"));
  PORTICO_ASSIGN_OR_RETURN(p.language, CleanProfileField(in.language, "Preferred language"));
  if (p.given_name.empty() && p.family_name.empty())
    return InvalidArgumentError("Enter your name.");
  if (p.display_name.empty()) p.display_name = DefaultDisplayName(p);
  return store_.UpdateProfile(account_id, p, clock_.NowSeconds());
}

Status AccountService::VerifyCurrentPassword(const Account& account, std::string_view password) {
  // The current password is a sign-in attempt: it is throttled like one.
  std::string subject = "account:" + account.id;
  PORTICO_ASSIGN_OR_RETURN(
      AttemptDecision decision,
      store_.BeginSignInAttempt(subject, clock_.NowSeconds(), throttle_policy_));
  auto current = PasswordPolicy::Normalize(password);
  bool ok = decision.verdict == AttemptVerdict::kAllowed && current.ok() &&
            !account.password_hash.empty() && hasher_.Verify(account.password_hash, *current);
  if (!ok) return InvalidArgumentError("Your current password is not right.");
  return store_.ClearSignInFailures(subject);
}

StatusOr<NewSession> AccountService::ChangePassword(const ActiveSession& active,
                                                    std::string_view current_password,
                                                    std::string_view new_password,
                                                    const ClientInfo& client, Field* field) {
  const Account& account = active.account;
  *field = Field::kCurrentPassword;
  Status current = VerifyCurrentPassword(account, current_password);
  if (!current.ok()) return current;
  *field = Field::kPassword;
  PORTICO_ASSIGN_OR_RETURN(std::string normalized, AcceptablePassword(new_password, account.email));
  *field = Field::kNone;
  PORTICO_ASSIGN_OR_RETURN(NewSession result,
                           ReplacePassword(account, normalized, active.session.remember, client));
  log::Info("password_changed", {{"account", account.id}});
  return result;
}

StatusOr<std::string> AccountService::AcceptablePassword(std::string_view password,
                                                         std::string_view email) const {
  auto normalized = PasswordPolicy::Normalize(password);
  if (!normalized.ok()) return InvalidArgumentError(policy_.Explain(PasswordProblem::kNotUtf8));
  PasswordProblem problem = policy_.Check(*normalized, std::string(email));
  if (problem != PasswordProblem::kNone) return InvalidArgumentError(policy_.Explain(problem));
  return *normalized;
}

StatusOr<NewSession> AccountService::ReplacePassword(const Account& account,
                                                     const std::string& normalized, bool remember,
                                                     const ClientInfo& client) {
  PORTICO_ASSIGN_OR_RETURN(std::string hash, hasher_.Hash(normalized));
  NewSession result;
  result.session = MakeSession(account.id, remember, client, &result.token);
  PORTICO_RETURN_IF_ERROR(
      store_.ChangePassword(account.id, hash, clock_.NowSeconds(), result.session));
  result.account = account;
  result.account.password_hash = hash;
  return result;
}

StatusOr<NewSession> AccountService::ResetPassword(const Account& account,
                                                   std::string_view new_password,
                                                   const ClientInfo& client, Field* field) {
  *field = Field::kPassword;
  PORTICO_ASSIGN_OR_RETURN(std::string normalized, AcceptablePassword(new_password, account.email));
  *field = Field::kNone;
  PORTICO_ASSIGN_OR_RETURN(NewSession result,
                           ReplacePassword(account, normalized, /*remember=*/false, client));
  // A reset proves the mailbox: the lock that failed guesses built up is lifted.
  PORTICO_RETURN_IF_ERROR(store_.ClearSignInFailures("account:" + account.id));
  log::Info("password_reset", {{"account", account.id}});
  return result;
}

StatusOr<std::vector<Session>> AccountService::ListSessions(const std::string& account_id) {
  return store_.ListSessions(account_id);
}

Status AccountService::RevokeSession(const std::string& account_id, const std::string& public_id) {
  PORTICO_ASSIGN_OR_RETURN(bool deleted, store_.DeleteSessionByPublicId(account_id, public_id));
  if (!deleted) return NotFoundError("no such session");
  return OkStatus();
}

}  // namespace portico::identity
