#include "members/sqlite_members_store.h"

#include "members/sqlite_rows.h"

namespace portico::members {

using store::sqlite::Connection;
using store::sqlite::Statement;

namespace rows {

Status WriteAudit(Connection& c, const AuditEntry& a) {
  PORTICO_ASSIGN_OR_RETURN(
      auto s, c.Prepare("INSERT INTO audit_log (organization_id, actor_id, action, subject_id, "
                        "before_json, after_json, at) VALUES (?,?,?,?,?,?,?)"));
  s.Bind(1, a.organization_id).Bind(2, a.actor_id).Bind(3, a.action).Bind(4, a.subject_id);
  s.Bind(5, a.before_json).Bind(6, a.after_json).Bind(7, a.at);
  return s.Run();
}

Status InsertMembership(Connection& c, const std::string& org, const std::string& who,
                        const std::string& location, int64_t now) {
  PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("INSERT INTO memberships (individual_id, "
                                             "organization_id, location_id, created_at) VALUES "
                                             "(?,?,?,?)"));
  s.Bind(1, who).Bind(2, org).Bind(3, location).Bind(4, now);
  return s.Run();
}

Status InsertRights(Connection& c, const std::string& org, const std::string& who,
                    const Rights& rights, const std::string& granted_by, int64_t now) {
  PORTICO_ASSIGN_OR_RETURN(
      auto s, c.Prepare("INSERT INTO admin_rights (individual_id, organization_id, location_id, "
                        "granted_by, created_at) VALUES (?,?,?,?,?)"));
  std::vector<std::string> rows(rights.locations.begin(), rights.locations.end());
  if (rights.global) rows.push_back("");
  for (const std::string& location : rows) {
    s.Bind(1, who).Bind(2, org).Bind(3, location).Bind(4, granted_by).Bind(5, now);
    PORTICO_RETURN_IF_ERROR(s.Run());
  }
  return OkStatus();
}

Status InsertRoles(Connection& c, const std::string& org, const std::string& who,
                   const std::set<ContactRole>& roles, int64_t now) {
  PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("INSERT INTO contact_roles (individual_id, "
                                             "organization_id, role, created_at) VALUES "
                                             "(?,?,?,?)"));
  for (ContactRole role : roles) {
    s.Bind(1, who).Bind(2, org).Bind(3, RoleName(role)).Bind(4, now);
    PORTICO_RETURN_IF_ERROR(s.Run());
  }
  return OkStatus();
}

}  // namespace rows

using rows::InsertMembership;
using rows::InsertRights;
using rows::InsertRoles;
using rows::WriteAudit;

namespace {

constexpr char kIndividualColumns[] =
    "id, subject, name, job_title, phone, preferred_email, signin_email, signin_email_verified, "
    "created_at, network_name";

Individual ReadIndividual(const Statement& s, int at = 0) {
  Individual i;
  i.id = s.Text(at + 0);
  i.subject = s.Text(at + 1);
  i.name = s.Text(at + 2);
  i.job_title = s.Text(at + 3);
  i.phone = s.Text(at + 4);
  i.preferred_email = s.Text(at + 5);
  i.signin_email = s.Text(at + 6);
  i.signin_email_verified = s.Int(at + 7) != 0;
  i.created_at = s.Int(at + 8);
  i.network_name = s.Text(at + 9);
  return i;
}

constexpr char kOrganizationColumns[] =
    "id, name, country, website, company_email_required, created_at";

Organization ReadOrganization(const Statement& s) {
  Organization o;
  o.id = s.Text(0);
  o.name = s.Text(1);
  o.country = s.Text(2);
  o.website = s.Text(3);
  o.company_email_required = s.Int(4) != 0;
  o.created_at = s.Int(5);
  return o;
}

constexpr char kLocationColumns[] =
    "id, organization_id, name, street, city, region, postal_code, country, headquarters";

Location ReadLocation(const Statement& s) {
  Location l;
  l.id = s.Text(0);
  l.organization_id = s.Text(1);
  l.name = s.Text(2);
  l.street = s.Text(3);
  l.city = s.Text(4);
  l.region = s.Text(5);
  l.postal_code = s.Text(6);
  l.country = s.Text(7);
  l.headquarters = s.Int(8) != 0;
  return l;
}

Status InsertLocation(Connection& c, const Location& l, int64_t now) {
  PORTICO_ASSIGN_OR_RETURN(auto s,
                           c.Prepare(std::string("INSERT INTO locations (") + kLocationColumns +
                                     ", created_at, updated_at) VALUES "
                                     "(?,?,?,?,?,?,?,?,?,?,?)"));
  s.Bind(1, l.id).Bind(2, l.organization_id).Bind(3, l.name).Bind(4, l.street).Bind(5, l.city);
  s.Bind(6, l.region).Bind(7, l.postal_code).Bind(8, l.country);
  s.Bind(9, int64_t{l.headquarters}).Bind(10, now).Bind(11, now);
  return s.Run();
}

StatusOr<int64_t> CountGlobals(Connection& c, const std::string& org) {
  PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("SELECT count(*) FROM admin_rights WHERE "
                                             "organization_id = ? AND location_id = ''"));
  s.Bind(1, org);
  PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.Int(0) : 0;
}

