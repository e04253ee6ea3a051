// The IdentityStore contract: every implementation must pass this suite.
//
// The suite is value-parameterized over a factory, so a backend is added by adding a factory
// to the INSTANTIATE_TEST_SUITE_P list at the bottom (a PostgreSQL factory would create a fresh
// schema on the server named by an environment variable, and skip when there is none).
// SQLite runs always, on a fresh temporary file with the Network's migrations applied, read
// from db/network/sqlite/ in the source tree.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <latch>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "identity/identity_store.h"
#include "identity/sqlite_identity_store.h"
#include "store/migrations.h"
#include "store/sqlite/database.h"

namespace portico::identity {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// ---- backends ----

// Owns one backend instance and everything it needs; destroyed after each test.
class StoreHarness {
 public:
  virtual ~StoreHarness() = default;
  virtual IdentityStore& store() = 0;
};

struct StoreFactory {
  std::string name;
  std::function<std::unique_ptr<StoreHarness>()> make;
};

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A fresh temporary directory, removed with its contents on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "portico-store-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The Network's SQLite migrations from the source tree, as the app embeds them.
class NetworkMigrations {
 public:
  NetworkMigrations() {
    std::filesystem::path dir =
        std::filesystem::path(PORTICO_SOURCE_DIR) / "db" / "network" / "sqlite";
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() == ".sql") {
        files_.emplace_back(entry.path().filename().string(), ReadFile(entry.path()));
      }
    }
  }
  std::vector<std::pair<std::string_view, std::string_view>> files() const {
    std::vector<std::pair<std::string_view, std::string_view>> out;
    for (const auto& [name, sql] : files_) out.emplace_back(name, sql);
    return out;
  }

 private:
  std::vector<std::pair<std::string, std::string>> files_;
};

const NetworkMigrations& Migrations() {
  static const NetworkMigrations migrations;
  return migrations;
}

// Opens a database in `dir` with the Network's schema.
std::unique_ptr<store::sqlite::Database> OpenMigratedDatabase(const std::filesystem::path& file) {
  auto db = store::sqlite::Database::Open(file.string());
  if (!db.ok()) {
    ADD_FAILURE() << db.status().ToString();
    return nullptr;
  }
  auto migrations = store::MigrationsFromFiles(Migrations().files());
  if (!migrations.ok()) {
    ADD_FAILURE() << migrations.status().ToString();
    return nullptr;
  }
  if (migrations->empty()) ADD_FAILURE() << "no migrations found under db/network/sqlite";
  auto applied = store::ApplyMigrations(**db, *migrations);
  if (!applied.ok()) {
    ADD_FAILURE() << applied.status().ToString();
    return nullptr;
  }
  return std::move(*db);
}

class SqliteHarness final : public StoreHarness {
 public:
  SqliteHarness() : db_(OpenMigratedDatabase(dir_.path() / "network.db")) {
    if (db_) store_ = std::make_unique<SqliteIdentityStore>(*db_);
  }
  IdentityStore& store() override { return *store_; }
  bool ready() const { return store_ != nullptr; }

 private:
  TempDir dir_;
  std::unique_ptr<store::sqlite::Database> db_;
  std::unique_ptr<SqliteIdentityStore> store_;
};

// ---- helpers ----

constexpr int64_t kNow = 1'700'000'000;

NewAccount MakeAccount(const std::string& id, const std::string& email, int64_t now = kNow) {
  NewAccount a;
  a.id = id;
  a.email = email;
  std::string key = email;
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  a.email_key = key;
  a.profile.given_name = "Ada";
  a.profile.family_name = "Lovelace";
  a.profile.display_name = "Ada Lovelace";
  a.password_hash = "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";
  a.now = now;
  return a;
}

// A token hash with NUL and high bytes, as SHA-256 output has.
std::string TokenHash(char tag) {
  std::string hash(32, '\0');
  for (size_t i = 0; i < hash.size(); ++i)
    hash[i] = static_cast<char>((i * 37 + 0x80 + tag) & 0xFF);
  hash[3] = '\0';
  hash[0] = tag;
  return hash;
}

Session MakeSession(char tag, const std::string& account_id, int64_t now = kNow) {
  Session s;
  s.token_hash = TokenHash(tag);
  s.public_id = std::string("pub_") + tag;
  s.account_id = account_id;
  s.created_at = now;
  s.authenticated_at = now;
  s.last_seen_at = now;
  s.idle_timeout = 1800;
  s.expires_at = now + 43200;
  s.remember = false;
  s.user_agent = "Mozilla/5.0 (X11; Linux x86_64) caf\xC3\xA9";
  s.ip = "192.0.2.1";
  return s;
}

std::vector<std::string> Ids(const std::vector<Account>& accounts) {
  std::vector<std::string> ids;
  for (const auto& a : accounts) ids.push_back(a.id);
  return ids;
}

std::vector<std::string> PublicIds(const std::vector<Session>& sessions) {
  std::vector<std::string> ids;
  for (const auto& s : sessions) ids.push_back(s.public_id);
  return ids;
}

class IdentityStoreContractTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    harness_ = GetParam().make();
    ASSERT_NE(harness_, nullptr);
    store_ = &harness_->store();
  }

  Account Create(const std::string& id, const std::string& email, int64_t now = kNow) {
    auto created = store_->CreateAccount(MakeAccount(id, email, now));
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? *created : Account{};
  }

  void Insert(const Session& s, const std::string& subject = "account:unused") {
    Status st = store_->CompleteSignIn(s, subject);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  bool SessionExists(const Session& s) {
    auto found = store_->FindSession(s.token_hash);
    if (!found.ok()) {
      EXPECT_EQ(found.status().code(), StatusCode::kNotFound) << found.status().ToString();
    }
    return found.ok();
  }

  AttemptDecision Attempt(const std::string& subject, int64_t now, const ThrottlePolicy& policy) {
    auto d = store_->BeginSignInAttempt(subject, now, policy);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? *d : AttemptDecision{AttemptVerdict::kLocked, -1, -1};
  }

  std::unique_ptr<StoreHarness> harness_;
  IdentityStore* store_ = nullptr;
};

// ---- accounts ----

TEST_P(IdentityStoreContractTest, CreateAccountThenFindsByIdAndEmailKey) {
  NewAccount n = MakeAccount("acc_one", "Ada@Example.com");
  n.profile.street = "12 St James's Square";
  n.profile.city = "London";
  n.profile.country = "GB";
  n.profile.language = "en";
  auto created = store_->CreateAccount(n);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->id, "acc_one");

  for (auto found :
       {store_->FindAccountById("acc_one"), store_->FindAccountByEmailKey("ada@example.com")}) {
    ASSERT_TRUE(found.ok()) << found.status().ToString();
    EXPECT_EQ(found->id, "acc_one");
    EXPECT_EQ(found->email, "Ada@Example.com");  // as typed
    EXPECT_FALSE(found->email_verified);
    EXPECT_EQ(found->profile.given_name, "Ada");
    EXPECT_EQ(found->profile.family_name, "Lovelace");
    EXPECT_EQ(found->profile.display_name, "Ada Lovelace");
    EXPECT_EQ(found->profile.street, "12 St James's Square");
    EXPECT_EQ(found->profile.city, "London");
    EXPECT_EQ(found->profile.country, "GB");
    EXPECT_EQ(found->profile.language, "en");
    EXPECT_EQ(found->password_hash, n.password_hash);
    EXPECT_EQ(found->created_at, kNow);
    EXPECT_EQ(found->disabled_at, std::nullopt);
  }
}

TEST_P(IdentityStoreContractTest, FindAccountReportsNotFound) {
  Create("acc_one", "ada@example.com");
  auto by_id = store_->FindAccountById("acc_missing");
  ASSERT_FALSE(by_id.ok());
  EXPECT_EQ(by_id.status().code(), StatusCode::kNotFound);
  auto by_key = store_->FindAccountByEmailKey("bob@example.com");
  ASSERT_FALSE(by_key.ok());
  EXPECT_EQ(by_key.status().code(), StatusCode::kNotFound);
  // The key is compared exactly: folding is the caller's job (EmailKey).
  EXPECT_FALSE(store_->FindAccountByEmailKey("ADA@example.com").ok());
}

TEST_P(IdentityStoreContractTest, CreateAccountWithTakenEmailKeyIsAlreadyExists) {
  Create("acc_one", "ada@example.com");
  auto second = store_->CreateAccount(MakeAccount("acc_two", "ADA@example.com"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kAlreadyExists) << second.status().ToString();
  // Nothing of the second account was kept (one transaction).
  auto two = store_->FindAccountById("acc_two");
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.status().code(), StatusCode::kNotFound);
  auto listed = store_->ListAccounts(10, 0);
  ASSERT_TRUE(listed.ok());
  EXPECT_THAT(Ids(*listed), ElementsAre("acc_one"));
  auto owner = store_->FindAccountByEmailKey("ada@example.com");
  ASSERT_TRUE(owner.ok());
  EXPECT_EQ(owner->id, "acc_one");
}

TEST_P(IdentityStoreContractTest, UpdateProfileRoundTrips) {
  Create("acc_one", "ada@example.com");
  Profile p;
  p.given_name = "Augusta Ada";
  p.family_name = "King";
  p.display_name = "Ada King";
  p.street = "Ockham Park";
  p.city = "Ockham";
  p.region = "Surrey";
  p.postal_code = "GU23 6NP";
  p.country = "GB";
  p.language = "en-GB";
  Status st = store_->UpdateProfile("acc_one", p, kNow + 10);
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto found = store_->FindAccountById("acc_one");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->profile.given_name, "Augusta Ada");
  EXPECT_EQ(found->profile.family_name, "King");
  EXPECT_EQ(found->profile.display_name, "Ada King");
  EXPECT_EQ(found->profile.street, "Ockham Park");
  EXPECT_EQ(found->profile.city, "Ockham");
  EXPECT_EQ(found->profile.region, "Surrey");
  EXPECT_EQ(found->profile.postal_code, "GU23 6NP");
  EXPECT_EQ(found->profile.country, "GB");
  EXPECT_EQ(found->profile.language, "en-GB");
  EXPECT_EQ(found->email, "ada@example.com");  // untouched
  EXPECT_EQ(found->created_at, kNow);
}

TEST_P(IdentityStoreContractTest, UpdateProfileOfUnknownAccountIsNotFound) {
  Status st = store_->UpdateProfile("acc_missing", Profile{}, kNow);
  EXPECT_EQ(st.code(), StatusCode::kNotFound) << st.ToString();
}

