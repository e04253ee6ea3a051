#include "members/membership/membership_service.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/log.h"
#include "core/utf8.h"

namespace portico::members {
namespace {

namespace json = boost::json;

constexpr size_t kMaxField = 200;

// Trims `value` and checks it is text of at most 200 characters; `required` refuses "".
StatusOr<std::string> Clean(std::string_view value, std::string_view label, bool required) {
  if (!utf8::IsValid(value) || utf8::HasControlCharacters(value))
    return InvalidArgumentError(std::string(label) + " contains characters that are not allowed.");
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (required && value.empty())
    return InvalidArgumentError("Enter the " + std::string(label) + ".");
  if (utf8::CountCodePoints(value) > kMaxField)
    return InvalidArgumentError(std::string(label) + " is too long (at most 200 characters).");
  return std::string(value);
}

StatusOr<std::string> CleanEmail(std::string_view value, std::string_view label) {
  PORTICO_ASSIGN_OR_RETURN(std::string email, Clean(value, label, true));
  size_t at = email.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= email.size() ||
      email.find(' ') != std::string::npos || email.size() > 254)
    return InvalidArgumentError("Enter the " + std::string(label) + " as name@example.com.");
  return email;
}

StatusOr<Location> CleanLocation(const LocationInput& in) {
  Location l;
  PORTICO_ASSIGN_OR_RETURN(l.name, Clean(in.name, "location name", true));
  PORTICO_ASSIGN_OR_RETURN(l.street, Clean(in.street, "street", false));
  PORTICO_ASSIGN_OR_RETURN(l.city, Clean(in.city, "city", true));
  PORTICO_ASSIGN_OR_RETURN(l.region, Clean(in.region, "region", false));
  PORTICO_ASSIGN_OR_RETURN(l.postal_code, Clean(in.postal_code, "postal code", false));
  PORTICO_ASSIGN_OR_RETURN(l.country, Clean(in.country, "country", true));
  return l;
}

std::string LocationJson(const Location& l) {
  json::object o;
  o["name"] = l.name;
  o["street"] = l.street;
  o["city"] = l.city;
  o["region"] = l.region;
  o["postal_code"] = l.postal_code;
  o["country"] = l.country;
  return json::serialize(o);
}

std::string RolesJson(const std::set<ContactRole>& roles) {
  json::array a;
  for (ContactRole r : roles) a.emplace_back(RoleName(r));
  return json::serialize(a);
}

// The rights in `b` that `a` lacks.
Rights Minus(const Rights& a, const Rights& b) {
  Rights out;
  out.global = a.global && !b.global;
  for (const auto& l : a.locations)
    if (!b.locations.count(l)) out.locations.insert(l);
  return out;
}

// Whether `actor` covers every right in `change` (the ones they add or take away).
bool Covers(const Rights& actor, const Rights& change) {
  if (change.global && !actor.global) return false;
  for (const auto& l : change.locations)
    if (!actor.Covers(l)) return false;
  return true;
}

}  // namespace

std::string RightsJson(const Rights& rights) {
  json::object o;
  o["global"] = rights.global;
  json::array locations;
  for (const auto& l : rights.locations) locations.emplace_back(l);
  o["locations"] = locations;
  return json::serialize(o);
}

MembershipService::MembershipService(MembersStore& store, Clock& clock, crypto::Random& random)
    : store_(store), clock_(clock), random_(random) {}

std::string MembershipService::NewId(const char* prefix) {
  return prefix + crypto::RandomToken(random_, 12);
}

AuditEntry MembershipService::Entry(const Individual& actor, const std::string& organization_id,
                                    std::string action, std::string subject_id, std::string before,
                                    std::string after) const {
  AuditEntry e;
  e.organization_id = organization_id;
  e.actor_id = actor.id;
  e.action = std::move(action);
  e.subject_id = std::move(subject_id);
  e.before_json = std::move(before);
  e.after_json = std::move(after);
  e.at = clock_.NowSeconds();
  return e;
}

// ---- individuals ----

std::vector<AuditEntry> MembershipService::EntriesForEveryOrganization(const Individual& actor,
                                                                       const std::string& action,
                                                                       const std::string& before,
                                                                       const std::string& after) {
  std::vector<AuditEntry> entries;
  auto organizations = store_.OrganizationsOf(actor.id);
  if (organizations.ok())
    for (const auto& o : *organizations)
      entries.push_back(Entry(actor, o.id, action, actor.id, before, after));
  // Also one outside any organization, so that the change is recorded even before joining.
  entries.push_back(Entry(actor, "", action, actor.id, before, after));
  return entries;
}

