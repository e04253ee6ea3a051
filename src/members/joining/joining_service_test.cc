// Invitations and requests to join (M6) over the SQLite store: who may invite to what, the
// binding to the invited address, single use under concurrency, expiry, revocation, and requests
// decided once by the administrators of the requested location.
#include "members/joining/joining_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "members/membership/membership_service.h"
#include "members/sqlite_members_store.h"
#include "store/testing/network_database.h"

namespace portico::members {
namespace {

class JoiningServiceTest : public ::testing::Test {
 protected:
  Individual Person(const std::string& name, bool verified = true) {
    NetworkIdentity id{"sub-" + name, name, name + "@example.com", verified};
    auto made = membership_.CompleteProfile(id, {name, "", "", name + "@example.com"});
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    return *made;
  }

  void SetUp() override {
    a_ = Person("ada");
    auto org = membership_.Enroll(a_, {"Engines", "GB", ""}, {"HQ", "", "London", "", "", "GB"});
    ASSERT_TRUE(org.ok());
    org_ = org->id;
    hq_ = (*store_.ListLocations(org_))[0].id;
    l2_ = membership_.AddLocation(a_, org_, {"North", "", "Leeds", "", "", "GB"})->id;
    b_ = Person("babbage");
  }

  // A invites B to location 2 as Location Administrator; B accepts.
  void BJoinsAsLocationAdmin() {
    auto invited = joining_.Invite(a_, org_, l2_, "Babbage@Example.com", InvitedRights::kLocation,
                                   {ContactRole::kTechnical});
    ASSERT_TRUE(invited.ok()) << invited.status().ToString();
    ASSERT_TRUE(joining_.Accept(b_, invited->token).ok());
  }