TEST_P(IdentityStoreContractTest, SetDisabledLocksAndUnlocks) {
  Create("acc_one", "ada@example.com");
  ASSERT_TRUE(store_->SetDisabled("acc_one", kNow + 5).ok());
  auto locked = store_->FindAccountById("acc_one");
  ASSERT_TRUE(locked.ok());
  EXPECT_EQ(locked->disabled_at, kNow + 5);
  ASSERT_TRUE(store_->SetDisabled("acc_one", std::nullopt).ok());
  auto unlocked = store_->FindAccountByEmailKey("ada@example.com");
  ASSERT_TRUE(unlocked.ok());
  EXPECT_EQ(unlocked->disabled_at, std::nullopt);
}

TEST_P(IdentityStoreContractTest, SetDisabledOfUnknownAccountIsNotFound) {
  EXPECT_EQ(store_->SetDisabled("acc_missing", kNow).code(), StatusCode::kNotFound);
}

TEST_P(IdentityStoreContractTest, ListAccountsOrdersByCreationWithLimitAndOffset) {
  // Inserted out of creation order.
  Create("acc_c", "c@example.com", kNow + 300);
  Create("acc_a", "a@example.com", kNow + 100);
  Create("acc_d", "d@example.com", kNow + 400);
  Create("acc_b", "b@example.com", kNow + 200);
  auto all = store_->ListAccounts(10, 0);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_THAT(Ids(*all), ElementsAre("acc_a", "acc_b", "acc_c", "acc_d"));
  auto page = store_->ListAccounts(2, 1);
  ASSERT_TRUE(page.ok());
  EXPECT_THAT(Ids(*page), ElementsAre("acc_b", "acc_c"));
  auto last = store_->ListAccounts(2, 3);
  ASSERT_TRUE(last.ok());
  EXPECT_THAT(Ids(*last), ElementsAre("acc_d"));
  auto beyond = store_->ListAccounts(2, 4);
  ASSERT_TRUE(beyond.ok());
  EXPECT_THAT(*beyond, IsEmpty());
  auto first = store_->ListAccounts(1, 0);
  ASSERT_TRUE(first.ok());
  EXPECT_THAT(Ids(*first), ElementsAre("acc_a"));
}

// ---- sign-in throttling ----

TEST_P(IdentityStoreContractTest, BeginSignInAttemptCountsBeforeVerifying) {
  ThrottlePolicy policy{5, 3600, 10};
  for (int i = 1; i <= 4; ++i) {
    AttemptDecision d = Attempt("account:acc_one", kNow, policy);
    EXPECT_EQ(d.verdict, AttemptVerdict::kAllowed) << "attempt " << i;
    EXPECT_EQ(d.failures, i) << "attempt " << i;
  }
}

TEST_P(IdentityStoreContractTest, SubjectsAreCountedSeparately) {
  ThrottlePolicy policy{5, 3600, 10};
  Attempt("account:acc_one", kNow, policy);
  Attempt("account:acc_one", kNow, policy);
  AttemptDecision other = Attempt("address:bob@example.com", kNow, policy);
  EXPECT_EQ(other.verdict, AttemptVerdict::kAllowed);
  EXPECT_EQ(other.failures, 1);
}

TEST_P(IdentityStoreContractTest, ThrottlesWithoutCountingUntilTheDelayHasPassed) {
  ThrottlePolicy policy{2, 3600, 10};
  ASSERT_EQ(policy.DelayAfter(2), 0);
  ASSERT_EQ(policy.DelayAfter(3), 1);
  ASSERT_EQ(policy.DelayAfter(4), 2);
  EXPECT_EQ(Attempt("s", kNow, policy).failures, 1);
  EXPECT_EQ(Attempt("s", kNow, policy).failures, 2);
  AttemptDecision third = Attempt("s", kNow, policy);  // free failures used up: next waits 1 s
  EXPECT_EQ(third.verdict, AttemptVerdict::kAllowed);
  EXPECT_EQ(third.failures, 3);

  for (int i = 0; i < 3; ++i) {
    AttemptDecision throttled = Attempt("s", kNow, policy);
    EXPECT_EQ(throttled.verdict, AttemptVerdict::kThrottled);
    EXPECT_EQ(throttled.failures, 3);  // not counted
    EXPECT_EQ(throttled.retry_after, kNow + 1);
  }

  AttemptDecision fourth = Attempt("s", kNow + 1, policy);
  EXPECT_EQ(fourth.verdict, AttemptVerdict::kAllowed);
  EXPECT_EQ(fourth.failures, 4);
  AttemptDecision early = Attempt("s", kNow + 2, policy);  // waits DelayAfter(4) = 2 s
  EXPECT_EQ(early.verdict, AttemptVerdict::kThrottled);
  EXPECT_EQ(early.failures, 4);
  EXPECT_EQ(early.retry_after, kNow + 3);
  AttemptDecision fifth = Attempt("s", kNow + 3, policy);
  EXPECT_EQ(fifth.verdict, AttemptVerdict::kAllowed);
  EXPECT_EQ(fifth.failures, 5);
}

TEST_P(IdentityStoreContractTest, LocksAtMaxConsecutiveFailures) {
  ThrottlePolicy policy{10, 3600, 10};  // no delays, so only the lock applies
  for (int i = 1; i <= 10; ++i) {
    AttemptDecision d = Attempt("s", kNow, policy);
    ASSERT_EQ(d.verdict, AttemptVerdict::kAllowed) << "attempt " << i;
    ASSERT_EQ(d.failures, i);
  }
  AttemptDecision locked = Attempt("s", kNow, policy);
  EXPECT_EQ(locked.verdict, AttemptVerdict::kLocked);
  EXPECT_EQ(locked.failures, 10);
  // Waiting does not unlock.
  AttemptDecision later = Attempt("s", kNow + 365 * 86400, policy);
  EXPECT_EQ(later.verdict, AttemptVerdict::kLocked);
  EXPECT_EQ(later.failures, 10);
}

