// Leadership on PostgreSQL between gateways sharing one database: one leader per role, the
// role moves when its leader goes, and a leader that loses the database stops leading.
#include "pg_leadership.h"
#include "store_fixture.h"
#include "support/wait.h"

namespace fieldgate::test {
namespace {

using store::LeaderRole;

store::PgStoreOptions shared_options(const std::string& url) {
    store::PgStoreOptions o;
    o.url = url;
    o.password = shared_pg_cluster().password();
    return o;
}

TEST(PgLeadership, EachRoleHasOneLeader) {
    const auto options = shared_options(fresh_pg_database("lead"));
    store::PgLeadership a(options), b(options);
    EXPECT_TRUE(a.leads(LeaderRole::pruning));
    EXPECT_FALSE(b.leads(LeaderRole::pruning));
    EXPECT_TRUE(b.leads(LeaderRole::polling)) << "roles are led apart";
    EXPECT_FALSE(a.leads(LeaderRole::polling));
    EXPECT_TRUE(a.leads(LeaderRole::pruning)) << "a leader keeps its role";
}

TEST(PgLeadership, RoleMovesWhenItsLeaderGoes) {
    const auto options = shared_options(fresh_pg_database("lead"));
    auto a = std::make_unique<store::PgLeadership>(options);
    store::PgLeadership b(options);
    ASSERT_TRUE(a->leads(LeaderRole::watchdog));
    ASSERT_FALSE(b.leads(LeaderRole::watchdog));
    a.reset();  // the gateway is gone: its session ends
    EXPECT_TRUE(
        wait_until([&] { return b.leads(LeaderRole::watchdog); }, std::chrono::seconds(10)));
}

TEST(PgLeadership, LeaderThatLosesTheDatabaseStopsLeadingAndLeadsAgainAfter) {
    PgCluster cluster(PgClusterOptions{.fsync = false});
    store::PgStoreOptions options;
    options.url = cluster.create_database("lead");
    options.password = cluster.password();
    store::PgLeadership a(options);
    ASSERT_TRUE(a.leads(LeaderRole::pruning));
    cluster.stop();
    EXPECT_TRUE(
        wait_until([&] { return !a.leads(LeaderRole::pruning); }, std::chrono::seconds(10)));
    cluster.start();
    EXPECT_TRUE(wait_until([&] { return a.leads(LeaderRole::pruning); }, std::chrono::seconds(10)));
}

}  // namespace
}  // namespace fieldgate::test
