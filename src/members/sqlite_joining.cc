// SqliteMembersStore, continued: invitations and join requests (M6). Every invitation and
// request is spent or decided by a conditional UPDATE inside the transaction that adds the
// member, and the caller acts only when exactly one row changed (SECURITY.md promise 2).
#include "members/sqlite_members_store.h"
#include "members/sqlite_rows.h"

namespace portico::members {

using rows::InsertMembership;
using store::sqlite::Connection;
using store::sqlite::Statement;

namespace {
Status Audit(Connection& c, const AuditEntry& a) { return rows::WriteAudit(c, a); }
}  // namespace

namespace {

constexpr char kInvitationColumns[] =
    "token_hash, public_id, organization_id, location_id, email, email_key, rights, roles, "
    "invited_by, created_at, expires_at, used_at, revoked_at";

Invitation ReadInvitation(const Statement& s) {
  Invitation v;
  v.token_hash = s.Blob(0);
  v.public_id = s.Text(1);
  v.organization_id = s.Text(2);
  v.location_id = s.Text(3);
  v.email = s.Text(4);
  v.email_key = s.Text(5);
  std::string rights = s.Text(6);
  v.rights.global = rights == "global";
  if (rights == "location") v.rights.locations = {v.location_id};
  std::string roles = s.Text(7);
  size_t start = 0;
  while (start < roles.size()) {
    size_t comma = roles.find(',', start);
    if (comma == std::string::npos) comma = roles.size();
    if (auto role = ParseRole(roles.substr(start, comma - start))) v.roles.insert(*role);
    start = comma + 1;
  }
  v.invited_by = s.Text(8);
  v.created_at = s.Int(9);
  v.expires_at = s.Int(10);
  v.used_at = s.OptionalInt(11);
  v.revoked_at = s.OptionalInt(12);
  return v;
}

}  // namespace

Status SqliteMembersStore::CreateInvitation(const Invitation& v, const AuditEntry& audit) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(
        auto s, c.Prepare(std::string("INSERT INTO invitations (") + kInvitationColumns +
                          ") VALUES (?,?,?,?,?,?,?,?,?,?,?,NULL,NULL)"));
    std::string roles;
    for (ContactRole r : v.roles) {
      if (r == ContactRole::kPrimary) continue;  // only a hand-over moves the primary role
      roles += (roles.empty() ? "" : ",") + std::string(RoleName(r));
    }
    s.BindBlob(1, v.token_hash).Bind(2, v.public_id).Bind(3, v.organization_id);
    s.Bind(4, v.location_id).Bind(5, v.email).Bind(6, v.email_key);
    s.Bind(7, v.rights.global ? "global" : v.rights.locations.empty() ? "none" : "location");
    s.Bind(8, roles).Bind(9, v.invited_by).Bind(10, v.created_at).Bind(11, v.expires_at);
    PORTICO_RETURN_IF_ERROR(s.Run());
    return Audit(c, audit);
  });
}

StatusOr<Invitation> SqliteMembersStore::FindInvitation(const std::string& token_hash) {
  std::optional<Invitation> found;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare(std::string("SELECT ") + kInvitationColumns +
                                               " FROM invitations WHERE token_hash = ?"));
    s.BindBlob(1, token_hash);
    PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (row) found = ReadInvitation(s);
    return OkStatus();
  }));
  if (!found) return NotFoundError("no such invitation");
  return std::move(*found);
}

StatusOr<std::vector<Invitation>> SqliteMembersStore::OpenInvitations(const std::string& org,
                                                                      int64_t now) {
  std::vector<Invitation> out;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    out.clear();
    PORTICO_ASSIGN_OR_RETURN(
        auto s, c.Prepare(std::string("SELECT ") + kInvitationColumns +
                          " FROM invitations WHERE organization_id = ? AND used_at IS NULL AND "
                          "revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC"));
    s.Bind(1, org).Bind(2, now);
    while (true) {
      PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      out.push_back(ReadInvitation(s));
    }
    return OkStatus();
  }));
  return out;
}

Status SqliteMembersStore::AcceptInvitation(const std::string& token_hash,
                                            const std::string& email_key,
                                            const std::string& individual_id, int64_t now,
                                            const AuditEntry& audit) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(
        auto u, c.Prepare(std::string("UPDATE invitations SET used_at = ?1, used_by = ?2 WHERE "
                                      "token_hash = ?3 AND email_key = ?4 AND used_at IS NULL "
                                      "AND revoked_at IS NULL AND expires_at > ?1 RETURNING ") +
                          kInvitationColumns));
    u.Bind(1, now).Bind(2, individual_id).BindBlob(3, token_hash).Bind(4, email_key);
    PORTICO_ASSIGN_OR_RETURN(bool row, u.Step());
    if (!row) return NotFoundError("no open invitation for this address");
    Invitation v = ReadInvitation(u);
    PORTICO_RETURN_IF_ERROR(u.Run());  // finish the statement before the next ones
    PORTICO_RETURN_IF_ERROR(
        InsertMembership(c, v.organization_id, individual_id, v.location_id, now));
    PORTICO_RETURN_IF_ERROR(
        rows::InsertRights(c, v.organization_id, individual_id, v.rights, v.invited_by, now));
    PORTICO_RETURN_IF_ERROR(rows::InsertRoles(c, v.organization_id, individual_id, v.roles, now));
    AuditEntry entry = audit;
    entry.organization_id = v.organization_id;
    return Audit(c, entry);
  });
}