  store::testing::MigratedDatabase database_{"members"};
  SqliteMembersStore store_{database_.db()};
  FakeClock clock_{1'800'000'000};
  MembershipService membership_{store_, clock_, crypto::SecureRandom::Get()};
  PrivateMailboxes private_{"gmail.com\nyahoo.com\n"};
  JoiningService joining_{store_, clock_, crypto::SecureRandom::Get(), &private_};
  Individual a_, b_;
  std::string org_, hq_, l2_;
};

TEST_F(JoiningServiceTest, AnInvitationBringsItsLocationRightsAndRolesToTheInvitedAddress) {
  BJoinsAsLocationAdmin();
  auto b = membership_.MembershipOf(b_, org_);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->location_id, l2_);
  EXPECT_FALSE(b->rights.global);
  EXPECT_EQ(b->rights.locations, std::set<std::string>{l2_});
  EXPECT_EQ(b->roles, std::set<ContactRole>{ContactRole::kTechnical});
}

TEST_F(JoiningServiceTest, AnInvitationWorksOnceForTheInvitedAddressOnly) {
  auto invited = joining_.Invite(a_, org_, l2_, "babbage@example.com", InvitedRights::kNone, {});
  ASSERT_TRUE(invited.ok());
  Individual eve = Person("eve");
  EXPECT_EQ(joining_.Accept(eve, invited->token).code(), StatusCode::kPermissionDenied);
  Individual unverified = Person("babbage2", false);
  unverified.signin_email = "babbage@example.com";
  EXPECT_EQ(joining_.Accept(unverified, invited->token).code(), StatusCode::kFailedPrecondition);
  // Raced by two browsers of the same person: one membership.
  std::atomic<int> accepted{0};
  std::thread one([&] {
    if (joining_.Accept(b_, invited->token).ok()) ++accepted;
  });
  std::thread two([&] {
    if (joining_.Accept(b_, invited->token).ok()) ++accepted;
  });
  one.join();
  two.join();
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_EQ(joining_.Accept(b_, invited->token).code(), StatusCode::kNotFound);
  EXPECT_EQ(joining_.Accept(b_, "not-a-token").code(), StatusCode::kNotFound);
}

TEST_F(JoiningServiceTest, InvitationsExpireAndCanBeRevoked) {
  auto late = joining_.Invite(a_, org_, l2_, "babbage@example.com", InvitedRights::kNone, {});
  clock_.Advance(7 * 86400 + 1);
  EXPECT_EQ(joining_.Accept(b_, late->token).code(), StatusCode::kNotFound);
  auto revoked = joining_.Invite(a_, org_, l2_, "babbage@example.com", InvitedRights::kNone, {});
  ASSERT_EQ(joining_.OpenInvitations(a_, org_)->size(), 1u);
  ASSERT_TRUE(joining_.Revoke(a_, org_, revoked->invitation.public_id).ok());
  EXPECT_EQ(joining_.Accept(b_, revoked->token).code(), StatusCode::kNotFound);
  EXPECT_TRUE(joining_.OpenInvitations(a_, org_)->empty());
}

TEST_F(JoiningServiceTest, ALocationAdministratorInvitesOnlyWithinTheirAuthority) {
  BJoinsAsLocationAdmin();
  EXPECT_TRUE(joining_.Invite(b_, org_, l2_, "c@example.com", InvitedRights::kLocation, {}).ok());
  EXPECT_EQ(
      joining_.Invite(b_, org_, hq_, "c@example.com", InvitedRights::kNone, {}).status().code(),
      StatusCode::kPermissionDenied);
  EXPECT_EQ(
      joining_.Invite(b_, org_, l2_, "c@example.com", InvitedRights::kGlobal, {}).status().code(),
      StatusCode::kPermissionDenied);
  EXPECT_EQ(
      joining_.Invite(b_, org_, l2_, "c@example.com", InvitedRights::kNone, {ContactRole::kBilling})
          .status()
          .code(),
      StatusCode::kPermissionDenied);
  // A plain member, and a person from outside, invite nobody.
  Individual dora = Person("dora");
  auto d_invite = joining_.Invite(a_, org_, hq_, "dora@example.com", InvitedRights::kNone, {});
  ASSERT_TRUE(joining_.Accept(dora, d_invite->token).ok());
  EXPECT_EQ(
      joining_.Invite(dora, org_, hq_, "x@example.com", InvitedRights::kNone, {}).status().code(),
      StatusCode::kPermissionDenied);
  Individual stranger = Person("stranger");
  EXPECT_EQ(joining_.Invite(stranger, org_, hq_, "x@example.com", InvitedRights::kNone, {})
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  // An address is checked; a location of another organization is refused.
  EXPECT_EQ(
      joining_.Invite(a_, org_, hq_, "not an address", InvitedRights::kNone, {}).status().code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(joining_.Invite(a_, org_, "loc_other", "x@example.com", InvitedRights::kNone, {})
                .status()
                .code(),
            StatusCode::kNotFound);
}

TEST_F(JoiningServiceTest, ARequestGoesToTheLocationsAdministratorsAndIsDecidedOnce) {
  BJoinsAsLocationAdmin();
  Individual dora = Person("dora");
  ASSERT_TRUE(joining_.RequestToJoin(dora, org_, l2_, "I run the Leeds lab").ok());
  EXPECT_EQ(joining_.RequestToJoin(dora, org_, l2_, "again").code(),
            StatusCode::kFailedPrecondition);
  auto for_b = joining_.Requests(b_, org_);
  ASSERT_TRUE(for_b.ok());
  ASSERT_EQ(for_b->size(), 1u);
  EXPECT_EQ((*for_b)[0].individual.name, "dora");
  EXPECT_EQ((*for_b)[0].individual.signin_email, "dora@example.com");
  EXPECT_TRUE((*for_b)[0].individual.signin_email_verified);
  EXPECT_EQ((*for_b)[0].message, "I run the Leeds lab");
  // A request for the headquarters is not B's to see or decide.
  Individual hal = Person("hal");
  ASSERT_TRUE(joining_.RequestToJoin(hal, org_, hq_, "").ok());
  EXPECT_EQ(joining_.Requests(b_, org_)->size(), 1u);
  EXPECT_EQ(joining_.Requests(a_, org_)->size(), 2u);
  std::string hal_request;
  auto for_a = joining_.Requests(a_, org_);
  ASSERT_TRUE(for_a.ok());
  for (const auto& r : *for_a)
    if (r.individual.name == "hal") hal_request = r.id;
  EXPECT_EQ(joining_.Decide(b_, org_, hal_request, true).code(), StatusCode::kPermissionDenied);
  // B approves Dora: a member with no rights; a second decision finds nothing open.
  ASSERT_TRUE(joining_.Decide(b_, org_, (*for_b)[0].id, true).ok());
  auto d = membership_.MembershipOf(dora, org_);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->location_id, l2_);
  EXPECT_FALSE(d->rights.any());
  EXPECT_EQ(joining_.Decide(b_, org_, (*for_b)[0].id, false).code(), StatusCode::kNotFound);
  EXPECT_EQ(joining_.Requests(dora, org_).status().code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(joining_.Decide(a_, org_, hal_request, false).ok());
  EXPECT_EQ(membership_.MembershipOf(hal, org_).status().code(), StatusCode::kPermissionDenied);
}

TEST_F(JoiningServiceTest, AnOrganizationThatRequiresCompanyEmailRefusesPrivateMailboxes) {
  std::string name = store_.FindOrganization(org_)->name;
  ASSERT_TRUE(membership_.EditOrganization(a_, org_, std::nullopt, true).ok());
  EXPECT_EQ(store_.FindOrganization(org_)->name, name);  // the setting alone changed
  ASSERT_TRUE(
      membership_.EditOrganization(a_, org_, OrganizationInput{"Engines", "GB", ""}, std::nullopt)
          .ok());
  EXPECT_EQ(store_.FindOrganization(org_)->name, "Engines");
  EXPECT_TRUE(store_.FindOrganization(org_)->company_email_required);  // the details alone
  NetworkIdentity id{"sub-gina", "Gina", "gina@Gmail.com", true};
  Individual gina = *membership_.CompleteProfile(id, {"Gina", "", "", "gina@gmail.com"});
  Status asked = joining_.RequestToJoin(gina, org_, l2_, "");
  EXPECT_EQ(asked.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(asked.message(), ::testing::HasSubstr("company e-mail"));
  auto invited = joining_.Invite(a_, org_, l2_, "gina@gmail.com", InvitedRights::kNone, {});
  ASSERT_TRUE(invited.ok());
  EXPECT_EQ(joining_.Accept(gina, invited->token).code(), StatusCode::kFailedPrecondition);
  // The invitation stays open; a company address is welcome.
  EXPECT_EQ(joining_.OpenInvitations(a_, org_)->size(), 1u);
  EXPECT_TRUE(joining_.RequestToJoin(b_, org_, l2_, "").ok());
  // Without the setting, a private mailbox may ask.
  ASSERT_TRUE(
      membership_.EditOrganization(a_, org_, OrganizationInput{"Engines", "GB", ""}, false).ok());
  EXPECT_TRUE(joining_.RequestToJoin(gina, org_, l2_, "").ok());
  // Only a Global Administrator changes the setting.
  EXPECT_EQ(
      membership_.EditOrganization(b_, org_, OrganizationInput{"Engines", "GB", ""}, true).code(),
      StatusCode::kPermissionDenied);
}

TEST_F(JoiningServiceTest, JoiningIsInTheAuditLog) {
  BJoinsAsLocationAdmin();
  std::vector<std::string> actions;
  auto log = membership_.Audit(a_, org_);
  ASSERT_TRUE(log.ok());
  for (const auto& e : *log) actions.push_back(e.action);
  EXPECT_THAT(actions, ::testing::ElementsAre("invitation.accepted", "invitation.sent",
                                              "location.added", "organization.enrolled"));
}

}  // namespace
}  // namespace portico::members