StatusOr<Individual> MembershipService::SignedIn(const NetworkIdentity& identity) {
  PORTICO_ASSIGN_OR_RETURN(Individual me, store_.FindIndividualBySubject(identity.subject));
  if (me.signin_email == identity.email && me.signin_email_verified == identity.email_verified &&
      me.network_name == identity.name)
    return me;
  // M8: a new address or name at the Network shows from this sign-in on. The profile's name
  // follows the Network's unless the person chose another one here.
  Individual updated = me;
  updated.signin_email = identity.email;
  updated.signin_email_verified = identity.email_verified;
  updated.network_name = identity.name;
  if (!identity.name.empty() && me.name == me.network_name) updated.name = identity.name;
  auto as_json = [](const Individual& i) {
    json::object o;
    o["signin_email"] = i.signin_email;
    o["signin_email_verified"] = i.signin_email_verified;
    o["name"] = i.name;
    return json::serialize(o);
  };
  PORTICO_RETURN_IF_ERROR(store_.RefreshFromNetwork(
      updated, EntriesForEveryOrganization(updated, "profile.network_changed", as_json(me),
                                           as_json(updated))));
  return updated;
}

StatusOr<Individual> MembershipService::CompleteProfile(const NetworkIdentity& identity,
                                                        const ProfileInput& input) {
  Individual me;
  me.id = NewId("ind_");
  me.subject = identity.subject;
  PORTICO_ASSIGN_OR_RETURN(me.name, Clean(input.name, "name", true));
  PORTICO_ASSIGN_OR_RETURN(me.job_title, Clean(input.job_title, "job title", false));
  PORTICO_ASSIGN_OR_RETURN(me.phone, Clean(input.phone, "phone", false));
  PORTICO_ASSIGN_OR_RETURN(me.preferred_email,
                           CleanEmail(input.preferred_email, "preferred e-mail address"));
  me.signin_email = identity.email;
  me.signin_email_verified = identity.email_verified;
  me.network_name = identity.name;
  me.created_at = clock_.NowSeconds();
  json::object after;
  after["name"] = me.name;
  after["job_title"] = me.job_title;
  after["preferred_email"] = me.preferred_email;
  PORTICO_RETURN_IF_ERROR(store_.CreateIndividual(
      me, Entry(me, "", "profile.created", me.id, "{}", json::serialize(after))));
  return me;
}

Status MembershipService::UpdateProfile(const Individual& actor, const ProfileInput& input) {
  Individual me = actor;
  PORTICO_ASSIGN_OR_RETURN(me.name, Clean(input.name, "name", true));
  PORTICO_ASSIGN_OR_RETURN(me.job_title, Clean(input.job_title, "job title", false));
  PORTICO_ASSIGN_OR_RETURN(me.phone, Clean(input.phone, "phone", false));
  PORTICO_ASSIGN_OR_RETURN(me.preferred_email,
                           CleanEmail(input.preferred_email, "preferred e-mail address"));
  auto as_json = [](const Individual& i) {
    json::object o;
    o["name"] = i.name;
    o["job_title"] = i.job_title;
    o["phone"] = i.phone;
    o["preferred_email"] = i.preferred_email;
    return json::serialize(o);
  };
  // A profile belongs to no organization: its audit entry is written under each of the
  // person's organizations, so that every one's administrators see the change.
  return store_.UpdateIndividual(
      me, EntriesForEveryOrganization(actor, "profile.updated", as_json(actor), as_json(me)));
}

// ---- organizations and locations ----

StatusOr<Organization> MembershipService::Enroll(const Individual& actor,
                                                 const OrganizationInput& input,
                                                 const LocationInput& headquarters) {
  Organization o;
  o.id = NewId("org_");
  PORTICO_ASSIGN_OR_RETURN(o.name, Clean(input.name, "organization name", true));
  PORTICO_ASSIGN_OR_RETURN(o.country, Clean(input.country, "country", true));
  PORTICO_ASSIGN_OR_RETURN(o.website, Clean(input.website, "website", false));
  o.created_at = clock_.NowSeconds();
  PORTICO_ASSIGN_OR_RETURN(Location hq, CleanLocation(headquarters));
  hq.id = NewId("loc_");
  hq.organization_id = o.id;
  hq.headquarters = true;
  json::object after;
  after["name"] = o.name;
  after["country"] = o.country;
  after["website"] = o.website;
  after["headquarters"] = hq.id;
  after["primary_contact"] = actor.id;
  PORTICO_RETURN_IF_ERROR(store_.Enroll(
      o, hq, actor.id,
      Entry(actor, o.id, "organization.enrolled", o.id, "{}", json::serialize(after))));
  log::Info("organization_enrolled", {{"organization", o.id}});
  return o;
}