TEST_P(IdentityStoreContractTest, ClearSignInFailuresUnlocks) {
  ThrottlePolicy policy{10, 3600, 3};
  for (int i = 0; i < 3; ++i) Attempt("s", kNow, policy);
  ASSERT_EQ(Attempt("s", kNow, policy).verdict, AttemptVerdict::kLocked);
  ASSERT_TRUE(store_->ClearSignInFailures("s").ok());
  AttemptDecision d = Attempt("s", kNow, policy);
  EXPECT_EQ(d.verdict, AttemptVerdict::kAllowed);
  EXPECT_EQ(d.failures, 1);
  EXPECT_TRUE(store_->ClearSignInFailures("never-seen").ok());
}

TEST_P(IdentityStoreContractTest, CompleteSignInClearsFailuresAndDelay) {
  Create("acc_one", "ada@example.com");
  ThrottlePolicy policy{0, 3600, 10};
  Attempt("account:acc_one", kNow, policy);
  ASSERT_EQ(Attempt("account:acc_one", kNow, policy).verdict, AttemptVerdict::kThrottled);
  Insert(MakeSession('a', "acc_one"), "account:acc_one");
  AttemptDecision d = Attempt("account:acc_one", kNow, policy);
  EXPECT_EQ(d.verdict, AttemptVerdict::kAllowed);
  EXPECT_EQ(d.failures, 1);
}

TEST_P(IdentityStoreContractTest, CompleteSignInClearsOnlyItsSubject) {
  Create("acc_one", "ada@example.com");
  ThrottlePolicy policy{5, 3600, 10};
  Attempt("account:acc_one", kNow, policy);
  Attempt("address:other", kNow, policy);
  Insert(MakeSession('a', "acc_one"), "account:acc_one");
  EXPECT_EQ(Attempt("address:other", kNow, policy).failures, 2);
}

TEST_P(IdentityStoreContractTest, ParallelAttemptsAtTheSameInstantAllowExactlyOne) {
  // SECURITY.md promise 4: the attempt is counted in the transaction that reads the state, so
  // with no free failures only one of many simultaneous guesses gets through.
  ThrottlePolicy policy{0, 3600, 100};
  constexpr int kThreads = 8;
  std::latch start(kThreads);
  std::vector<StatusOr<AttemptDecision>> results(kThreads,
                                                 Status(StatusCode::kInternal, "not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      results[i] = store_->BeginSignInAttempt("account:acc_target", kNow, policy);
    });
  }
  for (auto& t : threads) t.join();
  int allowed = 0, throttled = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    if (r->verdict == AttemptVerdict::kAllowed) {
      ++allowed;
      EXPECT_EQ(r->failures, 1);
    } else if (r->verdict == AttemptVerdict::kThrottled) {
      ++throttled;
      EXPECT_EQ(r->failures, 1);
      EXPECT_EQ(r->retry_after, kNow + 1);
    }
  }
  EXPECT_EQ(allowed, 1);
  EXPECT_EQ(throttled, kThreads - 1);
  AttemptDecision after = Attempt("account:acc_target", kNow, policy);
  EXPECT_EQ(after.verdict, AttemptVerdict::kThrottled);
  EXPECT_EQ(after.failures, 1);
}

// ---- sessions ----

TEST_P(IdentityStoreContractTest, CompleteSignInInsertsSessionThatFindSessionReturns) {
  Create("acc_one", "ada@example.com");
  Session s = MakeSession('a', "acc_one");
  s.remember = true;
  s.authenticated_at = kNow - 5;
  s.last_seen_at = kNow + 7;
  s.idle_timeout = 1209600;
  s.expires_at = kNow + 2592000;
  Insert(s);
  auto found = store_->FindSession(s.token_hash);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->token_hash, s.token_hash);  // binary, with NUL bytes
  EXPECT_EQ(found->public_id, s.public_id);
  EXPECT_EQ(found->account_id, "acc_one");
  EXPECT_EQ(found->created_at, s.created_at);
  EXPECT_EQ(found->authenticated_at, s.authenticated_at);
  EXPECT_EQ(found->last_seen_at, s.last_seen_at);
  EXPECT_EQ(found->idle_timeout, s.idle_timeout);
  EXPECT_EQ(found->expires_at, s.expires_at);
  EXPECT_TRUE(found->remember);
  EXPECT_EQ(found->user_agent, s.user_agent);
  EXPECT_EQ(found->ip, s.ip);
}

TEST_P(IdentityStoreContractTest, FindSessionAndAccountReadsBothOrNotFound) {
  Create("acc_one", "ada@example.com");
  Session s = MakeSession('a', "acc_one");
  Insert(s);
  auto found = store_->FindSessionAndAccount(s.token_hash);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->session.token_hash, s.token_hash);
  EXPECT_EQ(found->session.account_id, "acc_one");
  ASSERT_TRUE(found->account.has_value());
  EXPECT_EQ(found->account->id, "acc_one");
  EXPECT_EQ(found->account->email, "ada@example.com");
  auto unknown = store_->FindSessionAndAccount(TokenHash('b'));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
}

