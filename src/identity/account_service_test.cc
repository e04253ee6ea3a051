// Tests for identity/account_service.h with a real SQLite store on a temporary file, a fast
// Argon2id hasher, the shipped common-password list, FakeClock and the real CSPRNG.
#include "identity/account_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/clock.h"
#include "crypto/digest.h"
#include "crypto/password_hash.h"
#include "crypto/random.h"
#include "identity/email_address.h"
#include "identity/password_policy.h"
#include "identity/sqlite_identity_store.h"
#include "store/migrations.h"
#include "store/sqlite/database.h"

namespace portico::identity {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kPassword[] = "tqzvbwkm correct horse";
constexpr char kNewPassword[] = "staple battery xrjplsd";

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class AccountServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "portico-accounts-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;

    auto db = store::sqlite::Database::Open((dir_ / "network.db").string());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    std::filesystem::path sql_dir =
        std::filesystem::path(PORTICO_SOURCE_DIR) / "db" / "network" / "sqlite";
    for (const auto& entry : std::filesystem::directory_iterator(sql_dir)) {
      if (entry.path().extension() == ".sql") {
        migration_files_.emplace_back(entry.path().filename().string(), ReadFile(entry.path()));
      }
    }
    std::vector<std::pair<std::string_view, std::string_view>> files(migration_files_.begin(),
                                                                     migration_files_.end());
    auto migrations = store::MigrationsFromFiles(files);
    ASSERT_TRUE(migrations.ok()) << migrations.status().ToString();
    auto applied = store::ApplyMigrations(*db_, *migrations);
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();

    store_ = std::make_unique<SqliteIdentityStore>(*db_);
    policy_ = std::make_unique<PasswordPolicy>(
        ReadFile(std::filesystem::path(PORTICO_SOURCE_DIR) / "data" / "common-passwords.txt"),
        false);
    ASSERT_GT(policy_->common_count(), 1000u);
    session_policy_.idle_timeout = 600;
    session_policy_.absolute_timeout = 3600;
    session_policy_.remember_idle_timeout = 2400;
    session_policy_.remember_absolute_timeout = 7200;
    session_policy_.touch_interval = 60;
    service_ = std::make_unique<AccountService>(*store_, hasher_, *policy_, clock_,
                                                crypto::SecureRandom::Get(), session_policy_,
                                                throttle_policy_);
  }

  void TearDown() override {
    service_.reset();
    store_.reset();
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  NewSession SignUp(const std::string& email, const std::string& password = kPassword,
                    bool remember = false) {
    SignUpRequest request{email, password, "Ada", "Lovelace"};
    Field field = Field::kNone;
    auto result = service_->SignUp(request, client_, remember, &field);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? *result : NewSession{};
  }

  StatusOr<NewSession> SignIn(std::string_view email, std::string_view password,
                              bool remember = false) {
    return service_->SignIn(email, password, remember, client_);
  }

  bool Resolves(const std::string& token) { return service_->ResolveSession(token).ok(); }

  std::filesystem::path dir_;
  std::vector<std::pair<std::string, std::string>> migration_files_;
  std::unique_ptr<store::sqlite::Database> db_;
  std::unique_ptr<SqliteIdentityStore> store_;
  crypto::PasswordHasher hasher_{crypto::PasswordHashParams{1, 1 << 20}};
  std::unique_ptr<PasswordPolicy> policy_;
  FakeClock clock_;
  SessionPolicy session_policy_;
  ThrottlePolicy throttle_policy_;  // the defaults: 5 free failures
  ClientInfo client_{"Mozilla/5.0 (test)", "192.0.2.7"};
  std::unique_ptr<AccountService> service_;
};

// ---- sign-up ----

