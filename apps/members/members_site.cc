#include "members_site.h"

#include <filesystem>
#include <map>

#include "core/log.h"
#include "crypto/digest.h"
#include "crypto/random.h"
#include "http/security_headers.h"
#include "members_assets.h"
#include "store/migrations.h"

namespace portico::members {
namespace {

using Data = kainjow::mustache::data;

std::string Render(const std::string& name, const Data& data) {
  thread_local std::map<std::string, std::unique_ptr<kainjow::mustache::mustache>> cache;
  auto& slot = cache[name];
  if (!slot)
    slot = std::make_unique<kainjow::mustache::mustache>(
        std::string(assets::Find(name + ".mustache")));
  return slot->render(data);
}

}  // namespace

std::string MembersSite::RenderTemplate(const std::string& name, const Data& data) {
  return Render(name, data);
}

MembersSite::MembersSite(MembersConfig config, Clock& clock)
    : config_(std::move(config)), clock_(clock) {}
MembersSite::~MembersSite() = default;

StatusOr<std::unique_ptr<MembersSite>> MembersSite::Create(MembersConfig config, Clock& clock,
                                                           int wait_seconds) {
  std::unique_ptr<MembersSite> site(new MembersSite(std::move(config), clock));
  MembersConfig& c = site->config_;
  c.rp.redirect_uri = c.public_url + "/callback";
  c.rp.post_logout_redirect_uri = c.public_url + "/";
  std::vector<std::pair<std::string_view, std::string_view>> files;
  for (auto name : assets::Names()) files.emplace_back(name, assets::Find(name));
  PORTICO_ASSIGN_OR_RETURN(site->db_, store::OpenMigrated(c.data_dir + "/members.db", files));
  site->store_ = std::make_unique<SqliteMembersStore>(*site->db_);
  site->membership_ =
      std::make_unique<MembershipService>(*site->store_, clock, crypto::SecureRandom::Get());
  site->private_mailboxes_ =
      std::make_unique<PrivateMailboxes>(assets::Find("private-mailbox-domains.txt"));
  site->joining_ = std::make_unique<JoiningService>(
      *site->store_, clock, crypto::SecureRandom::Get(), site->private_mailboxes_.get());
  site->outbox_ = std::make_unique<courier::SqliteOutbox>(*site->db_);
  if (c.smtp_url.empty()) {
    site->transport_ = courier::MakeDropFolderTransport(c.data_dir + "/mail");
  } else {
    courier::SmtpSettings smtp;
    smtp.url = c.smtp_url;
    site->transport_ = courier::MakeSmtpTransport(smtp);
  }
  courier::CourierOptions mail;
  mail.from = c.mail_from;
  site->courier_ = std::make_unique<courier::Courier>(*site->outbox_, *site->transport_, clock,
                                                      crypto::SecureRandom::Get(), mail);
  // The Network may still be starting: wait for its discovery document.
  PORTICO_ASSIGN_OR_RETURN(
      site->rp_, rp::RelyingParty::CreateWhenReady(c.rp, site->http_client_, clock,
                                                   crypto::SecureRandom::Get(), wait_seconds));
  site->auth_ = std::make_unique<rp::SiteAuth>(
      *site->rp_, *site->db_, clock, rp::SiteAuthOptions{"__Host-members", c.rp.cookie_key});

  MembersSite* s = site.get();
  http::Router& r = site->router_;
  r.Get("/", [s](const http::Request& q) { return s->Home(q); });
  r.Get("/login", [s](const http::Request& q) {
    auto query = http::FormData::Parse(q.query).value_or(http::FormData());
    auto out = s->auth_->Login(query.GetOr("return_to"), "", query.GetOr("login_hint"));
    return out.ok() ? *out : http::PlainErrorPage(503, "The Network cannot be reached.");
  });
  // "Sign up" sends the person to the Network's sign-up (prompt=create) and back (M1).
  r.Get("/signup", [s](const http::Request& q) {
    auto query = http::FormData::Parse(q.query).value_or(http::FormData());
    auto out = s->auth_->Login(query.GetOr("return_to"), "create", query.GetOr("login_hint"));
    return out.ok() ? *out : http::PlainErrorPage(503, "The Network cannot be reached.");
  });
  r.Get("/callback", [s](const http::Request& q) {
    rp::CallbackOutcome outcome = s->auth_->Callback(q);
    if (outcome.signed_in) {
      // M8: what the Network says now (a new address) shows from this sign-in on.
      NetworkIdentity who{outcome.signed_in->subject, outcome.signed_in->name,
                          outcome.signed_in->email, outcome.signed_in->email_verified};
      auto known = s->membership_->SignedIn(who);
      if (!known.ok() && known.status().code() != StatusCode::kNotFound)
        log::Warn("members_refresh_failed", {{"status", known.status().ToString()}});
      return outcome.response;
    }
    Data data;
    data.set("error", outcome.error);
    http::Response page = s->Page(Visit{}, "landing", "Membership Center", data, 400);
    for (const auto& [name, value] : outcome.response.headers)
      if (name == "Set-Cookie") page.AddHeader(name, value);
    return page;
  });
  r.Post("/logout", [s](const http::Request& q) {
    auto visit = s->Begin(q);
    if (!visit.ok() || !visit->session) return http::SeeOther("/");
    http::Response refusal;
    if (!s->ReadForm(q, *visit, &refusal)) return refusal;
    auto out = s->auth_->Logout(*visit->session);
    return out.ok() ? *out : s->Refuse(*visit, out.status());
  });
  r.Post("/backchannel-logout",
         [s](const http::Request& q) { return s->auth_->BackchannelLogout(q); });
  r.Get("/profile", [s](const http::Request& q) { return s->Profile(q); });
  r.Post("/profile", [s](const http::Request& q) { return s->Profile(q); });
  r.Get("/enrol", [s](const http::Request& q) { return s->Enrol(q); });
  r.Post("/enrol", [s](const http::Request& q) { return s->Enrol(q); });
  r.Get("/organization", [s](const http::Request& q) { return s->OrganizationPage(q); });
  r.Post("/locations/add", [s](const http::Request& q) { return s->AddLocation(q); });
  r.Post("/organization/settings",
         [s](const http::Request& q) { return s->OrganizationSettings(q); });
  r.Post("/organization/edit", [s](const http::Request& q) { return s->EditOrganization(q); });
  r.Post("/locations/edit", [s](const http::Request& q) { return s->EditLocation(q); });
  r.Get("/people", [s](const http::Request& q) { return s->People(q); });
  r.Get("/audit", [s](const http::Request& q) { return s->AuditPage(q); });
  r.Post("/invitations/add", [s](const http::Request& q) { return s->Invite(q); });
  r.Post("/invitations/revoke", [s](const http::Request& q) { return s->RevokeInvitation(q); });
  r.Get("/invitation", [s](const http::Request& q) { return s->InvitationPage(q); });
  r.Post("/invitation/accept", [s](const http::Request& q) { return s->AcceptInvitation(q); });
  r.Get("/join", [s](const http::Request& q) { return s->Join(q); });
  r.Post("/join", [s](const http::Request& q) { return s->Join(q); });
  r.Post("/requests/decide", [s](const http::Request& q) { return s->DecideRequest(q); });
  for (const char* action :
       {"/members/rights", "/members/roles", "/members/primary", "/members/remove"})
    r.Post(action, [s](const http::Request& q) { return s->ChangeMember(q); });
  r.Get(
      "/healthz",
      [](const http::Request&) {
        http::Response h;
        h.SetHeader("Content-Type", "text/plain");
        h.body = "ok\n";
        return h;
      },
      http::Execution::kInline);
  return site;
}

StatusOr<MembersSite::Visit> MembersSite::Begin(const http::Request& request) {
  Visit visit;
  visit.session = auth_->Current(request);
  if (!visit.session) return visit;
  visit.form_token = auth_->TokenFor(*visit.session, "form");
  auto person = store_->FindIndividualBySubject(visit.session->subject);
  if (person.ok()) {
    visit.person = std::move(*person);
  } else if (person.status().code() != StatusCode::kNotFound) {
    return person.status();
  }
  return visit;
}

std::optional<http::FormData> MembersSite::ReadForm(const http::Request& request,
                                                    const Visit& visit, http::Response* refusal) {
  // A POST from another origin is refused even with a valid token (as at the Network). "null" is
  // what browsers send from our own pages: they carry Referrer-Policy: no-referrer (Fetch §3.2.5).
  auto origin = request.Header("origin");
  bool foreign = origin && *origin != "null" && *origin != http::OriginOf(config_.public_url);
  auto form = http::FormData::Parse(request.body);
  if (foreign || !form || !visit.session ||
      !crypto::ConstantTimeEquals(form->GetOr("form_token"), visit.form_token)) {
    *refusal = Page(
        visit, "message", "Form expired",
        [] {
          Data d;
          d.set("heading", "This form has expired");
          d.set("error", "Go back, reload the page and try again.");
          return d;
        }(),
        403);
    return std::nullopt;
  }
  return form;
}

http::Response MembersSite::Page(const Visit& visit, const std::string& name,
                                 const std::string& title, Data data, int status) {
  if (visit.session) {
    data.set("signed_in", true);
    data.set("session_name", visit.person ? visit.person->name : visit.session->name);
    data.set("form_token", visit.form_token);
  }
  data.set("title", title);
  Data layout = data;
  layout.set("content", Render(name, data));
  http::Response r;
  r.status = status;
  r.SetHeader("Content-Type", "text/html; charset=utf-8");
  r.SetHeader("Cache-Control", "no-store");
  // The sign-out form ends at the Network (RP-initiated logout): its origin is allowed there.
  r.SetHeader("Content-Security-Policy",
              http::ContentSecurityPolicyWithFormAction(auth_->issuer_origin()));
  r.body = Render("layout", layout);
  return r;
}

http::Response MembersSite::Refuse(const Visit& visit, const Status& status) {
  Data d;
  int code = 500;
  switch (status.code()) {
    case StatusCode::kPermissionDenied:
      code = 403;
      d.set("heading", "Not allowed");
      d.set("error", "You do not have the rights this page needs in that organization.");
      break;
    case StatusCode::kNotFound:
      code = 404;
      d.set("heading", "Not found");
      d.set("error", "There is nothing here, or it is not yours to see.");
      break;
    case StatusCode::kInvalidArgument:
    case StatusCode::kFailedPrecondition:
      code = 400;
      d.set("heading", "That did not work");
      d.set("error", status.message());
      break;
    case StatusCode::kAlreadyExists:
      code = 409;
      d.set("heading", "Already done");
      d.set("error", "That is already so: the person belongs here already, or the profile exists.");
      break;
    default:
      code = 503;
      d.set("heading", "Please try again");
      d.set("error", "The Membership Center could not do that just now.");
      log::Warn("members_failure", {{"status", status.ToString()}});
  }
  return Page(visit, "message", "Membership Center", d, code);
}

// ---- the person ----

http::Response MembersSite::Home(const http::Request& request) {
  auto visit = Begin(request);
  if (!visit.ok()) return Refuse(Visit{}, visit.status());
  if (!visit->session) return Page(*visit, "landing", "Membership Center", Data{});
  // M1: the first visit completes a profile.
  if (!visit->person) return http::SeeOther("/profile");
  auto organizations = store_->OrganizationsOf(visit->person->id);
  if (!organizations.ok()) return Refuse(*visit, organizations.status());
  Data list{Data::type::list};
  for (const auto& o : *organizations) {
    Data item;
    item.set("id", o.id);
    item.set("name", o.name);
    list.push_back(item);
  }
  Data data;
  data.set("organizations", list);
  data.set("has_organizations", !organizations->empty());
  data.set("name", visit->person->name);
  return Page(*visit, "dashboard", "Dashboard", data);
}

http::Response MembersSite::Profile(const http::Request& request) {
  auto visit = Begin(request);
  if (!visit.ok()) return Refuse(Visit{}, visit.status());
  if (!visit->session) return http::SeeOther("/login?return_to=%2Fprofile");
  const rp::SiteSession& s = *visit->session;
  Data data;
  // Prefilled from the Network's claims the first time (M1).
  data.set("name", visit->person ? visit->person->name : s.name);
  data.set("job_title", visit->person ? visit->person->job_title : "");
  data.set("phone", visit->person ? visit->person->phone : "");
  data.set("preferred_email", visit->person ? visit->person->preferred_email : s.email);
  data.set("signin_email", s.email);
  data.set("signin_verified", s.email_verified);
  // M7: a clear recommendation when the person signs in with a private mailbox.
  data.set("private_signin", private_mailboxes_->IsPrivate(s.email));
  data.set("new", !visit->person.has_value());
  auto query = http::FormData::Parse(request.query).value_or(http::FormData());
  if (request.method == "GET") {
    data.set("return_to", std::string(query.GetOr("return_to")));
    return Page(*visit, "profile", "Your profile", data);
  }

  http::Response refusal;
  auto form = ReadForm(request, *visit, &refusal);
  if (!form) return refusal;
  ProfileInput input{std::string(form->GetOr("name")), std::string(form->GetOr("job_title")),
                     std::string(form->GetOr("phone")),
                     std::string(form->GetOr("preferred_email"))};
  Status saved;
  if (visit->person) {
    saved = membership_->UpdateProfile(*visit->person, input);
  } else {
    NetworkIdentity who{s.subject, s.name, s.email, s.email_verified};
    saved = membership_->CompleteProfile(who, input).status();
  }
  if (saved.code() == StatusCode::kInvalidArgument) {
    data.set("error", saved.message());
    data.set("name", input.name);
    data.set("job_title", input.job_title);
    data.set("phone", input.phone);
    data.set("preferred_email", input.preferred_email);
    return Page(*visit, "profile", "Your profile", data, 400);
  }
  if (!saved.ok()) return Refuse(*visit, saved);
  // Back to where the person was going (an invitation link), on this site only.
  return http::SeeOther(rp::SafeSitePath(form->GetOr("return_to")));
}

}  // namespace portico::members
