// MembersSite: the Membership Center (MISSION M1–M9) — a site on the network with its own
// database, which signs people in only through the Network (rp::SiteAuth over HTTP), exactly as
// a third-party site would. The rules live in src/members/ (MembershipService, JoiningService);
// this class turns requests into calls of those rules and pages.
//
// Every request that names an organization or a location is checked by the rules against the
// signed-in person's rights in the database; ids in forms and URLs are never trusted. Every form
// carries a token bound to the site session.
//
// Routes: GET / (landing or dashboard), /login, /signup, /callback, POST /logout,
// POST /backchannel-logout, GET/POST /profile, GET/POST /enrol, GET /organization?id=,
// POST /locations/add, GET /people?org=&location=, GET /audit?org=, POST /invitations/add,
// POST /invitations/revoke, GET /invitation?token=, POST /invitation/accept, GET/POST /join,
// POST /requests/decide, POST /members/{rights,roles,primary,remove},
// POST /organization/settings, POST /organization/edit, POST /locations/edit, GET /healthz.
// Thread-safe once built.
#pragma once

#include <kainjow/mustache.hpp>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "courier/courier.h"
#include "courier/sqlite_outbox.h"
#include "courier/transport.h"
#include "http/client.h"
#include "http/form.h"
#include "http/router.h"
#include "members/joining/joining_service.h"
#include "members/membership/membership_service.h"
#include "members/sqlite_members_store.h"
#include "rp/relying_party.h"
#include "rp/site_auth.h"
#include "store/sqlite/database.h"

namespace portico::members {

struct MembersConfig {
  std::string public_url;  // this site's origin, e.g. http://localhost:8081
  std::string data_dir = "./var/members";
  rp::RpConfig rp;       // issuer, client id and secret, cookie key; URIs derive from public_url
  std::string smtp_url;  // "": invitations are written as .eml files in <data_dir>/mail
  std::string mail_from = "Portico <no-reply@localhost>";
};

class MembersSite {
 public:
  // Opens the site's database, applies its migrations and discovers the Network (retrying for
  // up to `wait_seconds` while it starts). Errors: kUnavailable, kFailedPrecondition.
  static StatusOr<std::unique_ptr<MembersSite>> Create(MembersConfig config, Clock& clock,
                                                       int wait_seconds = 30);
  ~MembersSite();

  const http::Router& router() const { return router_; }
  // The site's mail (invitations). StartCourier runs its delivery worker (the server does).
  courier::Courier& courier() { return *courier_; }
  void StartCourier() { courier_->Start(); }

 private:
  MembersSite(MembersConfig config, Clock& clock);

  // The state of one request.
  struct Visit {
    std::optional<rp::SiteSession> session;
    std::optional<Individual> person;  // set once the session's subject has a profile
    std::string form_token;            // for every form of the page
  };
  StatusOr<Visit> Begin(const http::Request& request);
  // Parses a POSTed form and checks its token. nullopt with `*refusal` set otherwise.
  std::optional<http::FormData> ReadForm(const http::Request& request, const Visit& visit,
                                         http::Response* refusal);
  // Runs `act(visit, form)` for a POST by a signed-in person with a profile and a valid form;
  // anyone else is sent home or gets the form's refusal. The rules `act` calls decide the rest.
  template <typename Act>
  http::Response OnMemberForm(const http::Request& request, Act act) {
    auto visit = Begin(request);
    if (!visit.ok()) return Refuse(Visit{}, visit.status());
    if (!visit->person) return http::SeeOther("/");
    http::Response refusal;
    auto form = ReadForm(request, *visit, &refusal);
    if (!form) return refusal;
    return act(*visit, *form);
  }
  http::Response Page(const Visit& visit, const std::string& name, const std::string& title,
                      kainjow::mustache::data data, int status = 200);
  http::Response Refuse(const Visit& visit, const Status& status);

  // Pages (members_site.cc: the person; organization_pages.cc: organizations).
  http::Response Home(const http::Request& request);
  http::Response Profile(const http::Request& request);
  http::Response Enrol(const http::Request& request);
  http::Response OrganizationPage(const http::Request& request);
  http::Response AddLocation(const http::Request& request);
  http::Response OrganizationSettings(const http::Request& request);
  http::Response EditOrganization(const http::Request& request);
  http::Response EditLocation(const http::Request& request);
  http::Response People(const http::Request& request);
  http::Response AuditPage(const http::Request& request);
  // joining_pages.cc: invitations and requests (M6).
  http::Response Invite(const http::Request& request);
  http::Response RevokeInvitation(const http::Request& request);
  http::Response InvitationPage(const http::Request& request);
  http::Response AcceptInvitation(const http::Request& request);
  http::Response Join(const http::Request& request);
  http::Response DecideRequest(const http::Request& request);
  // member_pages.cc: rights, roles, the primary contact, removal (M4, M5).
  http::Response ChangeMember(const http::Request& request);

  // Mails an invitation through the site's courier. Errors: kResourceExhausted (budget),
  // kUnavailable; the link is shown to copy either way.
  Status MailInvitation(const Individual& inviter, const Invitation& invitation,
                        const std::string& link);
  // Renders one of the site's templates (members_site.cc).
  static std::string RenderTemplate(const std::string& name, const kainjow::mustache::data& data);

  // Adds the organization page's invitation and request lists for an administrator.
  Status AddJoiningData(const Visit& visit, const std::string& organization_id,
                        const std::vector<Location>& locations, kainjow::mustache::data& data);

  MembersConfig config_;
  Clock& clock_;
  http::HttpClient http_client_;
  std::unique_ptr<store::sqlite::Database> db_;
  std::unique_ptr<SqliteMembersStore> store_;
  std::unique_ptr<PrivateMailboxes> private_mailboxes_;  // M7, from the shipped list
  std::unique_ptr<MembershipService> membership_;
  std::unique_ptr<JoiningService> joining_;
  std::unique_ptr<rp::RelyingParty> rp_;
  std::unique_ptr<rp::SiteAuth> auth_;
  std::unique_ptr<courier::SqliteOutbox> outbox_;
  std::unique_ptr<courier::Transport> transport_;
  std::unique_ptr<courier::Courier> courier_;
  http::Router router_;
};

}  // namespace portico::members