StatusOr<bool> IsMember(Connection& c, const std::string& org, const std::string& who) {
  PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("SELECT 1 FROM memberships WHERE organization_id = "
                                             "? AND individual_id = ?"));
  s.Bind(1, org).Bind(2, who);
  return s.Step();
}

// Rights and roles of every member of `org` (optionally one person), merged into `members`.
Status FillRightsAndRoles(Connection& c, const std::string& org, std::vector<Member>& members) {
  PORTICO_ASSIGN_OR_RETURN(auto r, c.Prepare("SELECT individual_id, location_id FROM admin_rights "
                                             "WHERE organization_id = ?"));
  r.Bind(1, org);
  while (true) {
    PORTICO_ASSIGN_OR_RETURN(bool row, r.Step());
    if (!row) break;
    std::string who = r.Text(0), location = r.Text(1);
    for (Member& m : members) {
      if (m.individual.id != who) continue;
      if (location.empty())
        m.rights.global = true;
      else
        m.rights.locations.insert(location);
    }
  }
  PORTICO_ASSIGN_OR_RETURN(auto q, c.Prepare("SELECT individual_id, role FROM contact_roles "
                                             "WHERE organization_id = ?"));
  q.Bind(1, org);
  while (true) {
    PORTICO_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    std::string who = q.Text(0);
    auto role = ParseRole(q.Text(1));
    for (Member& m : members)
      if (m.individual.id == who && role) m.roles.insert(*role);
  }
  return OkStatus();
}

StatusOr<std::vector<Member>> QueryMembers(Connection& c, const std::string& org,
                                           const std::string& location,
                                           const std::string& individual) {
  std::string sql = std::string("SELECT m.location_id, ") +
                    "i.id, i.subject, i.name, i.job_title, i.phone, i.preferred_email, "
                    "i.signin_email, i.signin_email_verified, i.created_at, i.network_name "
                    "FROM memberships m JOIN individuals i ON i.id = m.individual_id "
                    "WHERE m.organization_id = ?1 AND (?2 = '' OR m.location_id = ?2) "
                    "AND (?3 = '' OR m.individual_id = ?3) ORDER BY i.name, i.id";
  PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare(sql));
  s.Bind(1, org).Bind(2, location).Bind(3, individual);
  std::vector<Member> members;
  while (true) {
    PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    Member m;
    m.organization_id = org;
    m.location_id = s.Text(0);
    m.individual = ReadIndividual(s, 1);
    members.push_back(std::move(m));
  }
  PORTICO_RETURN_IF_ERROR(FillRightsAndRoles(c, org, members));
  return members;
}

}  // namespace

const char* RoleName(ContactRole role) {
  switch (role) {
    case ContactRole::kPrimary:
      return "primary";
    case ContactRole::kBilling:
      return "billing";
    case ContactRole::kTechnical:
      return "technical";
    case ContactRole::kMarketing:
      return "marketing";
    case ContactRole::kSales:
      return "sales";
  }
  return "sales";
}

