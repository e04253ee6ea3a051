// The Membership Center's joining pages (MISSION M6, M7): administrators invite by address with
// a location, rights and roles within their own authority, and see the open invitations and the
// requests to join their locations; a person opens an invitation link, or asks to join.
// Until the Membership Center sends mail, the inviting administrator copies the link.
#include "core/log.h"
#include "http/form.h"
#include "members_site.h"

namespace portico::members {
namespace {

using Data = kainjow::mustache::data;

std::string Query(const http::Request& request, const char* name) {
  auto q = http::FormData::Parse(request.query).value_or(http::FormData());
  return std::string(q.GetOr(name));
}

}  // namespace

Status MembersSite::AddJoiningData(const Visit& visit, const std::string& org,
                                   const std::vector<Location>& locations, Data& data) {
  PORTICO_ASSIGN_OR_RETURN(auto invitations, joining_->OpenInvitations(*visit.person, org));
  Data open{Data::type::list};
  for (const auto& v : invitations) {
    Data item;
    item.set("invitation_id", v.public_id);
    item.set("email", v.email);
    for (const auto& l : locations)
      if (l.id == v.location_id) item.set("location", l.name);
    open.push_back(item);
  }
  data.set("invitations", open);
  PORTICO_ASSIGN_OR_RETURN(auto requests, joining_->Requests(*visit.person, org));
  Data waiting{Data::type::list};
  for (const auto& r : requests) {
    Data item;
    item.set("request_id", r.id);
    item.set("name", r.individual.name);
    // Mustache sections treat "" as true: optional values are set only when present.
    if (!r.individual.job_title.empty()) item.set("job_title", r.individual.job_title);
    item.set("preferred_email", r.individual.preferred_email);
    item.set("signin_email", r.individual.signin_email);
    item.set("verified", r.individual.signin_email_verified);
    item.set("private", private_mailboxes_->IsPrivate(r.individual.signin_email));
    if (!r.message.empty()) item.set("message", r.message);
    for (const auto& l : locations)
      if (l.id == r.location_id) item.set("location", l.name);
    waiting.push_back(item);
  }
  data.set("requests", waiting);
  data.set("has_requests", !requests.empty());
  return OkStatus();
}

http::Response MembersSite::Invite(const http::Request& request) {
  return OnMemberForm(
      request, [&](const Visit& visit, const http::FormData& form) -> http::Response {
        std::string org(form.GetOr("organization"));
        std::string rights_text(form.GetOr("rights"));
        InvitedRights rights = rights_text == "global"     ? InvitedRights::kGlobal
                               : rights_text == "location" ? InvitedRights::kLocation
                                                           : InvitedRights::kNone;
        std::set<ContactRole> roles;
        for (const auto& [name, value] : form.fields())
          if (name == "role")
            if (auto role = ParseRole(value)) roles.insert(*role);
        auto invited = joining_->Invite(*visit.person, org, std::string(form.GetOr("location")),
                                        form.GetOr("email"), rights, roles);
        if (!invited.ok()) return Refuse(visit, invited.status());
        std::string link = config_.public_url + "/invitation?token=" + invited->token;
        Data data;
        data.set("email", invited->invitation.email);
        data.set("link", link);
        data.set("org", org);
        data.set("mailed", MailInvitation(*visit.person, invited->invitation, link).ok());
        return Page(visit, "invited", "Invitation created", data);
      });
}

Status MembersSite::MailInvitation(const Individual& inviter, const Invitation& invitation,
                                   const std::string& link) {
  auto organization = store_->FindOrganization(invitation.organization_id);
  auto location = store_->FindLocation(invitation.organization_id, invitation.location_id);
  if (!organization.ok() || !location.ok())
    return organization.ok() ? location.status() : organization.status();
  Data data;
  data.set("inviter", inviter.name);
  data.set("organization", organization->name);
  data.set("location", location->name);
  data.set("email", invitation.email);
  data.set("link", link);
  courier::Message message;
  message.to = invitation.email;
  message.subject = "Invitation to join " + organization->name;
  for (char& c : message.subject)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  message.text = RenderTemplate("mail_invitation.text", data);
  message.html = RenderTemplate("mail_invitation.html", data);
  message.kind = "invitation";
  message.account_id = inviter.id;
  // A stranger cannot trigger this, but an administrator could flood an address: both budgeted.
  Status queued = courier_
                      ->Submit(message, {{"address:" + invitation.email_key, 5, 3600},
                                         {"inviter:" + inviter.id, 50, 3600}})
                      .status();
  if (!queued.ok()) log::Warn("invitation_not_mailed", {{"status", queued.ToString()}});
  return queued;
}

http::Response MembersSite::RevokeInvitation(const http::Request& request) {
  return OnMemberForm(
      request, [&](const Visit& visit, const http::FormData& form) -> http::Response {
        std::string org(form.GetOr("organization"));
        Status s = joining_->Revoke(*visit.person, org, std::string(form.GetOr("invitation")));
        if (!s.ok()) return Refuse(visit, s);
        return http::SeeOther("/organization?id=" + org);
      });
}

http::Response MembersSite::InvitationPage(const http::Request& request) {
  auto visit = Begin(request);
  if (!visit.ok()) return Refuse(Visit{}, visit.status());
  std::string token = Query(request, "token");
  std::string here = "/invitation?token=" + token;
  auto invitation = joining_->Inspect(token);
  Data data;
  if (!invitation.ok() || invitation->used_at || invitation->revoked_at ||
      invitation->expires_at <= clock_.NowSeconds()) {
    data.set("heading", "This invitation has ended");
    data.set("error",
             "The link was used, withdrawn, or is more than 7 days old. Ask the administrator "
             "for a new invitation.");
    return Page(*visit, "message", "Invitation", data, 410);
  }
  auto organization = store_->FindOrganization(invitation->organization_id);
  auto location = store_->FindLocation(invitation->organization_id, invitation->location_id);
  if (!organization.ok() || !location.ok())
    return Refuse(*visit, organization.ok() ? location.status() : organization.status());
  if (visit->session && !visit->person)
    return http::SeeOther("/profile?return_to=" + http::PercentEncode(here));
  data.set("organization", organization->name);
  data.set("location", location->name);
  data.set("email", invitation->email);
  data.set("token", token);
  // The invited address prefills the Network's sign-in and sign-up forms.
  std::string hint = "&login_hint=" + http::PercentEncode(invitation->email);
  data.set("login", "/login?return_to=" + http::PercentEncode(here) + hint);
  data.set("signup", "/signup?return_to=" + http::PercentEncode(here) + hint);
  if (visit->person) {
    bool mine = JoiningService::AddressKey(visit->person->signin_email) == invitation->email_key;
    data.set("mine", mine);
    data.set("signin_email", visit->person->signin_email);
  }
  return Page(*visit, "invitation", "Invitation", data);
}

http::Response MembersSite::AcceptInvitation(const http::Request& request) {
  return OnMemberForm(
      request, [&](const Visit& visit, const http::FormData& form) -> http::Response {
        std::string token(form.GetOr("token"));
        auto invitation = joining_->Inspect(token);
        Status accepted = joining_->Accept(*visit.person, token);
        if (accepted.code() == StatusCode::kNotFound) {
          Data data;
          data.set("heading", "This invitation has ended");
          data.set("error", "The link was used, withdrawn, or is more than 7 days old.");
          return Page(visit, "message", "Invitation", data, 410);
        }
        if (accepted.code() == StatusCode::kPermissionDenied) {
          Data data;
          data.set("heading", "This invitation is for another address");
          data.set("error", accepted.message());
          return Page(visit, "message", "Invitation", data, 403);
        }
        if (!accepted.ok()) return Refuse(visit, accepted);
        return http::SeeOther(invitation.ok() ? "/organization?id=" + invitation->organization_id
                                              : std::string("/"));
      });
}

http::Response MembersSite::Join(const http::Request& request) {
  auto visit = Begin(request);
  if (!visit.ok()) return Refuse(Visit{}, visit.status());
  if (!visit->session) return http::SeeOther("/login?return_to=%2Fjoin");
  if (!visit->person) return http::SeeOther("/profile?return_to=%2Fjoin");
  if (request.method == "POST") {
    http::Response refusal;
    auto form = ReadForm(request, *visit, &refusal);
    if (!form) return refusal;
    // The choice is "organization|location", as the page's select offers it.
    std::string choice(form->GetOr("location"));
    size_t bar = choice.find('|');
    std::string org = bar == std::string::npos ? "" : choice.substr(0, bar);
    std::string location = bar == std::string::npos ? "" : choice.substr(bar + 1);
    Status s = joining_->RequestToJoin(*visit->person, org, location, form->GetOr("message"));
    if (!s.ok()) return Refuse(*visit, s);
    Data data;
    data.set("heading", "Request sent");
    data.set("notice",
             "The administrators of that location decide. You will see the organization on your "
             "dashboard once they approve.");
    return Page(*visit, "message", "Request sent", data);
  }
  auto organizations = store_->ListOrganizations();
  if (!organizations.ok()) return Refuse(*visit, organizations.status());
  Data choices{Data::type::list};
  for (const auto& o : *organizations) {
    auto locations = store_->ListLocations(o.id);
    if (!locations.ok()) return Refuse(*visit, locations.status());
    for (const auto& l : *locations) {
      Data item;
      item.set("value", o.id + "|" + l.id);
      item.set("label", o.name + " — " + l.name + " (" + l.city + ")");
      choices.push_back(item);
    }
  }
  Data data;
  data.set("choices", choices);
  return Page(*visit, "join", "Ask to join", data);
}

http::Response MembersSite::DecideRequest(const http::Request& request) {
  return OnMemberForm(
      request, [&](const Visit& visit, const http::FormData& form) -> http::Response {
        std::string org(form.GetOr("organization"));
        Status s = joining_->Decide(*visit.person, org, std::string(form.GetOr("request")),
                                    form.GetOr("decision") == "approve");
        if (!s.ok()) return Refuse(visit, s);
        return http::SeeOther("/organization?id=" + org);
      });
}

}  // namespace portico::members