Status SqliteMembersStore::RevokeInvitation(const std::string& org, const std::string& public_id,
                                            int64_t now, const AuditEntry& audit) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto u, c.Prepare("UPDATE invitations SET revoked_at = ? WHERE "
                                               "organization_id = ? AND public_id = ? AND "
                                               "used_at IS NULL AND revoked_at IS NULL"));
    u.Bind(1, now).Bind(2, org).Bind(3, public_id);
    PORTICO_RETURN_IF_ERROR(u.Run());
    if (c.Changes() != 1) return NotFoundError("no open invitation");
    return Audit(c, audit);
  });
}

Status SqliteMembersStore::CreateJoinRequest(const JoinRequest& r, const AuditEntry& audit) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("INSERT INTO join_requests (id, individual_id, "
                                               "organization_id, location_id, message, "
                                               "created_at) VALUES (?,?,?,?,?,?)"));
    s.Bind(1, r.id).Bind(2, r.individual.id).Bind(3, r.organization_id).Bind(4, r.location_id);
    s.Bind(5, r.message).Bind(6, r.created_at);
    PORTICO_RETURN_IF_ERROR(s.Run());
    return Audit(c, audit);
  });
}

namespace {

constexpr char kRequestQuery[] =
    "SELECT r.id, r.organization_id, r.location_id, r.message, r.created_at, r.decided_at, "
    "coalesce(r.decision, ''), i.id, i.subject, i.name, i.job_title, i.phone, i.preferred_email, "
    "i.signin_email, i.signin_email_verified, i.created_at, i.network_name FROM join_requests r "
    "JOIN individuals "
    "i ON i.id = r.individual_id ";

JoinRequest ReadRequest(const Statement& s) {
  JoinRequest r;
  r.id = s.Text(0);
  r.organization_id = s.Text(1);
  r.location_id = s.Text(2);
  r.message = s.Text(3);
  r.created_at = s.Int(4);
  r.decided_at = s.OptionalInt(5);
  r.decision = s.Text(6);
  r.individual.id = s.Text(7);
  r.individual.subject = s.Text(8);
  r.individual.name = s.Text(9);
  r.individual.job_title = s.Text(10);
  r.individual.phone = s.Text(11);
  r.individual.preferred_email = s.Text(12);
  r.individual.signin_email = s.Text(13);
  r.individual.signin_email_verified = s.Int(14) != 0;
  r.individual.created_at = s.Int(15);
  r.individual.network_name = s.Text(16);
  return r;
}

}  // namespace

StatusOr<std::vector<JoinRequest>> SqliteMembersStore::OpenJoinRequests(const std::string& org) {
  std::vector<JoinRequest> out;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    out.clear();
    PORTICO_ASSIGN_OR_RETURN(
        auto s, c.Prepare(std::string(kRequestQuery) +
                          "WHERE r.organization_id = ? AND r.decided_at IS NULL ORDER BY "
                          "r.created_at, r.id"));
    s.Bind(1, org);
    while (true) {
      PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      out.push_back(ReadRequest(s));
    }
    return OkStatus();
  }));
  return out;
}

StatusOr<JoinRequest> SqliteMembersStore::FindJoinRequest(const std::string& org,
                                                          const std::string& id) {
  std::optional<JoinRequest> found;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(
        auto s, c.Prepare(std::string(kRequestQuery) + "WHERE r.organization_id = ? AND r.id = ?"));
    s.Bind(1, org).Bind(2, id);
    PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (row) found = ReadRequest(s);
    return OkStatus();
  }));
  if (!found) return NotFoundError("no such request");
  return std::move(*found);
}

Status SqliteMembersStore::DecideJoinRequest(const std::string& org, const std::string& id,
                                             bool approve, const std::string& decided_by,
                                             int64_t now, const AuditEntry& audit) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(
        auto u, c.Prepare("UPDATE join_requests SET decided_at = ?1, decided_by = ?2, decision = "
                          "?3 WHERE organization_id = ?4 AND id = ?5 AND decided_at IS NULL "
                          "RETURNING individual_id, location_id"));
    u.Bind(1, now).Bind(2, decided_by).Bind(3, approve ? "approved" : "declined").Bind(4, org);
    u.Bind(5, id);
    PORTICO_ASSIGN_OR_RETURN(bool row, u.Step());
    if (!row) return NotFoundError("no open request");
    std::string who = u.Text(0);
    std::string location = u.Text(1);
    PORTICO_RETURN_IF_ERROR(u.Run());
    if (approve) PORTICO_RETURN_IF_ERROR(InsertMembership(c, org, who, location, now));
    return Audit(c, audit);
  });
}

}  // namespace portico::members
