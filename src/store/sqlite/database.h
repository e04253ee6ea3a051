// SQLite access for every Portico store: connections, prepared statements and transactions.
//
// Durability (SECURITY.md promise 1): the file runs in WAL mode with synchronous=FULL, so a
// transaction that Write() reports committed survives kill -9 and power loss. Writes go through
// one connection guarded by a mutex (SQLite has one writer at a time anyway), each in
// BEGIN IMMEDIATE so a read-then-write never deadlocks; SQLITE_BUSY from another process (the
// CLI) is waited out with busy_timeout and retried, never reported as an internal error.
// Reads use a small pool of read-only connections and see the last committed state.
//
// Thread safety: Database is thread-safe; a Connection is used by one thread at a time, only
// inside the callback that received it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace portico::store::sqlite {

// A prepared statement borrowed from its connection's cache; reset when it goes out of scope.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binders take 1-based parameter indexes, as SQLite does.
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, int64_t value);
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);
  Statement& BindOptional(int index, const std::optional<int64_t>& value);

  // Advances: true with a row, false when done. Errors map as in Database (busy → kUnavailable,
  // unique constraint → kAlreadyExists, anything else → kInternal).
  StatusOr<bool> Step();
  // Steps to completion (for INSERT/UPDATE/DELETE).
  Status Run();

  // Column accessors take 0-based indexes.
  std::string Text(int column) const;
  int64_t Int(int column) const;
  std::string Blob(int column) const;
  bool IsNull(int column) const;
  std::optional<int64_t> OptionalInt(int column) const;

 private:
  sqlite3_stmt* stmt_;
};

class Connection {
 public:
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // A cached prepared statement for `sql`. Errors: kInternal with SQLite's message.
  StatusOr<Statement> Prepare(const std::string& sql);
  // Runs one or more statements without results (DDL, PRAGMA, BEGIN/COMMIT).
  Status Exec(const std::string& sql);
  // Runs one statement without results through the statement cache (BEGIN, COMMIT, PRAGMA):
  // cheaper than Exec, which parses its text every time.
  Status Run(const std::string& sql);
  // Rows changed by the last INSERT/UPDATE/DELETE on this connection.
  int Changes() const;

 private:
  friend class Database;
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// How hard a write holds on. kFull (synchronous=FULL) syncs the WAL at every commit: what a
// person confirmed survives power loss (SECURITY.md promise 1). kRelaxed (synchronous=NORMAL)
// survives a crash of the process (kill -9) but may lose the last commits on power loss; for
// short-lived protocol artefacts that a retry recreates (authorization codes, token rotation).
// Both are equally atomic and isolated: single use holds either way.
enum class Durability { kFull, kRelaxed };

struct DatabaseOptions {
  int read_connections = 4;
  int busy_timeout_ms = 5000;
  int max_busy_retries = 20;
};

class Database {
 public:
  // Opens (creating) the file at `path`; ":memory:"-style paths are refused because the read
  // pool must see the writer's data (use a temporary file in tests).
  // Errors: kUnavailable when the file cannot be opened.
  static StatusOr<std::unique_ptr<Database>> Open(const std::string& path,
                                                  DatabaseOptions options = {});
  ~Database();

  // Runs `work` inside BEGIN IMMEDIATE … COMMIT on the writer connection. Commits only when
  // `work` returns OK and answers only after COMMIT returned (so OK means durable); rolls back
  // otherwise and returns `work`'s error. A busy database is retried, re-running `work`, so
  // `work` must not have side effects outside the database, must not depend on the calling
  // thread (it may run on another caller's), and must not call Write itself (kInternal). An
  // exception thrown by `work` is its write's kInternal error.
  //
  // Group commit: writes that arrive while another is running wait in a queue, and the first
  // of them then runs up to kMaxGroup of them in one transaction, each inside its own SAVEPOINT
  // (a failing `work` is rolled back to it alone), with one COMMIT for all. The result is the
  // same as running them one after the other; the group commits FULL if any of its writes asks
  // for it. See docs/design/0013-group-commit.md.
  Status Write(const std::function<Status(Connection&)>& work,
               Durability durability = Durability::kFull);

  // Runs `work` on a read connection inside a read transaction (one consistent snapshot).
  Status Read(const std::function<Status(Connection&)>& work);

  const std::string& path() const { return path_; }

 private:
  Database() = default;
  std::unique_ptr<Connection> AcquireReader();
  void ReleaseReader(std::unique_ptr<Connection> connection);

  // One caller of Write, waiting in the queue.
  struct PendingWrite {
    const std::function<Status(Connection&)>* work;
    Durability durability;
    Status result;
    bool done = false;
  };
  static constexpr size_t kMaxGroup = 64;
  // Runs `group` as one transaction on the writer (the caller is the queue's leader).
  void RunGroup(const std::vector<PendingWrite*>& group);
  // Runs one write's work; an exception becomes kInternal.
  Status RunWork(PendingWrite& w);
  // Sets synchronous=FULL or NORMAL on the writer unless it is set so already.
  void SetSyncLevel(Durability durability);

  std::string path_;
  DatabaseOptions options_;
  std::mutex queue_mutex_;
  std::condition_variable queue_changed_;
  std::deque<PendingWrite*> queue_;
  std::unique_ptr<Connection> writer_;  // used by the queue's leader only
  Durability writer_sync_ = Durability::kFull;
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;
};

// Maps a SQLite result code to a Status (kOk for SQLITE_OK/ROW/DONE).
Status StatusFromSqlite(int code, std::string_view context, sqlite3* db);

}  // namespace portico::store::sqlite
