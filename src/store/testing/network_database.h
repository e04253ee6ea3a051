// For tests: a fresh SQLite file in a temporary directory with one program's migrations from
// the source tree (db/<program>/sqlite: "network" or "members"), removed again when the object
// goes. Header-only; needs PORTICO_SOURCE_DIR, which portico_test defines.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "store/migrations.h"
#include "store/sqlite/database.h"

namespace portico::store::testing {

class MigratedDatabase {
 public:
  explicit MigratedDatabase(const std::string& program) {
    std::string tmpl = ::testing::TempDir() + "portico-db-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    dir_ = tmpl;
    std::vector<std::pair<std::string, std::string>> texts;
    for (const auto& entry : std::filesystem::directory_iterator(
             std::filesystem::path(PORTICO_SOURCE_DIR) / "db" / program / "sqlite")) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      texts.emplace_back(entry.path().filename().string(), text.str());
    }
    std::vector<std::pair<std::string_view, std::string_view>> files(texts.begin(), texts.end());
    auto db = OpenMigrated((dir_ / (program + ".db")).string(), files);
    if (!db.ok()) {
      ADD_FAILURE() << db.status().ToString();
      return;
    }
    db_ = std::move(*db);
  }
  ~MigratedDatabase() {
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  sqlite::Database& db() { return *db_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<sqlite::Database> db_;
};

// The Network's schema.
class NetworkDatabase : public MigratedDatabase {
 public:
  NetworkDatabase() : MigratedDatabase("network") {}
};

}  // namespace portico::store::testing
