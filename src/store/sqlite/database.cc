#include "store/sqlite/database.h"

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <thread>

#include "core/log.h"

namespace portico::store::sqlite {

Status StatusFromSqlite(int code, std::string_view context, sqlite3* db) {
  int primary = code & 0xff;
  if (primary == SQLITE_OK || primary == SQLITE_ROW || primary == SQLITE_DONE) return OkStatus();
  std::string message(context);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return UnavailableError(message);
  if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return AlreadyExistsError(message);
  }
  return InternalError(message);
}

// ---- Statement ----

Statement::~Statement() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Statement& Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Statement& Statement::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}
Statement& Statement::BindOptional(int index, const std::optional<int64_t>& value) {
  return value ? Bind(index, *value) : BindNull(index);
}

StatusOr<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return StatusFromSqlite(sqlite3_extended_errcode(sqlite3_db_handle(stmt_)), "step",
                          sqlite3_db_handle(stmt_));
}

Status Statement::Run() {
  for (;;) {
    auto row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return OkStatus();
  }
}

std::string Statement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}
int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }
std::string Statement::Blob(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  if (data == nullptr) return {};
  return std::string(static_cast<const char*>(data),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}
bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}
std::optional<int64_t> Statement::OptionalInt(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int(column);
}

// ---- Connection ----

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

StatusOr<Statement> Connection::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return Statement(it->second);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return StatusFromSqlite(rc, "prepare", db_);
  cache_.emplace(sql, stmt);
  return Statement(stmt);
}

Status Connection::Exec(const std::string& sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    Status s = StatusFromSqlite(sqlite3_extended_errcode(db_), "exec", db_);
    sqlite3_free(error);
    return s;
  }
  return OkStatus();
}

Status Connection::Run(const std::string& sql) {
  PORTICO_ASSIGN_OR_RETURN(Statement statement, Prepare(sql));
  return statement.Run();
}

int Connection::Changes() const { return sqlite3_changes(db_); }

// ---- Database ----

