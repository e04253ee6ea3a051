// The people page's actions (MISSION M4, M5): a member's administrative rights and contact
// roles, handing over the Primary Program Contact, and removing someone. The rules decide;
// this only reads the form.
#include "http/form.h"
#include "members_site.h"

namespace portico::members {

http::Response MembersSite::ChangeMember(const http::Request& request) {
  return OnMemberForm(
      request, [&](const Visit& visit, const http::FormData& form) -> http::Response {
        std::string org(form.GetOr("organization"));
        std::string target(form.GetOr("individual"));
        const std::string& path = request.path;
        // Only members learn anything about the organization's people, even from a refusal.
        auto me = membership_->MembershipOf(*visit.person, org);
        if (!me.ok()) return Refuse(visit, me.status());
        Status s;
        if (path == "/members/rights") {
          auto member = store_->FindMember(org, target);
          if (!member.ok()) return Refuse(visit, member.status());
          std::string wanted(form.GetOr("rights"));
          Rights rights;
          rights.global = wanted == "global";
          if (wanted == "location") rights.locations = {member->location_id};
          s = membership_->ChangeRights(*visit.person, org, target, rights);
        } else if (path == "/members/roles") {
          std::set<ContactRole> roles;
          for (const auto& [name, value] : form.fields())
            if (name == "role")
              if (auto role = ParseRole(value)) roles.insert(*role);
          s = membership_->ChangeRoles(*visit.person, org, target, roles);
        } else if (path == "/members/primary") {
          s = membership_->HandOverPrimary(*visit.person, org, target);
        } else {
          s = membership_->RemoveMember(*visit.person, org, target);
        }
        if (!s.ok()) return Refuse(visit, s);
        return http::SeeOther(
            target == visit.person->id && path == "/members/remove" ? "/" : "/people?org=" + org);
      });
}

}  // namespace portico::members
