// MembershipService: the Membership Center's rules (MISSION M1–M6, M9; SECURITY.md "Access
// control in the Membership Center"). Every method takes the acting individual and the exact
// organization (and location) of the request and decides from the database — never from what a
// form says about the actor's rights.
//
// Rights (M4): a Global Administrator covers the whole organization; a Location Administrator
// covers the locations assigned; a plain member administers nothing.
//   - Nobody grants or removes what they do not cover; nobody raises their own rights.
//   - A Location Administrator manages only people who belong to a location they cover.
//   - An organization always keeps a Global Administrator and exactly one Primary Program
//     Contact (moved only by hand-over, by the contact or a Global Administrator).
// Every change is written with its audit entry in one transaction (M9).
//
// Refusals are kPermissionDenied ("not allowed"), kFailedPrecondition (a rule of the
// organization, with a message for the person), kInvalidArgument (bad input), kNotFound.
// Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "crypto/random.h"
#include "members/members_store.h"

namespace portico::members {

struct OrganizationInput {
  std::string name;
  std::string country;
  std::string website;
};

struct LocationInput {
  std::string name;
  std::string street;
  std::string city;
  std::string region;
  std::string postal_code;
  std::string country;
};

struct ProfileInput {
  std::string name;
  std::string job_title;
  std::string phone;
  std::string preferred_email;
};

// What the Network said about the person at this sign-in (from the ID token).
struct NetworkIdentity {
  std::string subject;
  std::string name;
  std::string email;
  bool email_verified = false;
};

class MembershipService {
 public:
  MembershipService(MembersStore& store, Clock& clock, crypto::Random& random);

  // ---- individuals (M1, M8) ----
  // The profile of this Network subject, refreshed with what the Network says now (sign-in
  // address, whether it is verified, name — M8); kNotFound when the person has none yet (a new
  // subject, also a new Network account of a known person).
  StatusOr<Individual> SignedIn(const NetworkIdentity& identity);
  // Creates the profile. Errors: kInvalidArgument, kAlreadyExists.
  StatusOr<Individual> CompleteProfile(const NetworkIdentity& identity, const ProfileInput& input);
  Status UpdateProfile(const Individual& actor, const ProfileInput& input);

  // ---- organizations and locations (M2, M3) ----
  // The actor becomes member at the headquarters, Global Administrator and Primary Program
  // Contact. Errors: kInvalidArgument.
  StatusOr<Organization> Enroll(const Individual& actor, const OrganizationInput& organization,
                                const LocationInput& headquarters);
  // Global Administrators only.
  StatusOr<Location> AddLocation(const Individual& actor, const std::string& organization_id,
                                 const LocationInput& input);
  // Global Administrators, and Location Administrators of that location.
  Status EditLocation(const Individual& actor, const std::string& organization_id,
                      const std::string& location_id, const LocationInput& input);
  // Global Administrators only (M7's "company e-mail required" lives here). A nullopt keeps
  // what the organization has, so a form that edits one part leaves the other as it is.
  Status EditOrganization(const Individual& actor, const std::string& organization_id,
                          const std::optional<OrganizationInput>& details,
                          std::optional<bool> company_email_required);

  // ---- reading ----
  // The actor's own membership. kPermissionDenied when they do not belong.
  StatusOr<Member> MembershipOf(const Individual& actor, const std::string& organization_id);
  // The people the actor administers: all for a Global Administrator, those of the covered
  // locations for a Location Administrator; `location_id` narrows further (and must be covered).
  StatusOr<std::vector<Member>> People(const Individual& actor, const std::string& organization_id,
                                       const std::string& location_id);
  // The audit log, for Global Administrators.
  StatusOr<std::vector<AuditEntry>> Audit(const Individual& actor,
                                          const std::string& organization_id, int limit = 200);

  // ---- rights, roles, leaving (M4, M5) ----
  Status ChangeRights(const Individual& actor, const std::string& organization_id,
                      const std::string& target_id, const Rights& rights);
  // Billing, technical, marketing and sales roles; Global Administrators only.
  Status ChangeRoles(const Individual& actor, const std::string& organization_id,
                     const std::string& target_id, const std::set<ContactRole>& roles);
  Status HandOverPrimary(const Individual& actor, const std::string& organization_id,
                         const std::string& to_id);
  // Global Administrators remove anyone; Location Administrators the people of their locations
  // who hold no rights they do not cover; anyone may leave. Never the primary contact or the
  // last Global Administrator.
  Status RemoveMember(const Individual& actor, const std::string& organization_id,
                      const std::string& target_id);

 private:
  // The actor's membership, or kPermissionDenied.
  StatusOr<Member> RequireMember(const Individual& actor, const std::string& organization_id);
  AuditEntry Entry(const Individual& actor, const std::string& organization_id, std::string action,
                   std::string subject_id, std::string before, std::string after) const;
  std::string NewId(const char* prefix);
  // The same change recorded under each of the actor's organizations (and outside them).
  std::vector<AuditEntry> EntriesForEveryOrganization(const Individual& actor,
                                                      const std::string& action,
                                                      const std::string& before,
                                                      const std::string& after);

  MembersStore& store_;
  Clock& clock_;
  crypto::Random& random_;
};

// Rights as JSON for the audit log: {"global":true,"locations":["loc_…"]}.
std::string RightsJson(const Rights& rights);

}  // namespace portico::members