TEST_P(IdentityStoreContractTest, FindSessionOfUnknownTokenIsNotFound) {
  Create("acc_one", "ada@example.com");
  Insert(MakeSession('a', "acc_one"));
  auto found = store_->FindSession(TokenHash('b'));
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.status().code(), StatusCode::kNotFound);
  // A prefix of a stored hash (e.g. cut at its NUL byte) does not match.
  auto prefix = store_->FindSession(TokenHash('a').substr(0, 3));
  ASSERT_FALSE(prefix.ok());
  EXPECT_EQ(prefix.status().code(), StatusCode::kNotFound);
}

TEST_P(IdentityStoreContractTest, TouchSessionUpdatesLastSeen) {
  Create("acc_one", "ada@example.com");
  Session s = MakeSession('a', "acc_one");
  Insert(s);
  ASSERT_TRUE(store_->TouchSession(s.token_hash, kNow + 600).ok());
  auto found = store_->FindSession(s.token_hash);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->last_seen_at, kNow + 600);
  EXPECT_EQ(found->created_at, kNow);
  EXPECT_EQ(found->expires_at, s.expires_at);
}

TEST_P(IdentityStoreContractTest, DeleteSessionIsIdempotent) {
  Create("acc_one", "ada@example.com");
  Session a = MakeSession('a', "acc_one");
  Session b = MakeSession('b', "acc_one");
  Insert(a);
  Insert(b);
  ASSERT_TRUE(store_->DeleteSession(a.token_hash).ok());
  EXPECT_FALSE(SessionExists(a));
  EXPECT_TRUE(SessionExists(b));
  EXPECT_TRUE(store_->DeleteSession(a.token_hash).ok());    // already gone
  EXPECT_TRUE(store_->DeleteSession(TokenHash('z')).ok());  // never existed
  EXPECT_TRUE(SessionExists(b));
}

TEST_P(IdentityStoreContractTest, DeleteSessionByPublicIdOnlyForTheOwner) {
  Create("acc_one", "ada@example.com");
  Create("acc_two", "bob@example.com");
  Session mine = MakeSession('a', "acc_one");
  Insert(mine);
  auto by_other = store_->DeleteSessionByPublicId("acc_two", mine.public_id);
  ASSERT_TRUE(by_other.ok()) << by_other.status().ToString();
  EXPECT_FALSE(*by_other);
  EXPECT_TRUE(SessionExists(mine));

  auto by_owner = store_->DeleteSessionByPublicId("acc_one", mine.public_id);
  ASSERT_TRUE(by_owner.ok());
  EXPECT_TRUE(*by_owner);
  EXPECT_FALSE(SessionExists(mine));

  auto again = store_->DeleteSessionByPublicId("acc_one", mine.public_id);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
}

TEST_P(IdentityStoreContractTest, PurgeExpiredDropsDeadSessionsAndQuietThrottlesButKeepsLocks) {
  Create("acc_one", "ada@example.com");
  Session live = MakeSession('a', "acc_one");
  Session idle = MakeSession('b', "acc_one", kNow - 4000);  // idle past its 30 minutes
  Session old = MakeSession('c', "acc_one", kNow - 50000);  // past its absolute 12 hours
  old.last_seen_at = kNow - 10;
  Insert(live);
  Insert(idle);
  Insert(old);
  ThrottlePolicy policy;
  policy.max_consecutive_failures = 100;
  policy.max_delay_seconds = 60;
  (void)Attempt("address:quiet@example.com", kNow - 2 * 86400, policy);
  (void)Attempt("account:slow", kNow - 2 * 86400, policy);
  // 100 failures three days ago, each after the previous delay: locked, and quiet since.
  for (int i = 0; i < 100; ++i) (void)Attempt("account:locked", kNow - 3 * 86400 + i * 61, policy);
  ASSERT_EQ(Attempt("account:locked", kNow - 2 * 86400, policy).verdict, AttemptVerdict::kLocked);
  auto purged = store_->PurgeExpired(kNow);
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_EQ(*purged, 3);  // two sessions, one quiet throttle
  EXPECT_TRUE(SessionExists(live));
  EXPECT_FALSE(SessionExists(idle));
  EXPECT_FALSE(SessionExists(old));
  // The lock at the failure limit survives: a purge is no way around it.
  EXPECT_EQ(Attempt("account:locked", kNow + 10 * 86400, policy).verdict, AttemptVerdict::kLocked);
  EXPECT_EQ(Attempt("address:quiet@example.com", kNow, policy).failures, 1);
  // An account's count survives a pause: waiting a day does not reset the limit.
  EXPECT_EQ(Attempt("account:slow", kNow, policy).failures, 2);
}

TEST_P(IdentityStoreContractTest, DeleteSessionsOfAccountEndsOnlyThatAccountsSessions) {
  Create("acc_one", "ada@example.com");
  Create("acc_two", "bob@example.com");
  Session first = MakeSession('a', "acc_one");
  Session second = MakeSession('b', "acc_one");
  Session foreign = MakeSession('c', "acc_two");
  Insert(first);
  Insert(second);
  Insert(foreign);
  auto ended = store_->DeleteSessionsOfAccount("acc_one");
  ASSERT_TRUE(ended.ok()) << ended.status().ToString();
  EXPECT_EQ(*ended, 2);
  EXPECT_FALSE(SessionExists(first));
  EXPECT_FALSE(SessionExists(second));
  EXPECT_TRUE(SessionExists(foreign));
}