namespace {

// SQLite keeps memory statistics by default, and counts every allocation under one
// process-wide mutex: with several connections at work at once (the read pool), threads queue
// on it and sleep. Nothing here reads those statistics. The setting is only accepted before
// SQLite initialises itself, so it is made before the first connection opens; if something
// else in the process initialised SQLite first, it is refused and only costs that mutex.
void DisableMemoryStatistics() {
  static std::once_flag once;
  std::call_once(once, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

StatusOr<sqlite3*> OpenHandle(const std::string& path, bool read_only, int busy_timeout_ms) {
  DisableMemoryStatistics();
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX |
              (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message =
        "cannot open database " + path + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    return UnavailableError(message);
  }
  sqlite3_busy_timeout(db, busy_timeout_ms);
  // No memory map: the file grows with nearly every commit, and a mapped connection then
  // unmaps and maps it again, which costs a TLB shootdown on every core. The page cache and
  // pread(2) are cheaper for this workload (bench/oidc.sh).
  sqlite3_exec(db, "PRAGMA mmap_size=0", nullptr, nullptr, nullptr);
  sqlite3_extended_result_codes(db, 1);
  return db;
}

}  // namespace

StatusOr<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                   DatabaseOptions options) {
  if (path.empty() || path.front() == ':')
    return InvalidArgumentError("database path must name a file");
  std::unique_ptr<Database> database(new Database());
  database->path_ = path;
  database->options_ = options;
  PORTICO_ASSIGN_OR_RETURN(sqlite3 * writer, OpenHandle(path, false, options.busy_timeout_ms));
  database->writer_.reset(new Connection(writer));
  // WAL lets readers proceed during a write; FULL syncs the WAL on every commit (durable).
  PORTICO_RETURN_IF_ERROR(database->writer_->Exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"));
  if (options.checkpoint_pages > 0) {
    PORTICO_ASSIGN_OR_RETURN(sqlite3 * checkpointer,
                             OpenHandle(path, false, options.busy_timeout_ms));
    database->checkpointer_.reset(new Connection(checkpointer));
    // A connection opens the WAL at its first read; until then its checkpoints do nothing.
    PORTICO_RETURN_IF_ERROR(database->checkpointer_->Exec("PRAGMA schema_version"));
    // Replaces SQLite's own hook, which checkpoints on the committing thread.
    sqlite3_wal_hook(writer, &Database::OnWalCommit, database.get());
    database->checkpoint_thread_ = std::thread([db = database.get()] { db->CheckpointLoop(); });
  }
  return database;
}

Database::~Database() {
  if (!checkpoint_thread_.joinable()) return;
  {
    std::lock_guard lock(checkpoint_mutex_);
    stopping_ = true;
  }
  checkpoint_wanted_.notify_one();
  checkpoint_thread_.join();
}

int64_t Database::background_checkpoints() {
  std::lock_guard lock(checkpoint_mutex_);
  return background_checkpoints_;
}

int Database::OnWalCommit(void* self, sqlite3* db, const char* schema, int pages) {
  auto* database = static_cast<Database*>(self);
  const int step = database->options_.checkpoint_pages;
  if (pages < database->last_wake_pages_) database->last_wake_pages_ = 0;  // the WAL restarted
  if (pages / step > database->last_wake_pages_ / step) {
    database->last_wake_pages_ = pages;
    {
      std::lock_guard lock(database->checkpoint_mutex_);
      database->checkpoint_requested_ = true;
    }
    database->checkpoint_wanted_.notify_one();
  }
  // The backstop. A write starts the WAL over only when it begins after a checkpoint copied
  // all of it, which a background checkpoint racing steady writes may never do. This one runs
  // while the write queue waits, so it copies the rest (little: the background did the bulk)
  // and the next write starts the WAL over. It waits for a background pass in progress, which
  // would otherwise make it SQLITE_BUSY as often as the background runs.
  if (pages >= 4 * step) {
    std::lock_guard running(database->checkpoint_running_);
    (void)sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }
  return SQLITE_OK;
}

void Database::CheckpointLoop() {
  std::unique_lock lock(checkpoint_mutex_);
  for (;;) {
    checkpoint_wanted_.wait(lock, [&] { return checkpoint_requested_ || stopping_; });
    if (stopping_) return;
    checkpoint_requested_ = false;
    lock.unlock();
    // PASSIVE waits for nobody: it copies the frames no reader still needs, then syncs.
    int wal_pages = -1;
    int copied_pages = -1;
    int rc;
    {
      std::lock_guard running(checkpoint_running_);
      rc = sqlite3_wal_checkpoint_v2(checkpointer_->db_, nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                     &wal_pages, &copied_pages);
    }
    if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY) {
      log::Warn("database_checkpoint_failed", {{"path", path_}, {"error", sqlite3_errstr(rc)}});
    }
    lock.lock();
    if (rc == SQLITE_OK && copied_pages > 0) ++background_checkpoints_;
  }
}

std::unique_ptr<Connection> Database::AcquireReader() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      auto c = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return c;
    }
  }
  auto handle = OpenHandle(path_, true, options_.busy_timeout_ms);
  if (!handle.ok()) return nullptr;
  return std::unique_ptr<Connection>(new Connection(*handle));
}

void Database::ReleaseReader(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(readers_mutex_);
  if (static_cast<int>(idle_readers_.size()) < options_.read_connections) {
    idle_readers_.push_back(std::move(connection));
  }
}

namespace {
// Set while this thread runs a group's works: a Write from inside a work would wait for its own
// group forever, so it is refused instead.
thread_local bool running_writes = false;
}  // namespace

Status Database::Write(const std::function<Status(Connection&)>& work, Durability durability) {
  if (running_writes) {
    log::Error("nested_database_write", {{"path", path_}});
    return InternalError("a database write was started inside another");
  }
  PendingWrite me{&work, durability, OkStatus(), false};
  std::unique_lock lock(queue_mutex_);
  queue_.push_back(&me);
  // Wait until a leader has run this write, or until it is at the front and so leads itself.
  queue_changed_.wait(lock, [&] { return me.done || queue_.front() == &me; });
  if (me.done) return me.result;
  std::vector<PendingWrite*> group;
  for (PendingWrite* w : queue_) {
    if (group.size() == kMaxGroup) break;
    group.push_back(w);
  }
  // The queue's front stays this write while the group runs: later arrivals only queue up.
  lock.unlock();
  try {
    RunGroup(group);
  } catch (...) {  // out of memory inside SQLite's wrapper: answer everyone, never hang them
    for (PendingWrite* w : group) w->result = InternalError("the write failed");
    try {
      (void)writer_->Run("ROLLBACK");
    } catch (...) {
    }
  }
  lock.lock();
  for (PendingWrite* w : group) {
    queue_.pop_front();
    w->done = true;
  }
  queue_changed_.notify_all();
  return me.result;
}