StatusOr<Member> MembershipService::RequireMember(const Individual& actor,
                                                  const std::string& organization_id) {
  auto me = store_.FindMember(organization_id, actor.id);
  if (me.status().code() == StatusCode::kNotFound)
    return PermissionDeniedError("not a member of this organization");
  return me;
}

StatusOr<Location> MembershipService::AddLocation(const Individual& actor,
                                                  const std::string& organization_id,
                                                  const LocationInput& input) {
  PORTICO_ASSIGN_OR_RETURN(Member me, RequireMember(actor, organization_id));
  if (!me.rights.global) return PermissionDeniedError("only Global Administrators add locations");
  PORTICO_ASSIGN_OR_RETURN(Location l, CleanLocation(input));
  l.id = NewId("loc_");
  l.organization_id = organization_id;
  PORTICO_RETURN_IF_ERROR(store_.AddLocation(
      l, Entry(actor, organization_id, "location.added", l.id, "{}", LocationJson(l))));
  return l;
}

Status MembershipService::EditLocation(const Individual& actor, const std::string& organization_id,
                                       const std::string& location_id, const LocationInput& input) {
  PORTICO_ASSIGN_OR_RETURN(Member me, RequireMember(actor, organization_id));
  if (!me.rights.Covers(location_id))
    return PermissionDeniedError("not an administrator of this location");
  PORTICO_ASSIGN_OR_RETURN(Location before, store_.FindLocation(organization_id, location_id));
  PORTICO_ASSIGN_OR_RETURN(Location after, CleanLocation(input));
  after.id = before.id;
  after.organization_id = before.organization_id;
  after.headquarters = before.headquarters;
  return store_.UpdateLocation(after, Entry(actor, organization_id, "location.changed", location_id,
                                            LocationJson(before), LocationJson(after)));
}

Status MembershipService::EditOrganization(const Individual& actor,
                                           const std::string& organization_id,
                                           const std::optional<OrganizationInput>& details,
                                           std::optional<bool> company_email_required) {
  PORTICO_ASSIGN_OR_RETURN(Member me, RequireMember(actor, organization_id));
  if (!me.rights.global)
    return PermissionDeniedError("only Global Administrators change the organization");
  PORTICO_ASSIGN_OR_RETURN(Organization before, store_.FindOrganization(organization_id));
  Organization after = before;
  if (details) {
    PORTICO_ASSIGN_OR_RETURN(after.name, Clean(details->name, "organization name", true));
    PORTICO_ASSIGN_OR_RETURN(after.country, Clean(details->country, "country", true));
    PORTICO_ASSIGN_OR_RETURN(after.website, Clean(details->website, "website", false));
  }
  if (company_email_required) after.company_email_required = *company_email_required;
  auto as_json = [](const Organization& o) {
    json::object j;
    j["name"] = o.name;
    j["country"] = o.country;
    j["website"] = o.website;
    j["company_email_required"] = o.company_email_required;
    return json::serialize(j);
  };
  return store_.UpdateOrganization(after, Entry(actor, organization_id, "organization.changed",
                                                organization_id, as_json(before), as_json(after)));
}

// ---- reading ----

StatusOr<Member> MembershipService::MembershipOf(const Individual& actor,
                                                 const std::string& organization_id) {
  return RequireMember(actor, organization_id);
}

StatusOr<std::vector<Member>> MembershipService::People(const Individual& actor,
                                                        const std::string& organization_id,
                                                        const std::string& location_id) {
  PORTICO_ASSIGN_OR_RETURN(Member me, RequireMember(actor, organization_id));
  if (!me.rights.any()) return PermissionDeniedError("not an administrator");
  if (!location_id.empty() && !me.rights.Covers(location_id))
    return PermissionDeniedError("not an administrator of this location");
  PORTICO_ASSIGN_OR_RETURN(auto people, store_.ListMembers(organization_id, location_id));
  if (me.rights.global) return people;
  std::vector<Member> visible;
  for (auto& p : people)
    if (me.rights.Covers(p.location_id)) visible.push_back(std::move(p));
  return visible;
}

StatusOr<std::vector<AuditEntry>> MembershipService::Audit(const Individual& actor,
                                                           const std::string& organization_id,
                                                           int limit) {
  PORTICO_ASSIGN_OR_RETURN(Member me, RequireMember(actor, organization_id));
  if (!me.rights.global)
    return PermissionDeniedError("only Global Administrators read the audit log");
  return store_.ListAudit(organization_id, limit);
}

// ---- rights, roles, leaving ----

