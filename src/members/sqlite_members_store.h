// SqliteMembersStore: MembersStore on the Membership Center's own SQLite database
// (db/members/sqlite). See members_store.h for the contract.
#pragma once

#include "members/members_store.h"
#include "store/sqlite/database.h"

namespace portico::members {

class SqliteMembersStore final : public MembersStore {
 public:
  explicit SqliteMembersStore(store::sqlite::Database& db) : db_(db) {}

  StatusOr<Individual> FindIndividualBySubject(const std::string& subject) override;
  StatusOr<Individual> FindIndividual(const std::string& id) override;
  Status RefreshFromNetwork(const Individual& individual,
                            const std::vector<AuditEntry>& audits) override;
  Status CreateIndividual(const Individual& individual, const AuditEntry& audit) override;
  Status UpdateIndividual(const Individual& individual,
                          const std::vector<AuditEntry>& audits) override;

  Status Enroll(const Organization& organization, const Location& headquarters,
                const std::string& founder_id, const AuditEntry& audit) override;
  StatusOr<Organization> FindOrganization(const std::string& id) override;
  Status UpdateOrganization(const Organization& organization, const AuditEntry& audit) override;
  StatusOr<std::vector<Organization>> ListOrganizations() override;
  Status AddLocation(const Location& location, const AuditEntry& audit) override;
  Status UpdateLocation(const Location& location, const AuditEntry& audit) override;
  StatusOr<Location> FindLocation(const std::string& organization_id,
                                  const std::string& location_id) override;
  StatusOr<std::vector<Location>> ListLocations(const std::string& organization_id) override;

  StatusOr<Member> FindMember(const std::string& organization_id,
                              const std::string& individual_id) override;
  StatusOr<std::vector<Organization>> OrganizationsOf(const std::string& individual_id) override;
  StatusOr<std::vector<Member>> ListMembers(const std::string& organization_id,
                                            const std::string& location_id) override;
  Status AddMember(const Member& member, const AuditEntry& audit) override;
  Status SetRights(const std::string& organization_id, const std::string& individual_id,
                   const Rights& rights, const std::string& granted_by,
                   const AuditEntry& audit) override;
  Status SetRoles(const std::string& organization_id, const std::string& individual_id,
                  const std::set<ContactRole>& roles, const AuditEntry& audit) override;
  Status HandOverPrimary(const std::string& organization_id, const std::string& to,
                         const AuditEntry& audit) override;
  Status MoveMember(const std::string& organization_id, const std::string& individual_id,
                    const std::string& location_id, const AuditEntry& audit) override;
  Status RemoveMember(const std::string& organization_id, const std::string& individual_id,
                      const AuditEntry& audit) override;

  Status CreateInvitation(const Invitation& invitation, const AuditEntry& audit) override;
  StatusOr<Invitation> FindInvitation(const std::string& token_hash) override;
  StatusOr<std::vector<Invitation>> OpenInvitations(const std::string& organization_id,
                                                    int64_t now) override;
  Status AcceptInvitation(const std::string& token_hash, const std::string& email_key,
                          const std::string& individual_id, int64_t now,
                          const AuditEntry& audit) override;
  Status RevokeInvitation(const std::string& organization_id, const std::string& public_id,
                          int64_t now, const AuditEntry& audit) override;
  Status CreateJoinRequest(const JoinRequest& request, const AuditEntry& audit) override;
  StatusOr<std::vector<JoinRequest>> OpenJoinRequests(const std::string& organization_id) override;
  StatusOr<JoinRequest> FindJoinRequest(const std::string& organization_id,
                                        const std::string& id) override;
  Status DecideJoinRequest(const std::string& organization_id, const std::string& id, bool approve,
                           const std::string& decided_by, int64_t now,
                           const AuditEntry& audit) override;

  StatusOr<std::vector<AuditEntry>> ListAudit(const std::string& organization_id,
                                              int limit) override;

 private:
  store::sqlite::Database& db_;
};

}  // namespace portico::members