TEST_F(AccountServiceTest, SignUpCreatesAccountWithOpaqueId) {
  NewSession s = SignUp("Ada@Example.com");
  EXPECT_THAT(s.account.id, StartsWith("acc_"));
  EXPECT_EQ(s.account.id.size(), 26u);
  EXPECT_EQ(s.account.id.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 4),
            std::string::npos);
  EXPECT_EQ(s.account.email, "Ada@Example.com");
  EXPECT_EQ(s.account.profile.display_name, "Ada Lovelace");
  EXPECT_EQ(s.session.account_id, s.account.id);

  auto stored = store_->FindAccountByEmailKey(EmailKey("ada@example.com"));
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->id, s.account.id);
  EXPECT_THAT(stored->password_hash, StartsWith("$argon2id$"));
  EXPECT_TRUE(hasher_.Verify(stored->password_hash, kPassword));
  EXPECT_TRUE(Resolves(s.token));
}

TEST_F(AccountServiceTest, SignUpGivesEachAccountADifferentId) {
  NewSession a = SignUp("ada@example.com");
  NewSession b = SignUp("bob@example.com");
  EXPECT_NE(a.account.id, b.account.id);
  EXPECT_NE(a.token, b.token);
}

TEST_F(AccountServiceTest, SignUpRejectsCommonPassword) {
  Field field = Field::kNone;
  auto result = service_->SignUp({"ada@example.com", "password123", "Ada", "Lovelace"}, client_,
                                 false, &field);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(field, Field::kPassword);
  EXPECT_THAT(result.status().message(), HasSubstr("common"));
  EXPECT_EQ(store_->FindAccountByEmailKey(EmailKey("ada@example.com")).status().code(),
            StatusCode::kNotFound);
}

TEST_F(AccountServiceTest, SignUpRejectsShortPassword) {
  Field field = Field::kNone;
  auto result =
      service_->SignUp({"ada@example.com", "tqzvbwk", "Ada", "Lovelace"}, client_, false, &field);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(field, Field::kPassword);
}

TEST_F(AccountServiceTest, SignUpRejectsMalformedAddressOnEmailField) {
  Field field = Field::kNone;
  auto result =
      service_->SignUp({"ada.example.com", kPassword, "Ada", "Lovelace"}, client_, false, &field);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(field, Field::kEmail);
}

TEST_F(AccountServiceTest, SignUpRequiresAName) {
  Field field = Field::kNone;
  auto result = service_->SignUp({"ada@example.com", kPassword, " ", ""}, client_, false, &field);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(field, Field::kName);
}

TEST_F(AccountServiceTest, SignUpWithTakenAddressInOtherCaseIsAlreadyExists) {
  NewSession first = SignUp("ada@example.com");
  Field field = Field::kNone;
  auto second = service_->SignUp({"ADA@Example.COM", "another tqzvbwkm pw", "Eve", "Mallory"},
                                 client_, false, &field);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kAlreadyExists) << second.status().ToString();
  // The first owner keeps the address and the password.
  auto owner = store_->FindAccountByEmailKey(EmailKey("ada@example.com"));
  ASSERT_TRUE(owner.ok());
  EXPECT_EQ(owner->id, first.account.id);
  EXPECT_TRUE(SignIn("ada@example.com", kPassword).ok());
}

// ---- sign-in ----

TEST_F(AccountServiceTest, SignInSucceedsWithAddressInDifferentCase) {
  NewSession created = SignUp("ada@example.com");
  auto signed_in = SignIn("  ADA@Example.COM ", kPassword);
  ASSERT_TRUE(signed_in.ok()) << signed_in.status().ToString();
  EXPECT_EQ(signed_in->account.id, created.account.id);
  EXPECT_NE(signed_in->token, created.token);  // a new session id at every sign-in
  auto active = service_->ResolveSession(signed_in->token);
  ASSERT_TRUE(active.ok()) << active.status().ToString();
  EXPECT_EQ(active->account.id, created.account.id);
}

TEST_F(AccountServiceTest, SignInNormalizesThePassword) {
  SignUp("ada@example.com", "\xEF\xAC\x81nest tqzvbwkm");  // "ﬁnest …" with the U+FB01 ligature
  EXPECT_TRUE(SignIn("ada@example.com", "finest tqzvbwkm").ok());
}

