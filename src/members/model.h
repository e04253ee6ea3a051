// The Membership Center's domain (MISSION M1–M9): individuals, organizations, locations, who
// belongs where, administrative rights, program contact roles, and the audit trail. Plain values.
//
// A person is the Network's subject identifier for this site (`sub`), never an e-mail address:
// a new Network account is a new person (M8).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace portico::members {

// M1: the individual profile. signin_email and its verified flag come from the ID token and are
// refreshed at every sign-in (M8); the rest is the person's own.
struct Individual {
  std::string id;       // "ind_" + random
  std::string subject;  // the Network's sub
  std::string name;
  std::string job_title;
  std::string phone;
  std::string preferred_email;
  std::string signin_email;
  bool signin_email_verified = false;
  std::string network_name;  // the name the Network gave at the last sign-in
  int64_t created_at = 0;
};

// M2.
struct Organization {
  std::string id;  // "org_" + random
  std::string name;
  std::string country;
  std::string website;
  bool company_email_required = false;  // M7
  int64_t created_at = 0;
};

// M3.
struct Location {
  std::string id;  // "loc_" + random
  std::string organization_id;
  std::string name;
  std::string street;
  std::string city;
  std::string region;
  std::string postal_code;
  std::string country;
  bool headquarters = false;
};

// M5: program contact roles. Exactly one kPrimary per organization.
enum class ContactRole { kPrimary, kBilling, kTechnical, kMarketing, kSales };
const char* RoleName(ContactRole role);
std::optional<ContactRole> ParseRole(std::string_view name);
inline constexpr ContactRole kAllRoles[] = {ContactRole::kPrimary, ContactRole::kBilling,
                                            ContactRole::kTechnical, ContactRole::kMarketing,
                                            ContactRole::kSales};

// M4: a person's administrative rights in one organization.
struct Rights {
  bool global = false;              // Global Administrator: the whole organization
  std::set<std::string> locations;  // Location Administrator of these locations

  bool any() const { return global || !locations.empty(); }
  bool Covers(const std::string& location_id) const {
    return global || locations.count(location_id) > 0;
  }
  bool operator==(const Rights&) const = default;
};

// A member of an organization, as the people page lists them.
struct Member {
  Individual individual;
  std::string organization_id;
  std::string location_id;  // where the person belongs
  Rights rights;
  std::set<ContactRole> roles;
};

// M6: an invitation. The link carries a random token; only its SHA-256 is stored. It is used at
// most once, expires, and only the person whose Network sign-in address is `email` can use it.
struct Invitation {
  std::string token_hash;
  std::string public_id;
  std::string organization_id;
  std::string location_id;
  std::string email;      // as typed by the inviter
  std::string email_key;  // lower-cased, compared with the sign-in address
  Rights rights;          // global, or this location, or none
  std::set<ContactRole> roles;
  std::string invited_by;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  std::optional<int64_t> used_at;
  std::optional<int64_t> revoked_at;
};

// M6: a request to join, decided by the administrators of the requested location.
struct JoinRequest {
  std::string id;  // "req_" + random
  Individual individual;
  std::string organization_id;
  std::string location_id;
  std::string message;
  int64_t created_at = 0;
  std::optional<int64_t> decided_at;
  std::string decision;  // "", "approved", "declined"
};

// M9: one recorded change.
struct AuditEntry {
  int64_t id = 0;
  std::string organization_id;  // "" for a change outside any organization
  std::string actor_id;
  std::string action;      // "organization.enrolled", "rights.changed", …
  std::string subject_id;  // what the change is about
  std::string before_json = "{}";
  std::string after_json = "{}";
  int64_t at = 0;
};

}  // namespace portico::members