std::optional<ContactRole> ParseRole(std::string_view name) {
  for (ContactRole role : kAllRoles)
    if (name == RoleName(role)) return role;
  return std::nullopt;
}

// ---- individuals ----

StatusOr<Individual> SqliteMembersStore::FindIndividualBySubject(const std::string& subject) {
  std::optional<Individual> found;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare(std::string("SELECT ") + kIndividualColumns +
                                               " FROM individuals WHERE subject = ?"));
    s.Bind(1, subject);
    PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (row) found = ReadIndividual(s);
    return OkStatus();
  }));
  if (!found) return NotFoundError("no profile for this subject");
  return std::move(*found);
}

StatusOr<Individual> SqliteMembersStore::FindIndividual(const std::string& id) {
  std::optional<Individual> found;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare(std::string("SELECT ") + kIndividualColumns +
                                               " FROM individuals WHERE id = ?"));
    s.Bind(1, id);
    PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (row) found = ReadIndividual(s);
    return OkStatus();
  }));
  if (!found) return NotFoundError("no such individual");
  return std::move(*found);
}

Status SqliteMembersStore::RefreshFromNetwork(const Individual& i,
                                              const std::vector<AuditEntry>& audits) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("UPDATE individuals SET signin_email = ?, "
                                               "signin_email_verified = ?, network_name = ?, "
                                               "name = ?, updated_at = ? WHERE id = ?"));
    int64_t now = audits.empty() ? 0 : audits.front().at;
    s.Bind(1, i.signin_email).Bind(2, int64_t{i.signin_email_verified}).Bind(3, i.network_name);
    s.Bind(4, i.name).Bind(5, now).Bind(6, i.id);
    PORTICO_RETURN_IF_ERROR(s.Run());
    if (c.Changes() != 1) return NotFoundError("no such individual");
    for (const AuditEntry& a : audits) PORTICO_RETURN_IF_ERROR(WriteAudit(c, a));
    return OkStatus();
  });
}

Status SqliteMembersStore::CreateIndividual(const Individual& i, const AuditEntry& audit) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(
        auto s, c.Prepare(std::string("INSERT INTO individuals (") + kIndividualColumns +
                          ", updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)"));
    s.Bind(1, i.id).Bind(2, i.subject).Bind(3, i.name).Bind(4, i.job_title).Bind(5, i.phone);
    s.Bind(6, i.preferred_email).Bind(7, i.signin_email);
    s.Bind(8, int64_t{i.signin_email_verified}).Bind(9, i.created_at).Bind(10, i.network_name);
    s.Bind(11, i.created_at);
    PORTICO_RETURN_IF_ERROR(s.Run());
    return WriteAudit(c, audit);
  });
}

Status SqliteMembersStore::UpdateIndividual(const Individual& i,
                                            const std::vector<AuditEntry>& audits) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("UPDATE individuals SET name = ?, job_title = ?, "
                                               "phone = ?, preferred_email = ?, updated_at = ? "
                                               "WHERE id = ?"));
    int64_t now = audits.empty() ? 0 : audits.front().at;
    s.Bind(1, i.name).Bind(2, i.job_title).Bind(3, i.phone).Bind(4, i.preferred_email);
    s.Bind(5, now).Bind(6, i.id);
    PORTICO_RETURN_IF_ERROR(s.Run());
    if (c.Changes() != 1) return NotFoundError("no such individual");
    for (const AuditEntry& a : audits) PORTICO_RETURN_IF_ERROR(WriteAudit(c, a));
    return OkStatus();
  });
}

// ---- organizations and locations ----

