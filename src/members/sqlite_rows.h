// Row writers shared by the two files of SqliteMembersStore (sqlite_members_store.cc and
// sqlite_joining.cc), for use inside one write transaction.
#pragma once

#include <set>
#include <string>

#include "members/model.h"
#include "store/sqlite/database.h"

namespace portico::members::rows {

Status WriteAudit(store::sqlite::Connection& c, const AuditEntry& entry);
// Errors: kAlreadyExists when `who` is already a member.
Status InsertMembership(store::sqlite::Connection& c, const std::string& organization_id,
                        const std::string& who, const std::string& location_id, int64_t now);
Status InsertRights(store::sqlite::Connection& c, const std::string& organization_id,
                    const std::string& who, const Rights& rights, const std::string& granted_by,
                    int64_t now);
Status InsertRoles(store::sqlite::Connection& c, const std::string& organization_id,
                   const std::string& who, const std::set<ContactRole>& roles, int64_t now);

}  // namespace portico::members::rows
