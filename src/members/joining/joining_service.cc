#include "members/joining/joining_service.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/log.h"
#include "core/utf8.h"
#include "crypto/digest.h"

namespace portico::members {
namespace {

namespace json = boost::json;

AuditEntry Entry(const Individual& actor, const std::string& org, std::string action,
                 std::string subject, std::string after, int64_t now) {
  AuditEntry e;
  e.organization_id = org;
  e.actor_id = actor.id;
  e.action = std::move(action);
  e.subject_id = std::move(subject);
  e.after_json = std::move(after);
  e.at = now;
  return e;
}

}  // namespace

JoiningService::JoiningService(MembersStore& store, Clock& clock, crypto::Random& random,
                               const PrivateMailboxes* private_mailboxes,
                               int64_t invitation_seconds)
    : store_(store),
      clock_(clock),
      random_(random),
      private_mailboxes_(private_mailboxes),
      invitation_seconds_(invitation_seconds) {}

Status JoiningService::CheckCompanyEmail(const Individual& person,
                                         const std::string& organization_id) {
  PORTICO_ASSIGN_OR_RETURN(Organization organization, store_.FindOrganization(organization_id));
  if (!organization.company_email_required || !private_mailboxes_ ||
      !private_mailboxes_->IsPrivate(person.signin_email))
    return OkStatus();
  return FailedPreconditionError(
      organization.name + " asks its members to sign in with a company e-mail address, and " +
      person.signin_email +
      " is a private mailbox. Change your address at the network, then try again.");
}

std::string JoiningService::AddressKey(std::string_view address) {
  std::string key(address);
  for (char& c : key)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return key;
}

StatusOr<Member> JoiningService::RequireAdmin(const Individual& actor,
                                              const std::string& organization_id) {
  auto me = store_.FindMember(organization_id, actor.id);
  if (me.status().code() == StatusCode::kNotFound || (me.ok() && !me->rights.any()))
    return PermissionDeniedError("not an administrator of this organization");
  return me;
}

StatusOr<NewInvitation> JoiningService::Invite(const Individual& actor,
                                               const std::string& organization_id,
                                               const std::string& location_id,
                                               std::string_view email, InvitedRights rights,
                                               const std::set<ContactRole>& roles) {
  PORTICO_ASSIGN_OR_RETURN(Member me, RequireAdmin(actor, organization_id));
  if (!me.rights.Covers(location_id))
    return PermissionDeniedError("not an administrator of this location");
  if (rights == InvitedRights::kGlobal && !me.rights.global)
    return PermissionDeniedError("only Global Administrators grant Global rights");
  std::set<ContactRole> wanted = roles;
  wanted.erase(ContactRole::kPrimary);  // handed over, never given by invitation
  if (!wanted.empty() && !me.rights.global)
    return PermissionDeniedError("only Global Administrators assign contact roles");
  PORTICO_RETURN_IF_ERROR(store_.FindLocation(organization_id, location_id).status());
  std::string address(email);
  while (!address.empty() && address.back() == ' ') address.pop_back();
  while (!address.empty() && address.front() == ' ') address.erase(address.begin());
  size_t at = address.find('@');
  if (!utf8::IsValid(address) || utf8::HasControlCharacters(address) || at == std::string::npos ||
      at == 0 || at + 1 >= address.size() || address.find(' ') != std::string::npos ||
      address.size() > 254)
    return InvalidArgumentError("Enter the address to invite as name@example.com.");

  NewInvitation made;
  made.token = crypto::RandomToken(random_, 32);
  Invitation& v = made.invitation;
  v.token_hash = crypto::Sha256(made.token);
  v.public_id = crypto::RandomToken(random_, 12);
  v.organization_id = organization_id;
  v.location_id = location_id;
  v.email = address;
  v.email_key = AddressKey(address);
  v.rights.global = rights == InvitedRights::kGlobal;
  if (rights == InvitedRights::kLocation) v.rights.locations = {location_id};
  v.roles = wanted;
  v.invited_by = actor.id;
  v.created_at = clock_.NowSeconds();
  v.expires_at = v.created_at + invitation_seconds_;
  json::object after;
  after["email"] = v.email;
  after["location"] = location_id;
  after["rights"] = rights == InvitedRights::kGlobal     ? "global"
                    : rights == InvitedRights::kLocation ? "location"
                                                         : "none";
  json::array role_names;
  for (ContactRole r : wanted) role_names.emplace_back(RoleName(r));
  after["roles"] = role_names;
  PORTICO_RETURN_IF_ERROR(
      store_.CreateInvitation(v, Entry(actor, organization_id, "invitation.sent", v.public_id,
                                       json::serialize(after), v.created_at)));
  return made;
}

StatusOr<std::vector<Invitation>> JoiningService::OpenInvitations(
    const Individual& actor, const std::string& organization_id) {
  PORTICO_ASSIGN_OR_RETURN(Member me, RequireAdmin(actor, organization_id));
  PORTICO_ASSIGN_OR_RETURN(auto all, store_.OpenInvitations(organization_id, clock_.NowSeconds()));
  std::vector<Invitation> visible;
  for (auto& v : all)
    if (me.rights.Covers(v.location_id)) visible.push_back(std::move(v));
  return visible;
}

Status JoiningService::Revoke(const Individual& actor, const std::string& organization_id,
                              const std::string& public_id) {
  PORTICO_ASSIGN_OR_RETURN(Member me, RequireAdmin(actor, organization_id));
  PORTICO_ASSIGN_OR_RETURN(auto open, store_.OpenInvitations(organization_id, clock_.NowSeconds()));
  for (const auto& v : open) {
    if (v.public_id != public_id) continue;
    if (!me.rights.Covers(v.location_id))
      return PermissionDeniedError("not an administrator of this location");
    return store_.RevokeInvitation(
        organization_id, public_id, clock_.NowSeconds(),
        Entry(actor, organization_id, "invitation.revoked", public_id, "{}", clock_.NowSeconds()));
  }
  return NotFoundError("no open invitation");
}

StatusOr<Invitation> JoiningService::Inspect(std::string_view token) {
  if (token.empty() || token.size() > 100) return NotFoundError("no such invitation");
  return store_.FindInvitation(crypto::Sha256(token));
}

Status JoiningService::Accept(const Individual& person, std::string_view token) {
  PORTICO_ASSIGN_OR_RETURN(Invitation v, Inspect(token));
  if (v.email_key != AddressKey(person.signin_email))
    return PermissionDeniedError(
        "This invitation was sent to another address. Sign in to the Network with the invited "
        "address to accept it.");
  if (!person.signin_email_verified)
    return FailedPreconditionError(
        "Confirm your address at the Network first; then open the invitation again.");
  PORTICO_RETURN_IF_ERROR(CheckCompanyEmail(person, v.organization_id));
  int64_t now = clock_.NowSeconds();
  json::object after;
  after["location"] = v.location_id;
  after["invitation"] = v.public_id;
  Status accepted =
      store_.AcceptInvitation(v.token_hash, AddressKey(person.signin_email), person.id, now,
                              Entry(person, v.organization_id, "invitation.accepted", person.id,
                                    json::serialize(after), now));
  if (accepted.ok()) log::Info("invitation_accepted", {{"organization", v.organization_id}});
  return accepted;
}

Status JoiningService::RequestToJoin(const Individual& person, const std::string& organization_id,
                                     const std::string& location_id, std::string_view message) {
  PORTICO_RETURN_IF_ERROR(store_.FindLocation(organization_id, location_id).status());
  auto already = store_.FindMember(organization_id, person.id);
  if (already.ok()) return FailedPreconditionError("You already belong to this organization.");
  if (already.status().code() != StatusCode::kNotFound) return already.status();
  PORTICO_RETURN_IF_ERROR(CheckCompanyEmail(person, organization_id));
  if (!utf8::IsValid(message) || utf8::HasControlCharacters(message) ||
      utf8::CountCodePoints(message) > 500)
    return InvalidArgumentError("The message must be plain text of at most 500 characters.");
  JoinRequest r;
  r.id = "req_" + crypto::RandomToken(random_, 12);
  r.individual = person;
  r.organization_id = organization_id;
  r.location_id = location_id;
  r.message = std::string(message);
  r.created_at = clock_.NowSeconds();
  json::object after;
  after["location"] = location_id;
  Status s = store_.CreateJoinRequest(r, Entry(person, organization_id, "request.sent", r.id,
                                               json::serialize(after), r.created_at));
  if (s.code() == StatusCode::kAlreadyExists)
    return FailedPreconditionError("You have already asked to join; the administrators decide.");
  return s;
}

StatusOr<std::vector<JoinRequest>> JoiningService::Requests(const Individual& actor,
                                                            const std::string& organization_id) {
  PORTICO_ASSIGN_OR_RETURN(Member me, RequireAdmin(actor, organization_id));
  PORTICO_ASSIGN_OR_RETURN(auto all, store_.OpenJoinRequests(organization_id));
  std::vector<JoinRequest> visible;
  for (auto& r : all)
    if (me.rights.Covers(r.location_id)) visible.push_back(std::move(r));
  return visible;
}

Status JoiningService::Decide(const Individual& actor, const std::string& organization_id,
                              const std::string& request_id, bool approve) {
  PORTICO_ASSIGN_OR_RETURN(Member me, RequireAdmin(actor, organization_id));
  PORTICO_ASSIGN_OR_RETURN(JoinRequest r, store_.FindJoinRequest(organization_id, request_id));
  if (!me.rights.Covers(r.location_id))
    return PermissionDeniedError("not an administrator of this location");
  json::object after;
  after["decision"] = approve ? "approved" : "declined";
  after["individual"] = r.individual.id;
  int64_t now = clock_.NowSeconds();
  return store_.DecideJoinRequest(
      organization_id, request_id, approve, actor.id, now,
      Entry(actor, organization_id, approve ? "request.approved" : "request.declined", request_id,
            json::serialize(after), now));
}

}  // namespace portico::members
