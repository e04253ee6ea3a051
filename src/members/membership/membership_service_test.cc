// The Membership Center's rules over its SQLite store (M2–M5, M8, M9): enrolment, locations,
// who may grant what, the last Global Administrator and the Primary Program Contact, what each
// kind of person may see, and the audit trail.
#include "members/membership/membership_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "members/sqlite_members_store.h"
#include "store/testing/network_database.h"

namespace portico::members {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class MembershipServiceTest : public ::testing::Test {
 protected:
  Individual Person(const std::string& name) {
    NetworkIdentity id{"sub-" + name, name, name + "@example.com", true};
    auto made = service_.CompleteProfile(id, {name, "Engineer", "", name + "@example.com"});
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    return *made;
  }

  // Puts `who` into the organization at `location` (the end of an invitation or request, which
  // are tested with their own flows).
  void Join(const Individual& who, const std::string& org, const std::string& location) {
    Member m;
    m.individual = who;
    m.organization_id = org;
    m.location_id = location;
    AuditEntry audit;
    audit.organization_id = org;
    audit.actor_id = who.id;
    audit.action = "member.joined";
    audit.at = clock_.NowSeconds();
    ASSERT_TRUE(store_.AddMember(m, audit).ok());
  }

  void SetUp() override {
    a_ = Person("Ada");
    auto org = service_.Enroll(a_, {"Analytical Engines", "GB", "https://engines.example"},
                               {"Headquarters", "1 Main St", "London", "", "N1", "GB"});
    ASSERT_TRUE(org.ok()) << org.status().ToString();
    org_ = org->id;
    hq_ = (*store_.ListLocations(org_))[0].id;
    auto second = service_.AddLocation(a_, org_, {"Manchester", "", "Manchester", "", "", "GB"});
    ASSERT_TRUE(second.ok());
    l2_ = second->id;
    b_ = Person("Babbage");
    d_ = Person("Dora");
    h_ = Person("Hopper");
    Join(b_, org_, l2_);
    Join(d_, org_, l2_);
    Join(h_, org_, hq_);
    Rights b_rights;
    b_rights.locations = {l2_};
    ASSERT_TRUE(service_.ChangeRights(a_, org_, b_.id, b_rights).ok());
  }