Status Database::RunWork(PendingWrite& w) {
  // The works of a group run on the leader's thread, and one work's exception must not leave
  // the others (or the queue) waiting: it becomes this write's error and is rolled back.
  running_writes = true;
  Status result;
  try {
    result = (*w.work)(*writer_);
  } catch (const std::exception& e) {
    log::Error("database_write_threw", {{"path", path_}, {"what", e.what()}});
    result = InternalError("the write failed");
  } catch (...) {
    log::Error("database_write_threw", {{"path", path_}});
    result = InternalError("the write failed");
  }
  running_writes = false;
  return result;
}

void Database::SetSyncLevel(Durability durability) {
  if (durability == writer_sync_) return;
  // synchronous is per connection and cannot change inside a transaction.
  Status s = writer_->Run(durability == Durability::kRelaxed ? "PRAGMA synchronous=NORMAL"
                                                             : "PRAGMA synchronous=FULL");
  if (s.ok()) writer_sync_ = durability;
}

void Database::RunGroup(const std::vector<PendingWrite*>& group) {
  bool full = false;
  for (PendingWrite* w : group) full = full || w->durability == Durability::kFull;
  SetSyncLevel(full ? Durability::kFull : Durability::kRelaxed);
  // If FULL cannot be set, the group fails rather than commit with less durability than asked.
  if (full && writer_sync_ != Durability::kFull) {
    for (PendingWrite* w : group) w->result = UnavailableError("cannot set synchronous=FULL");
    return;
  }
  const bool savepoints = group.size() > 1;
  Status last;
  for (int attempt = 0; attempt <= options_.max_busy_retries; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt));
    last = writer_->Run("BEGIN IMMEDIATE");
    if (last.code() == StatusCode::kUnavailable) continue;
    if (!last.ok()) break;
    bool retry = false;
    for (PendingWrite* w : group) {
      if (savepoints && !(last = writer_->Run("SAVEPOINT portico_write")).ok()) break;
      w->result = RunWork(*w);
      if (w->result.code() == StatusCode::kUnavailable) {
        retry = true;  // busy inside the work: the whole group runs again
        break;
      }
      if (!w->result.ok() && savepoints) last = writer_->Run("ROLLBACK TO portico_write");
      if (savepoints && last.ok()) last = writer_->Run("RELEASE portico_write");
      if (!last.ok()) break;
    }
    if (retry || !last.ok()) {
      (void)writer_->Run("ROLLBACK");
      if (retry) {
        last = UnavailableError("database busy");
        continue;
      }
      break;
    }
    if (!savepoints && !group.front()->result.ok()) {
      (void)writer_->Run("ROLLBACK");
      return;  // the one write failed and its result says why
    }
    last = writer_->Run("COMMIT");
    if (last.ok()) return;  // each write's own result stands
    (void)writer_->Run("ROLLBACK");
    if (last.code() != StatusCode::kUnavailable) break;
  }
  if (last.code() == StatusCode::kUnavailable) log::Warn("database_busy", {{"path", path_}});
  for (PendingWrite* w : group) w->result = last;
}

Status Database::Read(const std::function<Status(Connection&)>& work) {
  auto connection = AcquireReader();
  if (!connection) return UnavailableError("cannot open a read connection to " + path_);
  Status result;
  for (int attempt = 0; attempt <= options_.max_busy_retries; ++attempt) {
    result = connection->Run("BEGIN");
    if (result.ok()) {
      result = work(*connection);
      (void)connection->Run("COMMIT");
    }
    if (result.code() != StatusCode::kUnavailable) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5 * (attempt + 1)));
  }
  ReleaseReader(std::move(connection));
  return result;
}

}  // namespace portico::store::sqlite
