// The EmailStore contract (email_store.h) on SqliteEmailStore: links and codes are spent at most
// once under concurrency, codes die after their failure budget, expired tokens never work, and
// address changes keep one primary address per account.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "crypto/digest.h"
#include "identity/sqlite_email_store.h"
#include "identity/sqlite_identity_store.h"
#include "store/testing/network_database.h"

namespace portico::identity {
namespace {

constexpr int64_t kNow = 1'800'000'000;

class EmailStoreContractTest : public ::testing::Test {
 protected:
  EmailToken Token(const std::string& link, TokenPurpose purpose, const std::string& code = "") {
    EmailToken t;
    t.token_hash = crypto::Sha256(link);
    t.public_id = "pub-" + link;
    t.purpose = purpose;
    t.account_id = purpose == TokenPurpose::kSignUp ? "" : "acc_1";
    t.address = "ada@example.org";
    t.address_key = "ada@example.org";
    if (!code.empty()) t.code_hash = HashCode(t.token_hash, code);
    t.created_at = kNow;
    t.expires_at = kNow + 600;
    return t;
  }

  Account MakeAccount(const std::string& id, const std::string& email) {
    NewAccount n;
    n.id = id;
    n.email = email;
    n.email_key = email;
    n.profile.given_name = "Ada";
    n.password_hash = "$argon2id$test";
    n.now = kNow;
    auto created = emails_.CreateVerifiedAccount(n, std::nullopt);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? *created : Account{};
  }

  store::testing::NetworkDatabase database_;
  SqliteIdentityStore identity_{database_.db()};
  SqliteEmailStore emails_{database_.db(), identity_};
};

TEST_F(EmailStoreContractTest, ALinkIsSpentOnceEvenWhenRacedAndNeverAfterItExpires) {
  ASSERT_TRUE(emails_.CreateToken(Token("link-1", TokenPurpose::kReset)).ok());
  std::atomic<int> spent{0};
  std::vector<std::thread> racers;
  for (int i = 0; i < 8; ++i) {
    racers.emplace_back([&] {
      if (emails_.Consume(crypto::Sha256("link-1"), TokenPurpose::kReset, kNow).ok()) ++spent;
    });
  }
  for (auto& t : racers) t.join();
  EXPECT_EQ(spent.load(), 1);
  auto found = emails_.FindToken(crypto::Sha256("link-1"));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->used_at, kNow);