TEST_F(AccountServiceTest, SignInFailuresAreIndistinguishable) {
  SignUp("ada@example.com");
  SignUp("bob@example.com");
  ASSERT_TRUE(
      store_->SetDisabled(store_->FindAccountByEmailKey("bob@example.com")->id, clock_.NowSeconds())
          .ok());

  auto wrong_password = SignIn("ada@example.com", "not the password");
  auto unknown_address = SignIn("nobody@example.com", kPassword);
  auto disabled = SignIn("bob@example.com", kPassword);
  for (const auto* r : {&wrong_password, &unknown_address, &disabled}) {
    ASSERT_FALSE(r->ok());
    EXPECT_EQ(r->status().code(), StatusCode::kUnauthenticated) << r->status().ToString();
  }
  EXPECT_EQ(wrong_password.status().message(), unknown_address.status().message());
  EXPECT_EQ(wrong_password.status().message(), disabled.status().message());
}

TEST_F(AccountServiceTest, SignInWithMalformedAddressIsInvalidArgument) {
  auto r = SignIn("not-an-address", kPassword);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(AccountServiceTest, FreeFailuresDoNotDelayTheNextAttempt) {
  // identity_store.h: "The first free_failures failures cost nothing".
  SignUp("ada@example.com");
  ASSERT_EQ(throttle_policy_.free_failures, 5);
  for (int i = 0; i < 5; ++i) ASSERT_FALSE(SignIn("ada@example.com", "wrong password").ok());
  EXPECT_TRUE(SignIn("ada@example.com", kPassword).ok());
}

TEST_F(AccountServiceTest, ThrottledAfterFreeFailuresEvenWithTheRightPassword) {
  SignUp("ada@example.com");
  // Five free failures, then the sixth makes the next attempt wait DelayAfter(6) seconds.
  for (int i = 0; i < 6; ++i) ASSERT_FALSE(SignIn("ada@example.com", "wrong password").ok());
  ASSERT_GT(throttle_policy_.DelayAfter(6), 0);
  auto throttled = SignIn("ada@example.com", kPassword);
  ASSERT_FALSE(throttled.ok());
  EXPECT_EQ(throttled.status().code(), StatusCode::kUnauthenticated);
  auto wrong = SignIn("ada@example.com", "wrong password");
  EXPECT_EQ(throttled.status().message(), wrong.status().message());  // nothing tells it apart

  clock_.Advance(throttle_policy_.DelayAfter(6));
  auto after_delay = SignIn("ada@example.com", kPassword);
  EXPECT_TRUE(after_delay.ok()) << after_delay.status().ToString();
}

TEST_F(AccountServiceTest, ThrottleCountsEverySpellingOfTheAddress) {
  SignUp("ada@example.com");
  for (const char* spelling : {"ada@example.com", "ADA@EXAMPLE.COM", "Ada@Example.com",
                               "ada@EXAMPLE.com", "aDa@example.com", "ADA@example.com"}) {
    ASSERT_FALSE(SignIn(spelling, "wrong password").ok());
  }
  EXPECT_FALSE(SignIn("ada@example.com", kPassword).ok());
}

TEST_F(AccountServiceTest, SuccessfulSignInResetsTheFailureCount) {
  SignUp("ada@example.com");
  for (int i = 0; i < 5; ++i) ASSERT_FALSE(SignIn("ada@example.com", "wrong password").ok());
  ASSERT_TRUE(SignIn("ada@example.com", kPassword).ok());
  for (int i = 0; i < 5; ++i) ASSERT_FALSE(SignIn("ada@example.com", "wrong password").ok());
  EXPECT_TRUE(SignIn("ada@example.com", kPassword).ok());
}

// ---- sessions ----

TEST_F(AccountServiceTest, SessionTokenIsLongAndStoredOnlyAsItsSha256) {
  NewSession s = SignUp("ada@example.com");
  EXPECT_GE(s.token.size(), 43u);  // ≥ 256 bits, base64url
  std::string hash = AccountService::HashToken(s.token);
  EXPECT_EQ(hash, crypto::Sha256(s.token));
  EXPECT_EQ(hash.size(), 32u);
  EXPECT_EQ(s.session.token_hash, hash);

  auto by_hash = store_->FindSession(hash);
  ASSERT_TRUE(by_hash.ok()) << by_hash.status().ToString();
  EXPECT_EQ(by_hash->account_id, s.account.id);
  auto by_token = store_->FindSession(s.token);
  ASSERT_FALSE(by_token.ok());
  EXPECT_EQ(by_token.status().code(), StatusCode::kNotFound);

  // The token appears nowhere in the database files.
  for (const char* suffix : {"", "-wal"}) {
    std::string bytes = ReadFile(dir_ / (std::string("network.db") + suffix));
    EXPECT_EQ(bytes.find(s.token), std::string::npos) << "token found in network.db" << suffix;
  }
}

TEST_F(AccountServiceTest, ResolveSessionReturnsSessionAndAccount) {
  NewSession s = SignUp("ada@example.com");
  auto active = service_->ResolveSession(s.token);
  ASSERT_TRUE(active.ok()) << active.status().ToString();
  EXPECT_EQ(active->account.id, s.account.id);
  EXPECT_EQ(active->account.email, "ada@example.com");
  EXPECT_EQ(active->session.public_id, s.session.public_id);
  EXPECT_EQ(active->session.ip, "192.0.2.7");
  EXPECT_EQ(active->session.user_agent, "Mozilla/5.0 (test)");
}

TEST_F(AccountServiceTest, ResolveSessionRejectsUnknownTokens) {
  NewSession s = SignUp("ada@example.com");
  for (const std::string& bad :
       {std::string(), std::string("x"), s.token + "x", s.token.substr(1), std::string(200, 'A')}) {
    auto r = service_->ResolveSession(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated) << bad;
  }
}

TEST_F(AccountServiceTest, ResolveSessionFailsAfterIdleTimeoutAndDeletesIt) {
  NewSession s = SignUp("ada@example.com");
  clock_.Advance(session_policy_.idle_timeout - 1);
  ASSERT_TRUE(Resolves(s.token));
  clock_.Advance(session_policy_.idle_timeout - 1);  // activity above extended the idle timer
  ASSERT_TRUE(Resolves(s.token));
  clock_.Advance(session_policy_.idle_timeout);
  auto expired = service_->ResolveSession(s.token);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(store_->FindSession(AccountService::HashToken(s.token)).status().code(),
            StatusCode::kNotFound);
  clock_.Set(s.session.created_at);  // gone for good, even if the clock went back
  EXPECT_FALSE(Resolves(s.token));
}

TEST_F(AccountServiceTest, ResolveSessionFailsAfterAbsoluteTimeoutDespiteActivity) {
  NewSession s = SignUp("ada@example.com");
  int64_t start = clock_.NowSeconds();
  const int64_t step = session_policy_.idle_timeout / 2;
  while (clock_.NowSeconds() + step < start + session_policy_.absolute_timeout) {
    clock_.Advance(step);
    ASSERT_TRUE(Resolves(s.token)) << "at +" << clock_.NowSeconds() - start;
  }
  clock_.Set(start + session_policy_.absolute_timeout);
  auto expired = service_->ResolveSession(s.token);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(store_->FindSession(AccountService::HashToken(s.token)).status().code(),
            StatusCode::kNotFound);
}

TEST_F(AccountServiceTest, RememberedSessionUsesLongerTimeouts) {
  SignUp("ada@example.com");
  auto remembered = SignIn("ada@example.com", kPassword, /*remember=*/true);
  auto plain = SignIn("ada@example.com", kPassword, /*remember=*/false);
  ASSERT_TRUE(remembered.ok() && plain.ok());
  EXPECT_TRUE(remembered->session.remember);
  EXPECT_EQ(remembered->session.expires_at,
            clock_.NowSeconds() + session_policy_.remember_absolute_timeout);
  clock_.Advance(session_policy_.idle_timeout);
  EXPECT_FALSE(Resolves(plain->token));
  EXPECT_TRUE(Resolves(remembered->token));
}

TEST_F(AccountServiceTest, ResolveSessionFailsForDisabledAccount) {
  NewSession s = SignUp("ada@example.com");
  ASSERT_TRUE(store_->SetDisabled(s.account.id, clock_.NowSeconds()).ok());
  auto r = service_->ResolveSession(s.token);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated);
}

