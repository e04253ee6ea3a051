// MembersStore: the Membership Center's persistence, behind one interface because the changes
// that matter span tables and must be one transaction with their audit entry (M9): enrolment
// writes the organization, its headquarters, the founder's membership, rights and role and the
// audit row together; a rights change checks "the last Global Administrator stays" in the same
// transaction that removes one.
//
// Every mutating method takes the AuditEntry to write with it. Contract: OK means committed;
// kUnavailable means nothing changed. Implementations: SqliteMembersStore. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "members/model.h"

namespace portico::members {

class MembersStore {
 public:
  virtual ~MembersStore() = default;

  // ---- individuals (M1, M8) ----
  // The individual of `subject`, or kNotFound.
  virtual StatusOr<Individual> FindIndividualBySubject(const std::string& subject) = 0;
  virtual StatusOr<Individual> FindIndividual(const std::string& id) = 0;
  // Saves what the Network said at a sign-in (`individual`'s sign-in address, its verified flag,
  // the Network's name and the profile name that follows it), with one audit entry per
  // organization of the person. kNotFound.
  virtual Status RefreshFromNetwork(const Individual& individual,
                                    const std::vector<AuditEntry>& audits) = 0;
  // Creates the profile. Errors: kAlreadyExists (the subject has one).
  virtual Status CreateIndividual(const Individual& individual, const AuditEntry& audit) = 0;
  // Saves name, job title, phone and preferred e-mail, with one audit entry per organization of
  // the person (so that each one's administrators see it). kNotFound.
  virtual Status UpdateIndividual(const Individual& individual,
                                  const std::vector<AuditEntry>& audits) = 0;

  // ---- organizations and locations (M2, M3) ----
  // Writes the organization, its headquarters, and the founder as member at the headquarters
  // with Global rights and the Primary Program Contact role.
  virtual Status Enroll(const Organization& organization, const Location& headquarters,
                        const std::string& founder_id, const AuditEntry& audit) = 0;
  virtual StatusOr<Organization> FindOrganization(const std::string& id) = 0;
  virtual Status UpdateOrganization(const Organization& organization, const AuditEntry& audit) = 0;
  // Organizations by name (for "ask to join").
  virtual StatusOr<std::vector<Organization>> ListOrganizations() = 0;
  virtual Status AddLocation(const Location& location, const AuditEntry& audit) = 0;
  virtual Status UpdateLocation(const Location& location, const AuditEntry& audit) = 0;
  // The location with this id in this organization only, or kNotFound.
  virtual StatusOr<Location> FindLocation(const std::string& organization_id,
                                          const std::string& location_id) = 0;
  virtual StatusOr<std::vector<Location>> ListLocations(const std::string& organization_id) = 0;

  // ---- membership, rights, roles (M4–M6) ----
  // The person's membership in the organization, or kNotFound when they do not belong.
  virtual StatusOr<Member> FindMember(const std::string& organization_id,
                                      const std::string& individual_id) = 0;
  // The organizations the person belongs to.
  virtual StatusOr<std::vector<Organization>> OrganizationsOf(const std::string& individual_id) = 0;
  // Members of the organization, by name; `location_id` non-empty keeps only that location's.
  virtual StatusOr<std::vector<Member>> ListMembers(const std::string& organization_id,
                                                    const std::string& location_id) = 0;
  // Adds a member at a location with rights and roles (an accepted invitation or approved
  // request). Errors: kAlreadyExists (already a member).
  virtual Status AddMember(const Member& member, const AuditEntry& audit) = 0;
  // Replaces the member's rights. Errors: kFailedPrecondition when it would leave the
  // organization without a Global Administrator; kNotFound.
  virtual Status SetRights(const std::string& organization_id, const std::string& individual_id,
                           const Rights& rights, const std::string& granted_by,
                           const AuditEntry& audit) = 0;
  // Replaces the member's roles other than Primary (which only HandOverPrimary moves).
  virtual Status SetRoles(const std::string& organization_id, const std::string& individual_id,
                          const std::set<ContactRole>& roles, const AuditEntry& audit) = 0;
  // Moves the Primary Program Contact role to `to` (a member). kNotFound, kFailedPrecondition.
  virtual Status HandOverPrimary(const std::string& organization_id, const std::string& to,
                                 const AuditEntry& audit) = 0;
  // Moves the member to another location of the same organization.
  virtual Status MoveMember(const std::string& organization_id, const std::string& individual_id,
                            const std::string& location_id, const AuditEntry& audit) = 0;
  // Removes the member with their rights and roles. Errors: kFailedPrecondition when they are
  // the Primary Program Contact or the last Global Administrator.
  virtual Status RemoveMember(const std::string& organization_id, const std::string& individual_id,
                              const AuditEntry& audit) = 0;

  // ---- joining (M6) ----
  virtual Status CreateInvitation(const Invitation& invitation, const AuditEntry& audit) = 0;
  // The invitation with this token hash, whatever its state. kNotFound.
  virtual StatusOr<Invitation> FindInvitation(const std::string& token_hash) = 0;
  // Open invitations of the organization (unused, unrevoked, unexpired at `now`), newest first.
  virtual StatusOr<std::vector<Invitation>> OpenInvitations(const std::string& organization_id,
                                                            int64_t now) = 0;
  // Spends the invitation — only if it is open at `now` and addressed to `email_key` — and makes
  // `individual` a member with its location, rights and roles, in one transaction.
  // Errors: kNotFound (no such open invitation for this address), kAlreadyExists (already a
  // member; the invitation stays open).
  virtual Status AcceptInvitation(const std::string& token_hash, const std::string& email_key,
                                  const std::string& individual_id, int64_t now,
                                  const AuditEntry& audit) = 0;
  virtual Status RevokeInvitation(const std::string& organization_id, const std::string& public_id,
                                  int64_t now, const AuditEntry& audit) = 0;

  // Errors: kAlreadyExists (an open request of this person to this organization exists).
  virtual Status CreateJoinRequest(const JoinRequest& request, const AuditEntry& audit) = 0;
  // Open requests of the organization, oldest first, with the requester's profile.
  virtual StatusOr<std::vector<JoinRequest>> OpenJoinRequests(
      const std::string& organization_id) = 0;
  virtual StatusOr<JoinRequest> FindJoinRequest(const std::string& organization_id,
                                                const std::string& id) = 0;
  // Decides an open request once; approval adds the member (no rights, no roles) in the same
  // transaction. Errors: kNotFound (no open request), kAlreadyExists (already a member).
  virtual Status DecideJoinRequest(const std::string& organization_id, const std::string& id,
                                   bool approve, const std::string& decided_by, int64_t now,
                                   const AuditEntry& audit) = 0;

  // ---- audit (M9) ----
  // The organization's entries, newest first.
  virtual StatusOr<std::vector<AuditEntry>> ListAudit(const std::string& organization_id,
                                                      int limit) = 0;
};

}  // namespace portico::members