TEST_P(IdentityStoreContractTest, ListSessionsMostRecentlyUsedFirstAndOnlyTheAccounts) {
  Create("acc_one", "ada@example.com");
  Create("acc_two", "bob@example.com");
  Session old_one = MakeSession('a', "acc_one");
  old_one.last_seen_at = kNow + 100;
  Session newest = MakeSession('b', "acc_one");
  newest.last_seen_at = kNow + 300;
  Session middle = MakeSession('c', "acc_one");
  middle.last_seen_at = kNow + 200;
  Session foreign = MakeSession('d', "acc_two");
  foreign.last_seen_at = kNow + 400;
  Insert(old_one);
  Insert(newest);
  Insert(middle);
  Insert(foreign);
  auto listed = store_->ListSessions("acc_one");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_THAT(PublicIds(*listed), ElementsAre("pub_b", "pub_c", "pub_a"));
  // Touching moves a session to the front.
  ASSERT_TRUE(store_->TouchSession(old_one.token_hash, kNow + 500).ok());
  listed = store_->ListSessions("acc_one");
  ASSERT_TRUE(listed.ok());
  EXPECT_THAT(PublicIds(*listed), ElementsAre("pub_a", "pub_b", "pub_c"));
  auto none = store_->ListSessions("acc_missing");
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(*none, IsEmpty());
}

TEST_P(IdentityStoreContractTest, ChangePasswordReplacesHashAndSessions) {
  Create("acc_one", "ada@example.com");
  Create("acc_two", "bob@example.com");
  Session a = MakeSession('a', "acc_one");
  Session b = MakeSession('b', "acc_one");
  Session foreign = MakeSession('c', "acc_two");
  Insert(a);
  Insert(b);
  Insert(foreign);
  Session replacement = MakeSession('r', "acc_one", kNow + 60);
  Status st = store_->ChangePassword("acc_one", "$argon2id$new", kNow + 60, replacement);
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto account = store_->FindAccountById("acc_one");
  ASSERT_TRUE(account.ok());
  EXPECT_EQ(account->password_hash, "$argon2id$new");
  EXPECT_FALSE(SessionExists(a));
  EXPECT_FALSE(SessionExists(b));
  EXPECT_TRUE(SessionExists(replacement));
  EXPECT_TRUE(SessionExists(foreign));  // other accounts are untouched
  auto listed = store_->ListSessions("acc_one");
  ASSERT_TRUE(listed.ok());
  EXPECT_THAT(PublicIds(*listed), ElementsAre("pub_r"));
}

TEST_P(IdentityStoreContractTest, ChangePasswordOfUnknownAccountIsNotFoundAndChangesNothing) {
  Session replacement = MakeSession('r', "acc_missing");
  Status st = store_->ChangePassword("acc_missing", "$argon2id$new", kNow, replacement);
  EXPECT_EQ(st.code(), StatusCode::kNotFound) << st.ToString();
  EXPECT_FALSE(SessionExists(replacement));
}

TEST_P(IdentityStoreContractTest, ChangePasswordIsAtomicWhenTheReplacementCannotBeInserted) {
  Create("acc_one", "ada@example.com");
  Create("acc_two", "bob@example.com");
  Session a = MakeSession('a', "acc_one");
  Session foreign = MakeSession('c', "acc_two");
  Insert(a);
  Insert(foreign);
  // The replacement collides with another account's session (public ids are unique), so the
  // last step fails: the hash change and the deletions must be rolled back with it.
  Session replacement = MakeSession('r', "acc_one");
  replacement.public_id = foreign.public_id;
  Status st = store_->ChangePassword("acc_one", "$argon2id$new", kNow, replacement);
  ASSERT_FALSE(st.ok());
  auto account = store_->FindAccountById("acc_one");
  ASSERT_TRUE(account.ok());
  EXPECT_EQ(account->password_hash, MakeAccount("acc_one", "ada@example.com").password_hash);
  EXPECT_TRUE(SessionExists(a));
  EXPECT_FALSE(SessionExists(replacement));
}

// ---- server secrets ----

TEST_P(IdentityStoreContractTest, GetOrCreateSecretKeepsTheFirstValue) {
  int first_calls = 0;
  auto first = store_->GetOrCreateSecret(
      "csrf",
      [&] {
        ++first_calls;
        return std::string("first-secret");
      },
      kNow);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, "first-secret");
  EXPECT_EQ(first_calls, 1);
  auto second = store_->GetOrCreateSecret(
      "csrf", [] { return std::string("second-secret"); }, kNow + 1);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(*second, "first-secret");
}

TEST_P(IdentityStoreContractTest, GetOrCreateSecretSeparatesNamesAndKeepsBinary) {
  std::string binary("\x00\xFF\x01\x80secret\x00", 11);
  auto a = store_->GetOrCreateSecret(
      "a", [&] { return binary; }, kNow);
  auto b = store_->GetOrCreateSecret(
      "b", [] { return std::string("bee"); }, kNow);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, binary);
  EXPECT_EQ(*b, "bee");
  auto a_again = store_->GetOrCreateSecret(
      "a", [] { return std::string("other"); }, kNow);
  ASSERT_TRUE(a_again.ok());
  EXPECT_EQ(*a_again, binary);
}

INSTANTIATE_TEST_SUITE_P(Backends, IdentityStoreContractTest,
                         ::testing::Values(StoreFactory{"Sqlite",
                                                        []() -> std::unique_ptr<StoreHarness> {
                                                          auto h =
                                                              std::make_unique<SqliteHarness>();
                                                          if (!h->ready()) return nullptr;
                                                          return h;
                                                        }}),
                         [](const ::testing::TestParamInfo<StoreFactory>& info) {
                           return info.param.name;
                         });