Status SqliteMembersStore::Enroll(const Organization& o, const Location& hq,
                                  const std::string& founder, const AuditEntry& audit) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(
        auto s, c.Prepare(std::string("INSERT INTO organizations (") + kOrganizationColumns +
                          ", updated_at) VALUES (?,?,?,?,?,?,?)"));
    s.Bind(1, o.id).Bind(2, o.name).Bind(3, o.country).Bind(4, o.website);
    s.Bind(5, int64_t{o.company_email_required}).Bind(6, o.created_at).Bind(7, o.created_at);
    PORTICO_RETURN_IF_ERROR(s.Run());
    PORTICO_RETURN_IF_ERROR(InsertLocation(c, hq, o.created_at));
    PORTICO_RETURN_IF_ERROR(InsertMembership(c, o.id, founder, hq.id, o.created_at));
    Rights global;
    global.global = true;
    PORTICO_RETURN_IF_ERROR(InsertRights(c, o.id, founder, global, founder, o.created_at));
    PORTICO_RETURN_IF_ERROR(InsertRoles(c, o.id, founder, {ContactRole::kPrimary}, o.created_at));
    return WriteAudit(c, audit);
  });
}

StatusOr<Organization> SqliteMembersStore::FindOrganization(const std::string& id) {
  std::optional<Organization> found;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare(std::string("SELECT ") + kOrganizationColumns +
                                               " FROM organizations WHERE id = ?"));
    s.Bind(1, id);
    PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (row) found = ReadOrganization(s);
    return OkStatus();
  }));
  if (!found) return NotFoundError("no such organization");
  return std::move(*found);
}

Status SqliteMembersStore::UpdateOrganization(const Organization& o, const AuditEntry& audit) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("UPDATE organizations SET name = ?, country = ?, "
                                               "website = ?, company_email_required = ?, "
                                               "updated_at = ? WHERE id = ?"));
    s.Bind(1, o.name).Bind(2, o.country).Bind(3, o.website);
    s.Bind(4, int64_t{o.company_email_required}).Bind(5, audit.at).Bind(6, o.id);
    PORTICO_RETURN_IF_ERROR(s.Run());
    if (c.Changes() != 1) return NotFoundError("no such organization");
    return WriteAudit(c, audit);
  });
}

StatusOr<std::vector<Organization>> SqliteMembersStore::ListOrganizations() {
  std::vector<Organization> out;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    out.clear();
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare(std::string("SELECT ") + kOrganizationColumns +
                                               " FROM organizations ORDER BY name, id"));
    while (true) {
      PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      out.push_back(ReadOrganization(s));
    }
    return OkStatus();
  }));
  return out;
}

Status SqliteMembersStore::AddLocation(const Location& l, const AuditEntry& audit) {
  return db_.Write([&](Connection& c) {
    PORTICO_RETURN_IF_ERROR(InsertLocation(c, l, audit.at));
    return WriteAudit(c, audit);
  });
}

Status SqliteMembersStore::UpdateLocation(const Location& l, const AuditEntry& audit) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("UPDATE locations SET name = ?, street = ?, city "
                                               "= ?, region = ?, postal_code = ?, country = ?, "
                                               "updated_at = ? WHERE id = ? AND organization_id "
                                               "= ?"));
    s.Bind(1, l.name).Bind(2, l.street).Bind(3, l.city).Bind(4, l.region).Bind(5, l.postal_code);
    s.Bind(6, l.country).Bind(7, audit.at).Bind(8, l.id).Bind(9, l.organization_id);
    PORTICO_RETURN_IF_ERROR(s.Run());
    if (c.Changes() != 1) return NotFoundError("no such location");
    return WriteAudit(c, audit);
  });
}

StatusOr<Location> SqliteMembersStore::FindLocation(const std::string& org, const std::string& id) {
  std::optional<Location> found;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare(std::string("SELECT ") + kLocationColumns +
                                               " FROM locations WHERE organization_id = ? AND "
                                               "id = ?"));
    s.Bind(1, org).Bind(2, id);
    PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (row) found = ReadLocation(s);
    return OkStatus();
  }));
  if (!found) return NotFoundError("no such location in this organization");
  return std::move(*found);
}

