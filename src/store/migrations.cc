#include "store/migrations.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "core/clock.h"
#include "core/log.h"

namespace portico::store {

StatusOr<std::vector<Migration>> MigrationsFromFiles(
    const std::vector<std::pair<std::string_view, std::string_view>>& files) {
  std::vector<Migration> out;
  std::set<int> seen;
  for (const auto& [name, sql] : files) {
    size_t digits = 0;
    while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9') ++digits;
    if (digits == 0 || digits > 6)
      return InvalidArgumentError("migration without a number: " + std::string(name));
    int version = std::stoi(std::string(name.substr(0, digits)));
    if (!seen.insert(version).second)
      return InvalidArgumentError("repeated migration number: " + std::string(name));
    out.push_back({version, std::string(name), sql});
  }
  std::sort(out.begin(), out.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  return out;
}

StatusOr<int> ApplyMigrations(sqlite::Database& db, const std::vector<Migration>& migrations) {
  PORTICO_RETURN_IF_ERROR(db.Write([](sqlite::Connection& c) {
    return c.Exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
        "NULL, "
        "applied_at INTEGER NOT NULL) STRICT");
  }));
  std::set<int> applied;
  PORTICO_RETURN_IF_ERROR(db.Read([&](sqlite::Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto stmt, c.Prepare("SELECT version FROM schema_migrations"));
    for (;;) {
      PORTICO_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      applied.insert(static_cast<int>(stmt.Int(0)));
    }
    return OkStatus();
  }));
  int newest_known = migrations.empty() ? 0 : migrations.back().version;
  if (!applied.empty() && *applied.rbegin() > newest_known) {
    return FailedPreconditionError(
        "the database has schema version " + std::to_string(*applied.rbegin()) +
        ", newer than this program knows (" + std::to_string(newest_known) + ")");
  }
  int count = 0;
  for (const Migration& m : migrations) {
    if (applied.count(m.version)) continue;
    Status s = db.Write([&](sqlite::Connection& c) {
      PORTICO_RETURN_IF_ERROR(c.Exec(std::string(m.sql)));
      PORTICO_ASSIGN_OR_RETURN(
          auto stmt,
          c.Prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"));
      stmt.Bind(1, static_cast<int64_t>(m.version))
          .Bind(2, m.name)
          .Bind(3, SystemClock::Get().NowSeconds());
      return stmt.Run();
    });
    if (!s.ok()) return Status(s.code(), "migration " + m.name + ": " + s.message());
    log::Info("migration_applied", {{"name", m.name}});
    ++count;
  }
  return count;
}

StatusOr<std::unique_ptr<sqlite::Database>> OpenMigrated(
    const std::string& path,
    const std::vector<std::pair<std::string_view, std::string_view>>& files) {
  std::filesystem::path folder = std::filesystem::path(path).parent_path();
  if (!folder.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec) return UnavailableError("cannot create " + folder.string() + ": " + ec.message());
  }
  std::vector<std::pair<std::string_view, std::string_view>> sql;
  for (const auto& file : files) {
    if (file.first.size() > 4 && file.first.substr(file.first.size() - 4) == ".sql")
      sql.push_back(file);
  }
  PORTICO_ASSIGN_OR_RETURN(auto migrations, MigrationsFromFiles(sql));
  PORTICO_ASSIGN_OR_RETURN(auto db, sqlite::Database::Open(path));
  PORTICO_RETURN_IF_ERROR(ApplyMigrations(*db, migrations).status());
  return db;
}

}  // namespace portico::store