// ---- durability of the SQLite layer underneath (SECURITY.md promise 1) ----

TEST(SqliteDatabaseTest, CommittedWriteIsSeenByANewDatabaseOnTheSameFile) {
  TempDir dir;
  std::string path = (dir.path() / "durable.db").string();
  auto first = store::sqlite::Database::Open(path);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  Status st = (*first)->Write([](store::sqlite::Connection& c) {
    PORTICO_RETURN_IF_ERROR(c.Exec("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL)"));
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("INSERT INTO t (k, v) VALUES (?, ?)"));
    s.Bind(1, "key").Bind(2, "value");
    return s.Run();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();

  auto read_value = [](store::sqlite::Database& db) {
    std::string value = "<missing>";
    Status rs = db.Read([&](store::sqlite::Connection& c) {
      PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("SELECT v FROM t WHERE k = ?"));
      s.Bind(1, "key");
      PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
      if (row) value = s.Text(0);
      return OkStatus();
    });
    EXPECT_TRUE(rs.ok()) << rs.ToString();
    return value;
  };

  // While the first is still open (another process would see this state)…
  auto second = store::sqlite::Database::Open(path);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(read_value(**second), "value");
  second->reset();
  // …and after it is gone.
  first->reset();
  auto third = store::sqlite::Database::Open(path);
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_EQ(read_value(**third), "value");
}

// The rows of table t, or -1 when it cannot be read.
int64_t CountRowsOfT(store::sqlite::Database& db) {
  int64_t count = -1;
  Status read = db.Read([&](store::sqlite::Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("SELECT COUNT(*) FROM t"));
    PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (row) count = s.Int(0);
    return OkStatus();
  });
  return read.ok() ? count : -1;
}

TEST(SqliteDatabaseTest, CheckpointsRunInTheBackgroundAndTheWalStaysBounded) {
  TempDir dir;
  const std::string path = (dir.path() / "checkpoints.db").string();
  store::sqlite::DatabaseOptions options;
  options.checkpoint_pages = 8;  // a wake-up every 8 pages, the writer's backstop at 32
  constexpr int kRows = 400;
  {
    auto db = store::sqlite::Database::Open(path, options);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE((*db)
                    ->Write([](store::sqlite::Connection& c) {
                      return c.Exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)");
                    })
                    .ok());
    const std::string blob(3000, 'x');  // most of a page per row: at least one page per commit
    for (int i = 0; i < kRows; ++i) {
      ASSERT_TRUE((*db)
                      ->Write(
                          [&](store::sqlite::Connection& c) {
                            PORTICO_ASSIGN_OR_RETURN(auto s,
                                                     c.Prepare("INSERT INTO t VALUES (?, ?)"));
                            s.Bind(1, int64_t{i}).BindBlob(2, blob);
                            return s.Run();
                          },
                          store::sqlite::Durability::kRelaxed)
                      .ok());
    }
    // Without a checkpoint the WAL would hold every page written (more than 1.6 MB); the
    // backstop starts it over at 32 pages, so the file never grows far past that.
    EXPECT_LT(std::filesystem::file_size(path + "-wal"), 1u << 20);
    // The background thread runs on its own; wait (bounded) until it has copied pages once.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while ((*db)->background_checkpoints() == 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::yield();
    EXPECT_GT((*db)->background_checkpoints(), 0);
  }  // the destructor stops the checkpointer
  auto reopened = store::sqlite::Database::Open(path);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(CountRowsOfT(**reopened), kRows);
}

TEST(SqliteDatabaseTest, FailedWorkIsRolledBack) {
  TempDir dir;
  auto db = store::sqlite::Database::Open((dir.path() / "rollback.db").string());
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(
      (*db)
          ->Write([](store::sqlite::Connection& c) { return c.Exec("CREATE TABLE t (k TEXT)"); })
          .ok());
  Status st = (*db)->Write([](store::sqlite::Connection& c) {
    PORTICO_RETURN_IF_ERROR(c.Exec("INSERT INTO t VALUES ('x')"));
    return InvalidArgumentError("changed my mind");
  });
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CountRowsOfT(**db), 0);
}

TEST(SqliteDatabaseTest, WriterUsesWalAndSynchronousFull) {
  TempDir dir;
  auto db = store::sqlite::Database::Open((dir.path() / "pragmas.db").string());
  ASSERT_TRUE(db.ok());
  std::string journal_mode;
  int64_t synchronous = -1;
  // PRAGMAs that only read may run inside the write transaction.
  Status st = (*db)->Write([&](store::sqlite::Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto j, c.Prepare("PRAGMA journal_mode"));
    PORTICO_ASSIGN_OR_RETURN(bool jrow, j.Step());
    if (jrow) journal_mode = j.Text(0);
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("PRAGMA synchronous"));
    PORTICO_ASSIGN_OR_RETURN(bool srow, s.Step());
    if (srow) synchronous = s.Int(0);
    return OkStatus();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(journal_mode, "wal");
  EXPECT_EQ(synchronous, 2);  // FULL
}

TEST(SqliteDatabaseTest, RelaxedWritesUseNormalSyncAndTheNextWriteIsFullAgain) {
  TempDir dir;
  auto db = store::sqlite::Database::Open((dir.path() / "levels.db").string());
  ASSERT_TRUE(db.ok());
  auto level = [&](store::sqlite::Durability durability) {
    int64_t synchronous = -1;
    Status st = (*db)->Write(
        [&](store::sqlite::Connection& c) {
          PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("PRAGMA synchronous"));
          PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
          if (row) synchronous = s.Int(0);
          return OkStatus();
        },
        durability);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return synchronous;
  };
  EXPECT_EQ(level(store::sqlite::Durability::kRelaxed), 1);  // NORMAL
  EXPECT_EQ(level(store::sqlite::Durability::kFull), 2);     // FULL again
}