TEST_F(AccountServiceTest, SignOutDeletesTheSession) {
  NewSession s = SignUp("ada@example.com");
  ASSERT_TRUE(service_->SignOut(s.token).ok());
  EXPECT_FALSE(Resolves(s.token));
  EXPECT_EQ(store_->FindSession(AccountService::HashToken(s.token)).status().code(),
            StatusCode::kNotFound);
  EXPECT_TRUE(service_->SignOut(s.token).ok());  // again: still OK
}

// ---- password change ----

TEST_F(AccountServiceTest, ChangePasswordWithWrongCurrentPasswordIsRefused) {
  NewSession s = SignUp("ada@example.com");
  auto active = service_->ResolveSession(s.token);
  ASSERT_TRUE(active.ok());
  Field field = Field::kNone;
  auto changed =
      service_->ChangePassword(*active, "not my password", kNewPassword, client_, &field);
  ASSERT_FALSE(changed.ok());
  EXPECT_EQ(changed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(field, Field::kCurrentPassword);
  EXPECT_TRUE(Resolves(s.token));
  EXPECT_TRUE(SignIn("ada@example.com", kPassword).ok());
  EXPECT_FALSE(SignIn("ada@example.com", kNewPassword).ok());
}

TEST_F(AccountServiceTest, ChangePasswordRefusesCommonNewPassword) {
  NewSession s = SignUp("ada@example.com");
  auto active = service_->ResolveSession(s.token);
  ASSERT_TRUE(active.ok());
  Field field = Field::kNone;
  auto changed = service_->ChangePassword(*active, kPassword, "iloveyou1", client_, &field);
  ASSERT_FALSE(changed.ok());
  EXPECT_EQ(changed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(field, Field::kPassword);
  EXPECT_TRUE(Resolves(s.token));
  EXPECT_TRUE(SignIn("ada@example.com", kPassword).ok());
}

TEST_F(AccountServiceTest, ChangePasswordEndsOtherSessionsAndStartsANewOne) {
  NewSession here = SignUp("ada@example.com");
  auto elsewhere = SignIn("ada@example.com", kPassword);
  ASSERT_TRUE(elsewhere.ok());
  NewSession other_account = SignUp("bob@example.com");
  auto active = service_->ResolveSession(here.token);
  ASSERT_TRUE(active.ok());

  Field field = Field::kNone;
  auto changed = service_->ChangePassword(*active, kPassword, kNewPassword, client_, &field);
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_EQ(field, Field::kNone);
  EXPECT_NE(changed->token, here.token);
  EXPECT_FALSE(Resolves(here.token));
  EXPECT_FALSE(Resolves(elsewhere->token));
  EXPECT_TRUE(Resolves(changed->token));
  EXPECT_TRUE(Resolves(other_account.token));

  EXPECT_FALSE(SignIn("ada@example.com", kPassword).ok());
  EXPECT_TRUE(SignIn("ada@example.com", kNewPassword).ok());
}

// ---- session list and revocation ----

TEST_F(AccountServiceTest, RevokeSessionOfAnotherAccountIsNotFound) {
  NewSession ada = SignUp("ada@example.com");
  NewSession bob = SignUp("bob@example.com");
  Status st = service_->RevokeSession(ada.account.id, bob.session.public_id);
  EXPECT_EQ(st.code(), StatusCode::kNotFound) << st.ToString();
  EXPECT_TRUE(Resolves(bob.token));
}

TEST_F(AccountServiceTest, RevokeSessionEndsOwnSession) {
  NewSession here = SignUp("ada@example.com");
  auto elsewhere = SignIn("ada@example.com", kPassword);
  ASSERT_TRUE(elsewhere.ok());
  auto listed = service_->ListSessions(here.account.id);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 2u);
  ASSERT_TRUE(service_->RevokeSession(here.account.id, elsewhere->session.public_id).ok());
  EXPECT_FALSE(Resolves(elsewhere->token));
  EXPECT_TRUE(Resolves(here.token));
  EXPECT_EQ(service_->RevokeSession(here.account.id, elsewhere->session.public_id).code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace portico::identity