StatusOr<std::vector<Location>> SqliteMembersStore::ListLocations(const std::string& org) {
  std::vector<Location> out;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    out.clear();
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare(std::string("SELECT ") + kLocationColumns +
                                               " FROM locations WHERE organization_id = ? ORDER "
                                               "BY headquarters DESC, name, id"));
    s.Bind(1, org);
    while (true) {
      PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      out.push_back(ReadLocation(s));
    }
    return OkStatus();
  }));
  return out;
}

// ---- membership, rights, roles ----

StatusOr<Member> SqliteMembersStore::FindMember(const std::string& org, const std::string& who) {
  std::vector<Member> found;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(found, QueryMembers(c, org, "", who));
    return OkStatus();
  }));
  if (found.empty()) return NotFoundError("not a member of this organization");
  return std::move(found[0]);
}

StatusOr<std::vector<Organization>> SqliteMembersStore::OrganizationsOf(const std::string& who) {
  std::vector<Organization> out;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    out.clear();
    PORTICO_ASSIGN_OR_RETURN(
        auto s, c.Prepare("SELECT o.id, o.name, o.country, o.website, o.company_email_required, "
                          "o.created_at FROM organizations o JOIN memberships m ON "
                          "m.organization_id = o.id WHERE m.individual_id = ? ORDER BY o.name"));
    s.Bind(1, who);
    while (true) {
      PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      out.push_back(ReadOrganization(s));
    }
    return OkStatus();
  }));
  return out;
}

StatusOr<std::vector<Member>> SqliteMembersStore::ListMembers(const std::string& org,
                                                              const std::string& location) {
  std::vector<Member> out;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(out, QueryMembers(c, org, location, ""));
    return OkStatus();
  }));
  return out;
}

Status SqliteMembersStore::AddMember(const Member& m, const AuditEntry& audit) {
  return db_.Write([&](Connection& c) {
    PORTICO_RETURN_IF_ERROR(
        InsertMembership(c, m.organization_id, m.individual.id, m.location_id, audit.at));
    PORTICO_RETURN_IF_ERROR(
        InsertRights(c, m.organization_id, m.individual.id, m.rights, audit.actor_id, audit.at));
    std::set<ContactRole> roles = m.roles;
    roles.erase(ContactRole::kPrimary);  // only a hand-over moves the primary role
    PORTICO_RETURN_IF_ERROR(InsertRoles(c, m.organization_id, m.individual.id, roles, audit.at));
    return WriteAudit(c, audit);
  });
}

Status SqliteMembersStore::SetRights(const std::string& org, const std::string& who,
                                     const Rights& rights, const std::string& granted_by,
                                     const AuditEntry& audit) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(bool member, IsMember(c, org, who));
    if (!member) return NotFoundError("not a member of this organization");
    PORTICO_ASSIGN_OR_RETURN(auto d, c.Prepare("DELETE FROM admin_rights WHERE organization_id = "
                                               "? AND individual_id = ?"));
    d.Bind(1, org).Bind(2, who);
    PORTICO_RETURN_IF_ERROR(d.Run());
    PORTICO_RETURN_IF_ERROR(InsertRights(c, org, who, rights, granted_by, audit.at));
    // Checked after the change, inside the transaction: two administrators removing each other
    // at once cannot both succeed.
    PORTICO_ASSIGN_OR_RETURN(int64_t globals, CountGlobals(c, org));
    if (globals == 0)
      return FailedPreconditionError("an organization keeps at least one Global Administrator");
    return WriteAudit(c, audit);
  });
}

Status SqliteMembersStore::SetRoles(const std::string& org, const std::string& who,
                                    const std::set<ContactRole>& roles, const AuditEntry& audit) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(bool member, IsMember(c, org, who));
    if (!member) return NotFoundError("not a member of this organization");
    PORTICO_ASSIGN_OR_RETURN(auto d, c.Prepare("DELETE FROM contact_roles WHERE organization_id = "
                                               "? AND individual_id = ? AND role != 'primary'"));
    d.Bind(1, org).Bind(2, who);
    PORTICO_RETURN_IF_ERROR(d.Run());
    std::set<ContactRole> others = roles;
    others.erase(ContactRole::kPrimary);
    PORTICO_RETURN_IF_ERROR(InsertRoles(c, org, who, others, audit.at));
    return WriteAudit(c, audit);
  });
}