// Group commit (docs/design/0013-group-commit.md): writes that run together in one transaction
// keep their own outcome. A failing write leaves nothing behind, its neighbours commit, and a
// write that asks for FULL never runs at NORMAL because a relaxed one shares its group.
TEST(SqliteDatabaseTest, ConcurrentWritesKeepTheirOwnOutcomeAndDurability) {
  TempDir dir;
  auto db = store::sqlite::Database::Open((dir.path() / "group.db").string());
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)
                  ->Write([](store::sqlite::Connection& c) {
                    return c.Exec(
                        "CREATE TABLE t (writer INTEGER, n INTEGER, PRIMARY KEY (writer, n))");
                  })
                  .ok());
  constexpr int kThreads = 8;
  constexpr int kWrites = 150;
  std::atomic<int> weaker_than_asked{0};
  std::atomic<int> wrong_outcome{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < kWrites; ++n) {
        bool fails = n % 3 == 0;
        auto durability =
            n % 2 == 0 ? store::sqlite::Durability::kFull : store::sqlite::Durability::kRelaxed;
        Status s = (*db)->Write(
            [&](store::sqlite::Connection& c) -> Status {
              PORTICO_ASSIGN_OR_RETURN(auto level, c.Prepare("PRAGMA synchronous"));
              PORTICO_ASSIGN_OR_RETURN(bool row, level.Step());
              if (durability == store::sqlite::Durability::kFull && (!row || level.Int(0) != 2))
                ++weaker_than_asked;
              PORTICO_ASSIGN_OR_RETURN(auto insert, c.Prepare("INSERT INTO t VALUES (?, ?)"));
              insert.Bind(1, int64_t{t}).Bind(2, int64_t{n});
              PORTICO_RETURN_IF_ERROR(insert.Run());
              if (fails) return FailedPreconditionError("this write fails after its insert");
              return OkStatus();
            },
            durability);
        if (fails ? s.code() != StatusCode::kFailedPrecondition : !s.ok()) ++wrong_outcome;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong_outcome.load(), 0);
  EXPECT_EQ(weaker_than_asked.load(), 0);
  int64_t rows = -1, failed_rows = -1;
  ASSERT_TRUE((*db)
                  ->Read([&](store::sqlite::Connection& c) -> Status {
                    PORTICO_ASSIGN_OR_RETURN(auto all, c.Prepare("SELECT count(*) FROM t"));
                    PORTICO_ASSIGN_OR_RETURN(bool row, all.Step());
                    if (row) rows = all.Int(0);
                    PORTICO_ASSIGN_OR_RETURN(auto bad,
                                             c.Prepare("SELECT count(*) FROM t WHERE n % 3 = 0"));
                    PORTICO_ASSIGN_OR_RETURN(row, bad.Step());
                    if (row) failed_rows = bad.Int(0);
                    return OkStatus();
                  })
                  .ok());
  EXPECT_EQ(failed_rows, 0);  // every failed write was rolled back, alone
  EXPECT_EQ(rows, kThreads * (kWrites - (kWrites + 2) / 3));
}

TEST(SqliteDatabaseTest, AThrowingOrNestedWriteFailsAloneAndTheNextWritesRun) {
  TempDir dir;
  auto db = store::sqlite::Database::Open((dir.path() / "throw.db").string());
  ASSERT_TRUE(db.ok());
  auto exec = [](const char* sql) {
    return [sql](store::sqlite::Connection& c) { return c.Exec(sql); };
  };
  ASSERT_TRUE((*db)->Write(exec("CREATE TABLE t (x INTEGER)")).ok());
  Status thrown = (*db)->Write([](store::sqlite::Connection& c) -> Status {
    PORTICO_RETURN_IF_ERROR(c.Exec("INSERT INTO t VALUES (1)"));
    throw std::runtime_error("a bug in a store");
  });
  EXPECT_EQ(thrown.code(), StatusCode::kInternal);
  Status nested_inner;
  Status nested = (*db)->Write([&](store::sqlite::Connection& c) -> Status {
    PORTICO_RETURN_IF_ERROR(c.Exec("INSERT INTO t VALUES (2)"));
    nested_inner = (*db)->Write(exec("INSERT INTO t VALUES (3)"));
    return OkStatus();
  });
  EXPECT_TRUE(nested.ok());
  EXPECT_EQ(nested_inner.code(), StatusCode::kInternal);  // refused, not a deadlock
  ASSERT_TRUE((*db)->Write(exec("INSERT INTO t VALUES (4)")).ok());
  std::vector<int64_t> rows;
  ASSERT_TRUE((*db)
                  ->Read([&](store::sqlite::Connection& c) -> Status {
                    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("SELECT x FROM t ORDER BY x"));
                    for (;;) {
                      PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
                      if (!row) return OkStatus();
                      rows.push_back(s.Int(0));
                    }
                  })
                  .ok());
  EXPECT_EQ(rows, (std::vector<int64_t>{2, 4}));  // the thrown write left nothing
}

TEST(SqliteDatabaseTest, RefusesMemoryPaths) {
  auto db = store::sqlite::Database::Open(":memory:");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace portico::identity
