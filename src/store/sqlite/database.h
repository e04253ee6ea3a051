// SQLite access for every Portico store: connections, prepared statements and transactions.
//
// Durability (SECURITY.md promise 1): the file runs in WAL mode with synchronous=FULL, so a
// transaction that Write() reports committed survives kill -9 and power loss. Writes go through
// one connection guarded by a mutex (SQLite has one writer at a time anyway), each in
// BEGIN IMMEDIATE so a read-then-write never deadlocks; SQLITE_BUSY from another process (the
// CLI) is waited out with busy_timeout and retried, never reported as an internal error.
// Reads use a small pool of read-only connections and see the last committed state.
//
// Checkpoints (copying the WAL back into the database file, with its fsyncs) run on a thread of
// their own with a connection of their own, so that the write queue does not wait for the disk;
// the writer checkpoints itself only as a backstop, when the WAL has grown to four times the
// background's threshold (docs/design/0016-background-checkpoints.md).
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
#include <thread>
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
  // The background thread checkpoints each time the WAL has grown by this many pages (4 MiB
  // of 4 KiB pages); the writer itself checkpoints once the WAL holds four times as many. 0
  // turns the background thread off, and SQLite's own checkpoint (on the writer, after 1,000
  // pages) runs instead.
  int checkpoint_pages = 1000;
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

  // Checkpoints the background thread has run that found WAL pages copied into the database
  // (for tests and diagnostics).
  int64_t background_checkpoints();

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
  // The writer's WAL hook, called after each commit with the WAL's size in pages (on the
  // thread that leads the write queue): wakes the background checkpointer each time the WAL
  // reaches another multiple of checkpoint_pages, and checkpoints on the writer past the
  // backstop.
  static int OnWalCommit(void* self, sqlite3* db, const char* schema, int pages);
  // The background checkpointer: one PASSIVE checkpoint per wake-up, until the destructor.
  void CheckpointLoop();

  std::string path_;
  DatabaseOptions options_;
  std::mutex queue_mutex_;
  std::condition_variable queue_changed_;
  std::deque<PendingWrite*> queue_;
  std::unique_ptr<Connection> writer_;  // used by the queue's leader only
  Durability writer_sync_ = Durability::kFull;
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;

  // The background checkpointer and its wake-ups.
  std::unique_ptr<Connection> checkpointer_;  // used by checkpoint_thread_ only
  std::mutex checkpoint_running_;             // held by whoever checkpoints: background or backstop
  std::mutex checkpoint_mutex_;               // guards the fields below
  std::condition_variable checkpoint_wanted_;
  bool checkpoint_requested_ = false;
  bool stopping_ = false;
  int64_t background_checkpoints_ = 0;
  int last_wake_pages_ = 0;  // the WAL's size at the last wake-up; the writer's hook only
  std::thread checkpoint_thread_;
};

// Maps a SQLite result code to a Status (kOk for SQLITE_OK/ROW/DONE).
Status StatusFromSqlite(int code, std::string_view context, sqlite3* db);

}  // namespace portico::store::sqlite
