// The Membership Center's organization pages: enrolment (M2), the organization with its
// locations (M3), people (M4–M6) and the audit log (M9). Each handler asks the rules, which
// check the signed-in person's rights for the exact organization and location of the request.
#include <ctime>

#include "members_site.h"

namespace portico::members {
namespace {

using Data = kainjow::mustache::data;

std::string When(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

std::string RightsText(const Rights& r, const std::vector<Location>& locations) {
  if (r.global) return "Global Administrator";
  std::string out;
  for (const auto& l : locations) {
    if (!r.locations.count(l.id)) continue;
    out += (out.empty() ? "Location Administrator: " : ", ") + l.name;
  }
  return out.empty() ? "No administrative rights" : out;
}

LocationInput LocationFrom(const http::FormData& f, const std::string& prefix = "") {
  auto get = [&](const char* name) { return std::string(f.GetOr(prefix + name)); };
  return {get("name"),   get("street"),      get("city"),
          get("region"), get("postal_code"), get("country")};
}

std::string Query(const http::Request& request, const char* name) {
  auto q = http::FormData::Parse(request.query).value_or(http::FormData());
  return std::string(q.GetOr(name));
}

}  // namespace

http::Response MembersSite::Enrol(const http::Request& request) {
  auto visit = Begin(request);
  if (!visit.ok()) return Refuse(Visit{}, visit.status());
  if (!visit->session) return http::SeeOther("/login?return_to=%2Fenrol");
  if (!visit->person) return http::SeeOther("/profile");
  Data data;
  data.set("private_signin", private_mailboxes_->IsPrivate(visit->person->signin_email));
  if (request.method == "GET") return Page(*visit, "enrol", "Enrol an organization", data);
  http::Response refusal;
  auto form = ReadForm(request, *visit, &refusal);
  if (!form) return refusal;
  OrganizationInput organization{std::string(form->GetOr("name")),
                                 std::string(form->GetOr("country")),
                                 std::string(form->GetOr("website"))};
  LocationInput hq = LocationFrom(*form, "hq_");
  if (hq.name.empty()) hq.name = "Headquarters";
  if (hq.country.empty()) hq.country = organization.country;
  auto enrolled = membership_->Enroll(*visit->person, organization, hq);
  if (enrolled.status().code() == StatusCode::kInvalidArgument) {
    data.set("error", enrolled.status().message());
    data.set("name", organization.name);
    data.set("country", organization.country);
    data.set("website", organization.website);
    return Page(*visit, "enrol", "Enrol an organization", data, 400);
  }
  if (!enrolled.ok()) return Refuse(*visit, enrolled.status());
  return http::SeeOther("/organization?id=" + enrolled->id);
}

http::Response MembersSite::OrganizationPage(const http::Request& request) {
  auto visit = Begin(request);
  if (!visit.ok()) return Refuse(Visit{}, visit.status());
  if (!visit->person) return http::SeeOther("/");
  std::string id = Query(request, "id");
  auto me = membership_->MembershipOf(*visit->person, id);
  if (!me.ok()) return Refuse(*visit, me.status());
  auto organization = store_->FindOrganization(id);
  auto locations = store_->ListLocations(id);
  if (!organization.ok()) return Refuse(*visit, organization.status());
  if (!locations.ok()) return Refuse(*visit, locations.status());
  Data list{Data::type::list};
  for (const auto& l : *locations) {
    Data item;
    item.set("location_id", l.id);
    item.set("name", l.name);
    item.set("address", l.street + (l.street.empty() ? "" : ", ") + l.city +
                            (l.postal_code.empty() ? "" : " " + l.postal_code) + ", " + l.country);
    item.set("headquarters", l.headquarters);
    item.set("administered", me->rights.Covers(l.id));
    item.set("street", l.street);
    item.set("city", l.city);
    item.set("region", l.region);
    item.set("postal_code", l.postal_code);
    item.set("country", l.country);
    list.push_back(item);
  }
  Data data;
  data.set("id", organization->id);
  data.set("name", organization->name);
  data.set("country", organization->country);
  // Mustache sections treat "" as true: optional values are set only when present.
  if (!organization->website.empty()) data.set("website", organization->website);
  data.set("company_email_required", organization->company_email_required);
  data.set("locations", list);
  data.set("my_rights", RightsText(me->rights, *locations));
  data.set("global", me->rights.global);
  data.set("admin", me->rights.any());
  data.set("me", visit->person->id);
  if (me->rights.any()) {
    // The invitation form offers only the locations this person administers.
    Data covered{Data::type::list};
    for (const auto& l : *locations) {
      if (!me->rights.Covers(l.id)) continue;
      Data item;
      item.set("id", l.id);
      item.set("name", l.name);
      covered.push_back(item);
    }
    data.set("covered", covered);
    if (Status s = AddJoiningData(*visit, id, *locations, data); !s.ok()) return Refuse(*visit, s);
  }
  return Page(*visit, "organization", organization->name, data);
}

http::Response MembersSite::AddLocation(const http::Request& request) {
  return OnMemberForm(
      request, [&](const Visit& visit, const http::FormData& form) -> http::Response {
        std::string org(form.GetOr("organization"));
        auto added = membership_->AddLocation(*visit.person, org, LocationFrom(form));
        if (!added.ok()) return Refuse(visit, added.status());
        return http::SeeOther("/organization?id=" + org);
      });
}

http::Response MembersSite::OrganizationSettings(const http::Request& request) {
  return OnMemberForm(
      request, [&](const Visit& visit, const http::FormData& form) -> http::Response {
        std::string org(form.GetOr("organization"));
        Status s = membership_->EditOrganization(*visit.person, org, std::nullopt,
                                                 form.GetOr("company_email_required") == "on");
        if (!s.ok()) return Refuse(visit, s);
        return http::SeeOther("/organization?id=" + org);
      });
}

http::Response MembersSite::EditOrganization(const http::Request& request) {
  return OnMemberForm(
      request, [&](const Visit& visit, const http::FormData& form) -> http::Response {
        std::string org(form.GetOr("organization"));
        Status s = membership_->EditOrganization(
            *visit.person, org,
            OrganizationInput{std::string(form.GetOr("name")), std::string(form.GetOr("country")),
                              std::string(form.GetOr("website"))},
            std::nullopt);
        if (!s.ok()) return Refuse(visit, s);
        return http::SeeOther("/organization?id=" + org);
      });
}

http::Response MembersSite::EditLocation(const http::Request& request) {
  return OnMemberForm(
      request, [&](const Visit& visit, const http::FormData& form) -> http::Response {
        std::string org(form.GetOr("organization"));
        Status s = membership_->EditLocation(
            *visit.person, org, std::string(form.GetOr("location")), LocationFrom(form));
        if (!s.ok()) return Refuse(visit, s);
        return http::SeeOther("/organization?id=" + org);
      });
}

http::Response MembersSite::People(const http::Request& request) {
  auto visit = Begin(request);
  if (!visit.ok()) return Refuse(Visit{}, visit.status());
  if (!visit->person) return http::SeeOther("/");
  std::string org = Query(request, "org");
  std::string location = Query(request, "location");
  std::string role_filter = Query(request, "role");
  auto people = membership_->People(*visit->person, org, location);
  if (!people.ok()) return Refuse(*visit, people.status());
  auto locations = store_->ListLocations(org);
  if (!locations.ok()) return Refuse(*visit, locations.status());
  auto role = ParseRole(role_filter);
  Data list{Data::type::list};
  for (const auto& m : *people) {
    if (role && !m.roles.count(*role)) continue;
    Data item;
    item.set("individual", m.individual.id);
    item.set("primary", m.roles.count(ContactRole::kPrimary) > 0);
    item.set("name", m.individual.name);
    if (!m.individual.job_title.empty()) item.set("job_title", m.individual.job_title);
    item.set("preferred_email", m.individual.preferred_email);
    item.set("signin_email", m.individual.signin_email);
    item.set("verified", m.individual.signin_email_verified);
    item.set("private", private_mailboxes_->IsPrivate(m.individual.signin_email));
    for (const auto& l : *locations)
      if (l.id == m.location_id) item.set("location", l.name);
    item.set("rights", RightsText(m.rights, *locations));
    std::string roles;
    for (ContactRole r : m.roles) roles += (roles.empty() ? "" : ", ") + std::string(RoleName(r));
    item.set("roles", roles.empty() ? std::string("none") : roles);
    list.push_back(item);
  }
  Data filters{Data::type::list};
  for (const auto& l : *locations) {
    Data item;
    item.set("id", l.id);
    item.set("name", l.name);
    item.set("selected", l.id == location);
    filters.push_back(item);
  }
  Data data;
  data.set("org", org);
  data.set("people", list);
  auto me = membership_->MembershipOf(*visit->person, org);
  data.set("global", me.ok() && me->rights.global);
  data.set("locations", filters);
  return Page(*visit, "people", "People", data);
}

http::Response MembersSite::AuditPage(const http::Request& request) {
  auto visit = Begin(request);
  if (!visit.ok()) return Refuse(Visit{}, visit.status());
  if (!visit->person) return http::SeeOther("/");
  std::string org = Query(request, "org");
  auto entries = membership_->Audit(*visit->person, org);
  if (!entries.ok()) return Refuse(*visit, entries.status());
  Data list{Data::type::list};
  for (const auto& e : *entries) {
    Data item;
    item.set("when", When(e.at));
    item.set("actor", e.actor_id);
    auto actor = store_->FindIndividual(e.actor_id);
    if (actor.ok()) item.set("actor", actor->name);
    item.set("action", e.action);
    item.set("subject", e.subject_id);
    item.set("before", e.before_json);
    item.set("after", e.after_json);
    list.push_back(item);
  }
  Data data;
  data.set("org", org);
  data.set("entries", list);
  return Page(*visit, "audit", "Audit log", data);
}

}  // namespace portico::members
