// The Outbox contract (outbox.h), run against SqliteOutbox: queueing, leases, retries, the dead
// letter state, budgets and purging.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "courier/sqlite_outbox.h"
#include "store/testing/network_database.h"

namespace portico::courier {
namespace {

constexpr int64_t kNow = 1'800'000'000;

Message Letter(const std::string& to, const std::string& kind = "verify") {
  Message m;
  m.to = to;
  m.subject = "Subject for " + to;
  m.text = "text";
  m.html = "<p>html</p>";
  m.kind = kind;
  m.account_id = "acc_1";
  return m;
}

class OutboxContractTest : public ::testing::Test {
 protected:
  store::testing::NetworkDatabase database_;
  SqliteOutbox outbox_{database_.db()};
};

TEST_F(OutboxContractTest, AQueuedMessageIsHandedOutOncePerLease) {
  auto id = outbox_.Submit(Letter("a@example.org"), {}, kNow);
  ASSERT_TRUE(id.ok());
  auto first = outbox_.ClaimDue(kNow, 10, 120);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].id, *id);
  EXPECT_EQ((*first)[0].message.to, "a@example.org");
  EXPECT_EQ((*first)[0].message.subject, "Subject for a@example.org");
  EXPECT_EQ((*first)[0].message.kind, "verify");
  EXPECT_EQ((*first)[0].state, MessageState::kPending);
  // Leased: not handed out again until the lease ends.
  EXPECT_TRUE(outbox_.ClaimDue(kNow + 119, 10, 120)->empty());
  EXPECT_EQ(outbox_.ClaimDue(kNow + 120, 10, 120)->size(), 1u);
}

TEST_F(OutboxContractTest, SentMessagesAreNotHandedOutAgain) {
  auto id = outbox_.Submit(Letter("a@example.org"), {}, kNow);
  ASSERT_TRUE(outbox_.ClaimDue(kNow, 10, 120).ok());
  ASSERT_TRUE(outbox_.MarkSent(*id, kNow + 1).ok());
  EXPECT_TRUE(outbox_.ClaimDue(kNow + 1000, 10, 120)->empty());
  auto listed = outbox_.List(10);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].state, MessageState::kSent);
  EXPECT_EQ((*listed)[0].attempts, 1);
  EXPECT_EQ((*listed)[0].sent_at, kNow + 1);
  EXPECT_EQ(outbox_.Counts()->sent, 1);
}

TEST_F(OutboxContractTest, AFailureWaitsUntilItsRetryTimeAndDeadLettersStop) {
  auto id = outbox_.Submit(Letter("a@example.org"), {}, kNow);
  ASSERT_TRUE(outbox_.ClaimDue(kNow, 10, 120).ok());
  ASSERT_TRUE(outbox_.MarkFailed(*id, "connection refused", kNow + 30, false).ok());
  EXPECT_EQ(*outbox_.NextDue(), kNow + 30);
  EXPECT_TRUE(outbox_.ClaimDue(kNow + 29, 10, 120)->empty());
  auto retried = outbox_.ClaimDue(kNow + 30, 10, 120);
  ASSERT_EQ(retried->size(), 1u);
  EXPECT_EQ((*retried)[0].attempts, 1);
  EXPECT_EQ((*retried)[0].last_error, "connection refused");
  ASSERT_TRUE(outbox_.MarkFailed(*id, "550 no such mailbox", kNow + 90, true).ok());
  EXPECT_TRUE(outbox_.ClaimDue(kNow + 100000, 10, 120)->empty());
  EXPECT_EQ(outbox_.Counts()->dead, 1);
  EXPECT_EQ(*outbox_.NextDue(), 0);
  // The operator's requeue makes it due again with a fresh count.
  EXPECT_EQ(*outbox_.Requeue(kNow + 200), 1);
  auto again = outbox_.ClaimDue(kNow + 200, 10, 120);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].attempts, 0);
}