Status SqliteMembersStore::HandOverPrimary(const std::string& org, const std::string& to,
                                           const AuditEntry& audit) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(bool member, IsMember(c, org, to));
    if (!member) return NotFoundError("not a member of this organization");
    // One UPDATE moves the role: the organization is never without its primary contact.
    PORTICO_ASSIGN_OR_RETURN(auto u, c.Prepare("UPDATE contact_roles SET individual_id = ? WHERE "
                                               "organization_id = ? AND role = 'primary'"));
    u.Bind(1, to).Bind(2, org);
    PORTICO_RETURN_IF_ERROR(u.Run());
    if (c.Changes() != 1) return FailedPreconditionError("the organization has no primary contact");
    return WriteAudit(c, audit);
  });
}

Status SqliteMembersStore::MoveMember(const std::string& org, const std::string& who,
                                      const std::string& location, const AuditEntry& audit) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto u, c.Prepare("UPDATE memberships SET location_id = ?1 WHERE "
                                               "organization_id = ?2 AND individual_id = ?3 AND "
                                               "EXISTS (SELECT 1 FROM locations WHERE id = ?1 "
                                               "AND organization_id = ?2)"));
    u.Bind(1, location).Bind(2, org).Bind(3, who);
    PORTICO_RETURN_IF_ERROR(u.Run());
    if (c.Changes() != 1) return NotFoundError("no such member or location");
    return WriteAudit(c, audit);
  });
}

Status SqliteMembersStore::RemoveMember(const std::string& org, const std::string& who,
                                        const AuditEntry& audit) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto p, c.Prepare("SELECT 1 FROM contact_roles WHERE "
                                               "organization_id = ? AND individual_id = ? AND "
                                               "role = 'primary'"));
    p.Bind(1, org).Bind(2, who);
    PORTICO_ASSIGN_OR_RETURN(bool primary, p.Step());
    if (primary)
      return FailedPreconditionError(
          "the Primary Program Contact cannot leave; hand the role over first");
    for (const char* sql : {"DELETE FROM admin_rights WHERE organization_id = ? AND "
                            "individual_id = ?",
                            "DELETE FROM contact_roles WHERE organization_id = ? AND "
                            "individual_id = ?",
                            "DELETE FROM memberships WHERE organization_id = ? AND "
                            "individual_id = ?"}) {
      PORTICO_ASSIGN_OR_RETURN(auto d, c.Prepare(sql));
      d.Bind(1, org).Bind(2, who);
      PORTICO_RETURN_IF_ERROR(d.Run());
      if (std::string_view(sql).find("memberships") != std::string_view::npos && c.Changes() != 1)
        return NotFoundError("not a member of this organization");
    }
    PORTICO_ASSIGN_OR_RETURN(int64_t globals, CountGlobals(c, org));
    if (globals == 0)
      return FailedPreconditionError("an organization keeps at least one Global Administrator");
    return WriteAudit(c, audit);
  });
}

StatusOr<std::vector<AuditEntry>> SqliteMembersStore::ListAudit(const std::string& org, int limit) {
  std::vector<AuditEntry> out;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    out.clear();
    PORTICO_ASSIGN_OR_RETURN(
        auto s, c.Prepare("SELECT id, organization_id, actor_id, action, subject_id, "
                          "before_json, after_json, at FROM audit_log WHERE organization_id = ? "
                          "ORDER BY id DESC LIMIT ?"));
    s.Bind(1, org).Bind(2, int64_t{limit});
    while (true) {
      PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      AuditEntry a;
      a.id = s.Int(0);
      a.organization_id = s.Text(1);
      a.actor_id = s.Text(2);
      a.action = s.Text(3);
      a.subject_id = s.Text(4);
      a.before_json = s.Text(5);
      a.after_json = s.Text(6);
      a.at = s.Int(7);
      out.push_back(std::move(a));
    }
    return OkStatus();
  }));
  return out;
}

}  // namespace portico::members