Status MembershipService::ChangeRights(const Individual& actor, const std::string& organization_id,
                                       const std::string& target_id, const Rights& wanted) {
  PORTICO_ASSIGN_OR_RETURN(Member me, RequireMember(actor, organization_id));
  auto target = store_.FindMember(organization_id, target_id);
  if (!target.ok()) return target.status();
  Rights added = Minus(wanted, target->rights);
  Rights removed = Minus(target->rights, wanted);
  if (target_id == actor.id && (added.global || !added.locations.empty()))
    return PermissionDeniedError("nobody raises their own rights");
  if (!me.rights.global && !me.rights.Covers(target->location_id))
    return PermissionDeniedError("not an administrator of this person's location");
  if (!Covers(me.rights, added) || !Covers(me.rights, removed))
    return PermissionDeniedError("nobody grants or removes rights they do not hold");
  for (const auto& l : wanted.locations) {
    auto location = store_.FindLocation(organization_id, l);
    if (!location.ok()) return InvalidArgumentError("That location is not in this organization.");
  }
  Status s = store_.SetRights(organization_id, target_id, wanted, actor.id,
                              Entry(actor, organization_id, "rights.changed", target_id,
                                    RightsJson(target->rights), RightsJson(wanted)));
  if (s.code() == StatusCode::kFailedPrecondition)
    return FailedPreconditionError(
        "The organization needs at least one Global Administrator. Make someone else Global "
        "Administrator first.");
  return s;
}

Status MembershipService::ChangeRoles(const Individual& actor, const std::string& organization_id,
                                      const std::string& target_id,
                                      const std::set<ContactRole>& roles) {
  PORTICO_ASSIGN_OR_RETURN(Member me, RequireMember(actor, organization_id));
  if (!me.rights.global)
    return PermissionDeniedError("only Global Administrators assign contact roles");
  auto target = store_.FindMember(organization_id, target_id);
  if (!target.ok()) return target.status();
  std::set<ContactRole> wanted = roles;
  wanted.erase(ContactRole::kPrimary);
  if (target->roles.count(ContactRole::kPrimary)) wanted.insert(ContactRole::kPrimary);
  return store_.SetRoles(organization_id, target_id, wanted,
                         Entry(actor, organization_id, "roles.changed", target_id,
                               RolesJson(target->roles), RolesJson(wanted)));
}

Status MembershipService::HandOverPrimary(const Individual& actor,
                                          const std::string& organization_id,
                                          const std::string& to_id) {
  PORTICO_ASSIGN_OR_RETURN(Member me, RequireMember(actor, organization_id));
  if (!me.rights.global && !me.roles.count(ContactRole::kPrimary))
    return PermissionDeniedError(
        "only the Primary Program Contact or a Global Administrator hands the role over");
  auto to = store_.FindMember(organization_id, to_id);
  if (!to.ok()) return to.status();
  PORTICO_ASSIGN_OR_RETURN(auto people, store_.ListMembers(organization_id, ""));
  std::string from;
  for (const auto& p : people)
    if (p.roles.count(ContactRole::kPrimary)) from = p.individual.id;
  json::object before, after;
  before["primary_contact"] = from;
  after["primary_contact"] = to_id;
  return store_.HandOverPrimary(organization_id, to_id,
                                Entry(actor, organization_id, "primary_contact.handed_over", to_id,
                                      json::serialize(before), json::serialize(after)));
}

Status MembershipService::RemoveMember(const Individual& actor, const std::string& organization_id,
                                       const std::string& target_id) {
  PORTICO_ASSIGN_OR_RETURN(Member me, RequireMember(actor, organization_id));
  auto target = store_.FindMember(organization_id, target_id);
  if (!target.ok()) return target.status();
  if (target_id != actor.id) {
    bool allowed = me.rights.global ||
                   (me.rights.Covers(target->location_id) && Covers(me.rights, target->rights));
    if (!allowed) return PermissionDeniedError("not an administrator of this person");
  }
  json::object before;
  before["location"] = target->location_id;
  before["rights"] = json::parse(RightsJson(target->rights));
  Status s = store_.RemoveMember(
      organization_id, target_id,
      Entry(actor, organization_id, "member.removed", target_id, json::serialize(before), "{}"));
  if (s.code() == StatusCode::kFailedPrecondition) {
    if (target->roles.count(ContactRole::kPrimary))
      return FailedPreconditionError(
          "The Primary Program Contact cannot be removed. Hand the role to someone else first.");
    return FailedPreconditionError(
        "The last Global Administrator cannot be removed. Make someone else Global "
        "Administrator first.");
  }
  return s;
}

}  // namespace portico::members