TEST_F(OutboxContractTest, WakeAllMakesWaitingMessagesDueNow) {
  auto id = outbox_.Submit(Letter("a@example.org"), {}, kNow);
  ASSERT_TRUE(outbox_.ClaimDue(kNow, 10, 120).ok());
  ASSERT_TRUE(outbox_.MarkFailed(*id, "timeout", kNow + 3600, false).ok());
  ASSERT_TRUE(outbox_.WakeAll(kNow + 5).ok());
  EXPECT_EQ(outbox_.ClaimDue(kNow + 5, 10, 120)->size(), 1u);
}

TEST_F(OutboxContractTest, ClaimsComeOldestFirstAndRespectTheLimit) {
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(
        outbox_.Submit(Letter("m" + std::to_string(i) + "@example.org"), {}, kNow + i).ok());
  auto batch = outbox_.ClaimDue(kNow + 10, 3, 120);
  ASSERT_EQ(batch->size(), 3u);
  EXPECT_EQ((*batch)[0].message.to, "m0@example.org");
  EXPECT_EQ((*batch)[2].message.to, "m2@example.org");
  EXPECT_EQ(outbox_.ClaimDue(kNow + 10, 10, 120)->size(), 2u);
}

TEST_F(OutboxContractTest, ABudgetRefusesTheMessageOverItAndResetsWithItsWindow) {
  std::vector<RateLimit> limits = {{"address:a@example.org", 2, 3600}};
  EXPECT_TRUE(outbox_.Submit(Letter("a@example.org"), limits, kNow).ok());
  EXPECT_TRUE(outbox_.Submit(Letter("a@example.org"), limits, kNow + 1).ok());
  auto third = outbox_.Submit(Letter("a@example.org"), limits, kNow + 2);
  EXPECT_EQ(third.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(outbox_.Counts()->pending, 2);  // the refused one was not queued
  // Charge counts against the same budget.
  EXPECT_EQ(outbox_.Charge(limits, kNow + 3).code(), StatusCode::kResourceExhausted);
  // Another subject has its own budget; a new window starts afresh.
  EXPECT_TRUE(
      outbox_.Submit(Letter("b@example.org"), {{"address:b@example.org", 2, 3600}}, kNow + 3).ok());
  EXPECT_TRUE(outbox_.Submit(Letter("a@example.org"), limits, kNow + 3600).ok());
}

TEST_F(OutboxContractTest, EveryLimitMustHaveRoomAndNoneIsChargedOnRefusal) {
  std::vector<RateLimit> both = {{"address:a@example.org", 5, 3600}, {"account:acc_1", 1, 3600}};
  EXPECT_TRUE(outbox_.Submit(Letter("a@example.org"), both, kNow).ok());
  EXPECT_EQ(outbox_.Submit(Letter("a@example.org"), both, kNow).status().code(),
            StatusCode::kResourceExhausted);
  // The refusal rolled back the address's charge too: four more fit under its own limit.
  std::vector<RateLimit> address_only = {{"address:a@example.org", 5, 3600}};
  for (int i = 0; i < 4; ++i)
    EXPECT_TRUE(outbox_.Submit(Letter("a@example.org"), address_only, kNow).ok()) << i;
  EXPECT_FALSE(outbox_.Submit(Letter("a@example.org"), address_only, kNow).ok());
}

TEST_F(OutboxContractTest, PurgeDropsOldSentMessagesOnly) {
  auto sent = outbox_.Submit(Letter("a@example.org"), {}, kNow);
  auto waiting = outbox_.Submit(Letter("b@example.org"), {}, kNow);
  ASSERT_TRUE(outbox_.ClaimDue(kNow, 10, 120).ok());
  ASSERT_TRUE(outbox_.MarkSent(*sent, kNow).ok());
  ASSERT_TRUE(outbox_.MarkFailed(*waiting, "down", kNow + 30, false).ok());
  EXPECT_GE(*outbox_.Purge(kNow + 1, kNow + 2), 1);
  auto counts = outbox_.Counts();
  EXPECT_EQ(counts->sent, 0);
  EXPECT_EQ(counts->pending, 1);
}

}  // namespace
}  // namespace portico::courier
