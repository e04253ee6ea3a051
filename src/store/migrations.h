// Versioned schema migrations, applied in order at start-up.
//
// A migration is a numbered SQL script (db/<program>/<dialect>/NNNN_name.sql) embedded in the
// binary. Applied versions are recorded in schema_migrations; each migration runs in its own
// transaction, so a crash leaves the schema at the last whole step. A database newer than the
// binary (an unknown applied version) is refused rather than guessed at.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/sqlite/database.h"

namespace portico::store {

struct Migration {
  int version;
  std::string name;
  std::string_view sql;
};

// Builds the migration list from embedded files named "NNNN_name.sql".
// Errors: kInvalidArgument for a name without a number or a repeated number.
StatusOr<std::vector<Migration>> MigrationsFromFiles(
    const std::vector<std::pair<std::string_view, std::string_view>>& files);

// Applies every migration newer than the database's version. Returns how many were applied.
// Errors: kFailedPrecondition when the database has a version this binary does not know.
StatusOr<int> ApplyMigrations(sqlite::Database& db, const std::vector<Migration>& migrations);

// Opens (creating it and its folder) the database at `path` and applies the migrations among
// `files`: the entries whose name ends in ".sql" (a program's other embedded files are skipped).
// What every program does at start. Errors: those of Open, MigrationsFromFiles and
// ApplyMigrations, and kUnavailable when the folder cannot be created.
StatusOr<std::unique_ptr<sqlite::Database>> OpenMigrated(
    const std::string& path,
    const std::vector<std::pair<std::string_view, std::string_view>>& files);

}  // namespace portico::store