  store::testing::MigratedDatabase database_{"members"};
  SqliteMembersStore store_{database_.db()};
  FakeClock clock_{1'800'000'000};
  MembershipService service_{store_, clock_, crypto::SecureRandom::Get()};
  Individual a_, b_, d_, h_;
  std::string org_, hq_, l2_;
};

TEST_F(MembershipServiceTest, TheEnrollingPersonIsGlobalAdministratorAndPrimaryContact) {
  auto me = service_.MembershipOf(a_, org_);
  ASSERT_TRUE(me.ok());
  EXPECT_TRUE(me->rights.global);
  EXPECT_TRUE(me->roles.count(ContactRole::kPrimary));
  EXPECT_EQ(me->location_id, hq_);
  auto locations = store_.ListLocations(org_);
  ASSERT_EQ(locations->size(), 2u);
  EXPECT_TRUE((*locations)[0].headquarters);
  EXPECT_EQ((*locations)[0].city, "London");
}

TEST_F(MembershipServiceTest, OnlyGlobalAdministratorsAddLocationsAndLocationAdminsEditTheirOwn) {
  EXPECT_EQ(service_.AddLocation(b_, org_, {"Leeds", "", "Leeds", "", "", "GB"}).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(
      service_.EditLocation(b_, org_, l2_, {"Manchester North", "", "Manchester", "", "", "GB"})
          .ok());
  EXPECT_EQ(service_.EditLocation(b_, org_, hq_, {"HQ", "", "London", "", "", "GB"}).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(service_.EditLocation(d_, org_, l2_, {"X", "", "X", "", "", "GB"}).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(service_.AddLocation(a_, org_, {"", "", "Leeds", "", "", "GB"}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(MembershipServiceTest, ALocationAdministratorSeesOnlyTheirLocationsPeople) {
  auto seen = service_.People(b_, org_, "");
  ASSERT_TRUE(seen.ok());
  std::vector<std::string> names;
  for (const auto& m : *seen) names.push_back(m.individual.name);
  EXPECT_THAT(names, UnorderedElementsAre("Babbage", "Dora"));
  EXPECT_EQ(service_.People(b_, org_, hq_).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(service_.People(a_, org_, "")->size(), 4u);
  EXPECT_EQ(service_.People(a_, org_, l2_)->size(), 2u);
  // A plain member sees no administration page; a stranger not even the membership.
  EXPECT_EQ(service_.People(d_, org_, "").status().code(), StatusCode::kPermissionDenied);
  Individual stranger = Person("Stranger");
  EXPECT_EQ(service_.People(stranger, org_, "").status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(service_.MembershipOf(stranger, org_).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(service_.Audit(b_, org_).status().code(), StatusCode::kPermissionDenied);
}

TEST_F(MembershipServiceTest, NobodyGrantsWhatTheyDoNotHoldOrRaisesTheirOwnRights) {
  Rights global;
  global.global = true;
  Rights hq_admin;
  hq_admin.locations = {hq_};
  Rights l2_admin;
  l2_admin.locations = {l2_};
  // B holds Manchester only.
  EXPECT_EQ(service_.ChangeRights(b_, org_, d_.id, global).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(service_.ChangeRights(b_, org_, d_.id, hq_admin).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(service_.ChangeRights(b_, org_, h_.id, l2_admin).code(),
            StatusCode::kPermissionDenied);  // Hopper belongs to the headquarters
  Rights b_raised = l2_admin;
  b_raised.locations.insert(hq_);
  EXPECT_EQ(service_.ChangeRights(b_, org_, b_.id, b_raised).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(service_.ChangeRights(b_, org_, b_.id, global).code(), StatusCode::kPermissionDenied);
  // What B holds, B may grant to D at Manchester.
  EXPECT_TRUE(service_.ChangeRights(b_, org_, d_.id, l2_admin).ok());
  EXPECT_EQ(service_.MembershipOf(d_, org_)->rights, l2_admin);
  // A plain member grants nothing.
  EXPECT_EQ(service_.ChangeRights(h_, org_, h_.id, hq_admin).code(), StatusCode::kPermissionDenied);
  // Rights name locations of this organization only.
  Rights foreign;
  foreign.locations = {"loc_elsewhere"};
  EXPECT_EQ(service_.ChangeRights(a_, org_, h_.id, foreign).code(), StatusCode::kInvalidArgument);
}

TEST_F(MembershipServiceTest, TheLastGlobalAdministratorStays) {
  EXPECT_EQ(service_.ChangeRights(a_, org_, a_.id, Rights{}).code(),
            StatusCode::kFailedPrecondition);
  Rights global;
  global.global = true;
  ASSERT_TRUE(service_.ChangeRights(a_, org_, h_.id, global).ok());
  EXPECT_TRUE(service_.ChangeRights(a_, org_, a_.id, Rights{}).ok());  // lowering oneself is fine
  EXPECT_EQ(service_.RemoveMember(h_, org_, h_.id).code(), StatusCode::kFailedPrecondition);
}

TEST_F(MembershipServiceTest, TwoGlobalAdministratorsRemovingEachOtherAtOnceLeaveOne) {
  Rights global;
  global.global = true;
  ASSERT_TRUE(service_.ChangeRights(a_, org_, h_.id, global).ok());
  std::atomic<int> done{0};
  std::thread one([&] {
    if (service_.ChangeRights(a_, org_, h_.id, Rights{}).ok()) ++done;
  });
  std::thread two([&] {
    if (service_.ChangeRights(h_, org_, a_.id, Rights{}).ok()) ++done;
  });
  one.join();
  two.join();
  EXPECT_EQ(done.load(), 1);
  int globals = 0;
  auto members = store_.ListMembers(org_, "");
  ASSERT_TRUE(members.ok());
  for (const auto& m : *members)
    if (m.rights.global) ++globals;
  EXPECT_EQ(globals, 1);
}

TEST_F(MembershipServiceTest, ThePrimaryContactIsHandedOverNeverRemoved) {
  EXPECT_EQ(service_.RemoveMember(a_, org_, a_.id).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(service_.HandOverPrimary(d_, org_, d_.id).code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(service_.HandOverPrimary(a_, org_, b_.id).ok());
  EXPECT_TRUE(service_.MembershipOf(b_, org_)->roles.count(ContactRole::kPrimary));
  EXPECT_FALSE(service_.MembershipOf(a_, org_)->roles.count(ContactRole::kPrimary));
  EXPECT_EQ(service_.RemoveMember(a_, org_, b_.id).code(), StatusCode::kFailedPrecondition);
  // Other roles never touch the primary one.
  ASSERT_TRUE(service_.ChangeRoles(a_, org_, b_.id, {ContactRole::kBilling}).ok());
  EXPECT_THAT(service_.MembershipOf(b_, org_)->roles,
              UnorderedElementsAre(ContactRole::kPrimary, ContactRole::kBilling));
  ASSERT_TRUE(
      service_.ChangeRoles(a_, org_, h_.id, {ContactRole::kPrimary, ContactRole::kSales}).ok());
  EXPECT_THAT(service_.MembershipOf(h_, org_)->roles, ElementsAre(ContactRole::kSales));
  EXPECT_EQ(service_.ChangeRoles(b_, org_, d_.id, {ContactRole::kTechnical}).code(),
            StatusCode::kPermissionDenied);
}

TEST_F(MembershipServiceTest, LocationAdministratorsRemoveOnlyTheirPeople) {
  EXPECT_EQ(service_.RemoveMember(b_, org_, h_.id).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(service_.RemoveMember(d_, org_, b_.id).code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(service_.RemoveMember(b_, org_, d_.id).ok());
  EXPECT_EQ(service_.MembershipOf(d_, org_).status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(service_.RemoveMember(h_, org_, h_.id).ok());  // anyone may leave
}

TEST_F(MembershipServiceTest, ANewNetworkAddressShowsAtTheNextSignIn) {
  NetworkIdentity changed{"sub-Babbage", "Charles Babbage", "charles@engines.example", true};
  auto me = service_.SignedIn(changed);
  ASSERT_TRUE(me.ok());
  EXPECT_EQ(me->id, b_.id);
  EXPECT_EQ(store_.FindIndividual(b_.id)->signin_email, "charles@engines.example");
  // The name follows the Network's, since Babbage never chose another one here.
  EXPECT_EQ(store_.FindIndividual(b_.id)->name, "Charles Babbage");
  // Dora chose her own name at the Membership Center: the Network's new one does not replace it.
  ASSERT_TRUE(service_.UpdateProfile(d_, {"Dora of Leeds", "", "", "Dora@example.com"}).ok());
  ASSERT_TRUE(service_.SignedIn({"sub-Dora", "Dora Smith", "Dora@example.com", true}).ok());
  EXPECT_EQ(store_.FindIndividual(d_.id)->name, "Dora of Leeds");
  EXPECT_EQ(store_.FindIndividual(d_.id)->network_name, "Dora Smith");
  // Both changes are in the organization's audit log.
  auto log = service_.Audit(a_, org_);
  ASSERT_TRUE(log.ok());
  int refreshed = 0, updated = 0;
  for (const auto& e : *log) {
    if (e.action == "profile.network_changed") ++refreshed;
    if (e.action == "profile.updated") ++updated;
  }
  EXPECT_EQ(refreshed, 2);
  EXPECT_EQ(updated, 1);
  // Another Network account is another person: no profile yet.
  NetworkIdentity other{"sub-new-account", "Babbage", "charles@engines.example", true};
  EXPECT_EQ(service_.SignedIn(other).status().code(), StatusCode::kNotFound);
}

TEST_F(MembershipServiceTest, EveryChangeIsInTheAuditLogWithBeforeAndAfter) {
  ASSERT_TRUE(service_.HandOverPrimary(a_, org_, b_.id).ok());
  auto log = service_.Audit(a_, org_);
  ASSERT_TRUE(log.ok());
  std::vector<std::string> actions;
  for (const auto& e : *log) actions.push_back(e.action);
  EXPECT_THAT(actions, ElementsAre("primary_contact.handed_over", "rights.changed", "member.joined",
                                   "member.joined", "member.joined", "location.added",
                                   "organization.enrolled"));
  const AuditEntry& rights = (*log)[1];
  EXPECT_EQ(rights.actor_id, a_.id);
  EXPECT_EQ(rights.subject_id, b_.id);
  EXPECT_EQ(rights.before_json, R"({"global":false,"locations":[]})");
  EXPECT_EQ(rights.after_json, R"({"global":false,"locations":[")" + l2_ + R"("]})");
}

}  // namespace
}  // namespace portico::members