  ASSERT_TRUE(emails_.CreateToken(Token("link-2", TokenPurpose::kReset)).ok());
  EXPECT_EQ(
      emails_.Consume(crypto::Sha256("link-2"), TokenPurpose::kReset, kNow + 600).status().code(),
      StatusCode::kNotFound);
  // Another purpose never spends it.
  EXPECT_EQ(emails_.Consume(crypto::Sha256("link-2"), TokenPurpose::kUndo, kNow).status().code(),
            StatusCode::kNotFound);
  EXPECT_TRUE(emails_.Consume(crypto::Sha256("link-2"), TokenPurpose::kReset, kNow).ok());
}

TEST_F(EmailStoreContractTest, ACodeIsAcceptedOnceAndDiesAfterItsFailureBudget) {
  EmailToken t = Token("link-3", TokenPurpose::kVerify, "123456");
  ASSERT_TRUE(emails_.CreateToken(t).ok());
  CodeTarget target{"", "acc_1", t.public_id};
  EmailToken out;
  EXPECT_EQ(*emails_.ConsumeCode(target, "000000", kNow, 3, &out), CodeVerdict::kWrong);
  EXPECT_EQ(*emails_.ConsumeCode(target, "000001", kNow, 3, &out), CodeVerdict::kWrong);
  // Another account cannot aim at it.
  CodeTarget foreign{"", "acc_2", t.public_id};
  EXPECT_EQ(*emails_.ConsumeCode(foreign, "123456", kNow, 3, &out), CodeVerdict::kGone);
  EXPECT_EQ(*emails_.ConsumeCode(target, "123456", kNow, 3, &out), CodeVerdict::kAccepted);
  EXPECT_EQ(out.address, "ada@example.org");
  EXPECT_EQ(*emails_.ConsumeCode(target, "123456", kNow, 3, &out), CodeVerdict::kGone);

  EmailToken u = Token("link-4", TokenPurpose::kVerify, "654321");
  ASSERT_TRUE(emails_.CreateToken(u).ok());
  CodeTarget second{"", "acc_1", u.public_id};
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(*emails_.ConsumeCode(second, "111111", kNow, 3, &out), CodeVerdict::kWrong);
  EXPECT_EQ(*emails_.ConsumeCode(second, "654321", kNow, 3, &out), CodeVerdict::kGone);
}

TEST_F(EmailStoreContractTest, ParallelRightCodesSucceedOnce) {
  EmailToken t = Token("link-5", TokenPurpose::kSignUp, "246810");
  t.flow_hash = crypto::Sha256("flow-5");
  ASSERT_TRUE(emails_.CreateToken(t).ok());
  std::atomic<int> accepted{0};
  std::vector<std::thread> racers;
  for (int i = 0; i < 8; ++i) {
    racers.emplace_back([&] {
      EmailToken out;
      auto v = emails_.ConsumeCode({crypto::Sha256("flow-5"), "", ""}, "246810", kNow, 5, &out);
      if (v.ok() && *v == CodeVerdict::kAccepted) ++accepted;
    });
  }
  for (auto& r : racers) r.join();
  EXPECT_EQ(accepted.load(), 1);
}

TEST_F(EmailStoreContractTest, RenewReplacesLinkAndCode) {
  EmailToken t = Token("old-link", TokenPurpose::kSignUp, "111111");
  t.flow_hash = crypto::Sha256("flow-6");
  ASSERT_TRUE(emails_.CreateToken(t).ok());
  std::string fresh = crypto::Sha256("new-link");
  ASSERT_TRUE(emails_.Renew(t.token_hash, fresh, HashCode(fresh, "222222"), kNow + 900).ok());
  EXPECT_EQ(emails_.Consume(t.token_hash, TokenPurpose::kSignUp, kNow).status().code(),
            StatusCode::kNotFound);
  EmailToken out;
  CodeTarget flow{crypto::Sha256("flow-6"), "", ""};
  EXPECT_EQ(*emails_.ConsumeCode(flow, "111111", kNow, 5, &out), CodeVerdict::kWrong);
  EXPECT_EQ(*emails_.ConsumeCode(flow, "222222", kNow + 700, 5, &out), CodeVerdict::kAccepted);
}

TEST_F(EmailStoreContractTest, AddressesKeepOnePrimaryAndBelongToOneAccount) {
  Account ada = MakeAccount("acc_1", "ada@example.org");
  MakeAccount("acc_2", "grace@example.org");
  EXPECT_TRUE(ada.email_verified);
  std::optional<EmailEntry> previous;
  EXPECT_EQ(emails_
                .AddVerifiedAddress("acc_1", "grace@example.org", "grace@example.org", false, 11,
                                    kNow, &previous)
                .code(),
            StatusCode::kAlreadyExists);
  ASSERT_TRUE(emails_
                  .AddVerifiedAddress("acc_1", "Ada.L@example.org", "ada.l@example.org", true, 11,
                                      kNow, &previous)
                  .ok());
  ASSERT_TRUE(previous.has_value());
  EXPECT_EQ(previous->address, "ada@example.org");
  auto list = emails_.ListAddresses("acc_1");
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].address, "Ada.L@example.org");
  EXPECT_TRUE((*list)[0].primary);
  EXPECT_FALSE((*list)[1].primary);
  EXPECT_EQ(emails_.RemoveAddress("acc_1", "ada.l@example.org").code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      emails_
          .AddVerifiedAddress("acc_1", "x@example.org", "x@example.org", false, 2, kNow, &previous)
          .code(),
      StatusCode::kResourceExhausted);
  // Undo: the old address is primary again, the new one is gone.
  ASSERT_TRUE(
      emails_
          .RestorePrimary("acc_1", "ada@example.org", "ada@example.org", "ada.l@example.org", kNow)
          .ok());
  list = emails_.ListAddresses("acc_1");
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].address, "ada@example.org");
  EXPECT_TRUE((*list)[0].primary);
}

}  // namespace
}  // namespace portico::identity
