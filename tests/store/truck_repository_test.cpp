// TruckRepository on both stores: positions append to the history and move the latest forward
// only, state and route are kept per truck, a truck belongs to the vendor that claimed it first
// (on PostgreSQL also when two gateways' writers claim it at once), the history is pruned and
// read back by time, and a route's stops come in stop order.
#include <chrono>
#include <future>
#include <thread>

#include "pg_transaction.h"
#include "store_fixture.h"

namespace fieldgate::test {
namespace {

class TruckRepositoryTest : public StoreTest {
  protected:
    static store::PositionRow fix(const std::string& truck, const std::string& at, double lat,
                                  std::optional<double> speed = std::nullopt,
                                  std::optional<double> heading = std::nullopt) {
        store::PositionRow p;
        p.truck_id = truck;
        p.vendor = "riverbend";
        p.fix_time = at;
        p.lat = lat;
        p.lon = -122.6765432109876;
        p.speed_kmh = speed;
        p.heading = heading;
        return p;
    }

    // A work order on a route (plain SQL: work orders are another repository's).
    void add_stop(const std::string& id, const std::string& vendor, const std::string& route,
                  const std::string& date, const std::string& stop_seq_sql,
                  const std::string& status = "scheduled") {
        setup_sql(
            "INSERT INTO work_orders (id, crm_case_id, service_type, address, lat, lon, "
            "scheduled_date, window_start, window_end, items, instructions, customer, vendor, "
            "route_id, route_date, stop_seq, status, content_hash, created_at, updated_at) "
            "VALUES ('" +
            id + "', 'CASE-" + id + "', 'bulk_pickup', '1 Main St', 45.5, NULL, '" + date +
            "', '08:00', NULL, '[{\"kind\":\"sofa\"}]', 'Ring twice', '{}', '" + vendor + "', '" +
            route + "', '" + date + "', " + stop_seq_sql + ", '" + status +
            "', 'h', '2026-11-30T00:00:00Z', '2026-11-30T00:00:00Z')");
    }

    std::vector<std::string> fix_times(const std::vector<store::PositionRow>& rows) {
        std::vector<std::string> out;
        for (const auto& r : rows) out.push_back(r.fix_time + "@" + std::to_string(r.lat));
        return out;
    }
};

TEST_P(TruckRepositoryTest, PositionsFillTheHistoryAndTheLatest) {
    trucks().insert_positions({fix("T-1", "2026-12-01T08:00:00Z", 45.1, 31.5, 270.25),
                               fix("T-1", "2026-12-01T08:00:10Z", 45.2)},
                              {fix("T-1", "2026-12-01T08:00:10Z", 45.2, 12.0)},
                              "2026-12-01T08:00:11Z");
    const auto truck = trucks().find_truck("T-1");
    ASSERT_TRUE(truck);
    EXPECT_EQ(truck->vendor, "riverbend");
    EXPECT_EQ(truck->state, "unknown");
    EXPECT_FALSE(truck->state_at);
    EXPECT_EQ(truck->last_seen_at, "2026-12-01T08:00:11Z");
    ASSERT_TRUE(truck->position);
    EXPECT_EQ(truck->position->truck_id, "T-1");
    EXPECT_EQ(truck->position->vendor, "riverbend");
    EXPECT_EQ(truck->position->fix_time, "2026-12-01T08:00:10Z");
    EXPECT_EQ(truck->position->lat, 45.2);
    EXPECT_EQ(truck->position->lon, -122.6765432109876);  // every bit of the double
    EXPECT_EQ(truck->position->speed_kmh, 12.0);
    EXPECT_FALSE(truck->position->heading);
    EXPECT_FALSE(truck->route_id);
    const auto history = trucks().track("T-1", "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z", 10);
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[0].truck_id, "T-1");
    EXPECT_EQ(history[0].fix_time, "2026-12-01T08:00:00Z");
    EXPECT_EQ(history[0].lat, 45.1);
    EXPECT_EQ(history[0].lon, -122.6765432109876);
    EXPECT_EQ(history[0].speed_kmh, 31.5);
    EXPECT_EQ(history[0].heading, 270.25);
    EXPECT_FALSE(history[1].speed_kmh);
    EXPECT_FALSE(history[1].heading);
    EXPECT_FALSE(trucks().find_truck("T-2"));
}

TEST_P(TruckRepositoryTest, LateFixDoesNotMoveTheLatestBack) {
    trucks().insert_positions({}, {fix("T-1", "2026-12-01T08:00:10Z", 45.2, 12.0, 90.0)},
                              "2026-12-01T08:00:11Z");
    trucks().insert_positions({}, {fix("T-1", "2026-12-01T08:00:05Z", 45.9)},
                              "2026-12-01T08:00:20Z");
    auto truck = trucks().find_truck("T-1");
    ASSERT_TRUE(truck && truck->position);
    EXPECT_EQ(truck->position->fix_time, "2026-12-01T08:00:10Z");
    EXPECT_EQ(truck->position->lat, 45.2);
    EXPECT_EQ(truck->position->speed_kmh, 12.0);
    EXPECT_EQ(truck->position->heading, 90.0);
    EXPECT_EQ(truck->last_seen_at, "2026-12-01T08:00:20Z");  // heard from, even if late
    // A fix of the same time replaces the stored one, nulls included.
    trucks().insert_positions({}, {fix("T-1", "2026-12-01T08:00:10Z", 45.3)},
                              "2026-12-01T08:00:30Z");
    truck = trucks().find_truck("T-1");
    ASSERT_TRUE(truck && truck->position);
    EXPECT_EQ(truck->position->lat, 45.3);
    EXPECT_FALSE(truck->position->speed_kmh);
    EXPECT_FALSE(truck->position->heading);
    trucks().insert_positions({}, {fix("T-1", "2026-12-01T08:01:00Z", 45.4)},
                              "2026-12-01T08:01:01Z");
    truck = trucks().find_truck("T-1");
    ASSERT_TRUE(truck && truck->position);
    EXPECT_EQ(truck->position->fix_time, "2026-12-01T08:01:00Z");
    EXPECT_EQ(truck->position->lat, 45.4);
}

TEST_P(TruckRepositoryTest, StateAndRouteAreKeptApart) {
    trucks().set_truck_state("T-1", "riverbend", "online", "2026-12-01T07:00:00Z");
    auto truck = trucks().find_truck("T-1");
    ASSERT_TRUE(truck);
    EXPECT_EQ(truck->vendor, "riverbend");
    EXPECT_EQ(truck->state, "online");
    EXPECT_EQ(truck->state_at, "2026-12-01T07:00:00Z");
    EXPECT_EQ(truck->last_seen_at, "2026-12-01T07:00:00Z");
    EXPECT_FALSE(truck->position);
    trucks().set_truck_route("T-1", "riverbend", "R-9", "2026-12-01", "2026-12-01T07:05:00Z");
    trucks().set_truck_state("T-1", "other-vendor", "offline", "2026-12-01T18:00:00Z");
    truck = trucks().find_truck("T-1");
    ASSERT_TRUE(truck);
    EXPECT_EQ(truck->vendor, "riverbend");  // the first vendor stays
    EXPECT_EQ(truck->state, "offline");
    EXPECT_EQ(truck->state_at, "2026-12-01T18:00:00Z");
    EXPECT_EQ(truck->route_id, "R-9");
    EXPECT_EQ(truck->route_date, "2026-12-01");
    trucks().set_truck_route("T-2", "lakeside", "R-1", "2026-12-02", "2026-12-01T19:00:00Z");
    truck = trucks().find_truck("T-2");
    ASSERT_TRUE(truck);
    EXPECT_EQ(truck->vendor, "lakeside");
    EXPECT_EQ(truck->state, "unknown");
    EXPECT_FALSE(truck->state_at);
    EXPECT_FALSE(truck->last_seen_at);
    EXPECT_EQ(truck->route_id, "R-1");
    EXPECT_EQ(truck->route_date, "2026-12-02");
    trucks().set_truck_route("T-2", "lakeside", "R-2", "2026-12-03", "2026-12-01T19:30:00Z");
    truck = trucks().find_truck("T-2");
    ASSERT_TRUE(truck);
    EXPECT_EQ(truck->route_id, "R-2");
    EXPECT_EQ(truck->route_date, "2026-12-03");
}

TEST_P(TruckRepositoryTest, AClaimKeepsTheFirstVendorAndChangesNothingElse) {
    const auto first = trucks().claim_truck("T-1", "riverbend", "2026-12-01T07:00:00Z");
    EXPECT_EQ(first.truck_id, "T-1");
    EXPECT_EQ(first.vendor, "riverbend");
    EXPECT_EQ(first.state, "unknown");
    EXPECT_FALSE(first.state_at);
    EXPECT_FALSE(first.last_seen_at);
    EXPECT_FALSE(first.position);
    EXPECT_FALSE(first.route_id);
    trucks().set_truck_state("T-1", "riverbend", "online", "2026-12-01T07:01:00Z");
    trucks().set_truck_route("T-1", "riverbend", "R-9", "2026-12-01", "2026-12-01T07:02:00Z");
    // Another vendor claiming the id gets the owner back; the truck is left as it was.
    const auto again = trucks().claim_truck("T-1", "lakeside", "2026-12-01T08:00:00Z");
    EXPECT_EQ(again.vendor, "riverbend");
    EXPECT_EQ(again.state, "online");
    EXPECT_EQ(again.state_at, "2026-12-01T07:01:00Z");
    EXPECT_EQ(again.route_id, "R-9");
    EXPECT_EQ(again.route_date, "2026-12-01");
    EXPECT_EQ(query_value("SELECT updated_at FROM trucks WHERE truck_id = 'T-1'"),
              "2026-12-01T07:02:00Z");
    // A truck first seen through its positions or its route is claimed by that vendor too.
    trucks().set_truck_route("T-2", "lakeside", "R-1", "2026-12-02", "2026-12-01T09:00:00Z");
    const auto routed = trucks().claim_truck("T-2", "riverbend", "2026-12-01T09:01:00Z");
    EXPECT_EQ(routed.vendor, "lakeside");
    EXPECT_EQ(routed.route_id, "R-1");
    EXPECT_EQ(trucks().list_trucks(std::nullopt).size(), 2u);
}

// Two gateways' writers claim one new id at once, each in its own open transaction: the second
// waits for the first to commit and gets the first's vendor, never its own.
TEST_P(TruckRepositoryTest, TwoWritersClaimingOneIdAgreeOnTheFirst) {
    if (!pg_db()) GTEST_SKIP() << "one writer per SQLite file";
    const auto database = pg_db()->query("SELECT current_database()").text(0, 0);
    const auto url = shared_pg_cluster().url(database);
    pg::Connection first_db(url, shared_pg_cluster().password());
    pg::Connection second_db(url, shared_pg_cluster().password());
    store::PgTransaction first(first_db, true);
    store::PgTransaction second(second_db, true);
    first_db.exec("BEGIN");
    second_db.exec("BEGIN");
    EXPECT_EQ(first.claim_truck("T-7", "riverbend", "2026-12-01T07:00:00Z").vendor, "riverbend");
    auto waiting = std::async(std::launch::async, [&] {
        return second.claim_truck("T-7", "lakeside", "2026-12-01T07:00:01Z").vendor;
    });
    // Still waiting for the first transaction's row.
    EXPECT_EQ(waiting.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
    first_db.exec("COMMIT");
    EXPECT_EQ(waiting.get(), "riverbend");
    second_db.exec("COMMIT");
    const auto truck = trucks().find_truck("T-7");
    ASSERT_TRUE(truck);
    EXPECT_EQ(truck->vendor, "riverbend");
}

TEST_P(TruckRepositoryTest, ListIsInTruckIdOrderAndFiltersByVendor) {
    trucks().set_truck_state("t-1", "riverbend", "online", "2026-12-01T07:00:00Z");
    trucks().set_truck_state("T-9", "lakeside", "online", "2026-12-01T07:00:00Z");
    trucks().set_truck_state("T-10", "riverbend", "online", "2026-12-01T07:00:00Z");
    trucks().insert_positions({}, {fix("T-10", "2026-12-01T08:00:00Z", 45.0)},
                              "2026-12-01T08:00:01Z");
    const auto ids = [](const std::vector<store::TruckRow>& rows) {
        std::vector<std::string> out;
        for (const auto& r : rows) out.push_back(r.truck_id);
        return out;
    };
    const auto all = trucks().list_trucks(std::nullopt);
    EXPECT_EQ(ids(all), (std::vector<std::string>{"T-10", "T-9", "t-1"}));  // byte order
    ASSERT_EQ(all.size(), 3u);
    ASSERT_TRUE(all[0].position);
    EXPECT_EQ(all[0].position->lat, 45.0);
    EXPECT_FALSE(all[1].position);
    EXPECT_EQ(ids(trucks().list_trucks("riverbend")), (std::vector<std::string>{"T-10", "t-1"}));
    EXPECT_TRUE(trucks().list_trucks("nobody").empty());
}

TEST_P(TruckRepositoryTest, TrackIsInclusiveOrderedAndLimited) {
    trucks().insert_positions(
        {fix("T-1", "2026-12-01T08:00:30Z", 3), fix("T-1", "2026-12-01T08:00:00Z", 1),
         fix("T-1", "2026-12-01T08:00:10Z", 2), fix("T-1", "2026-12-01T08:00:10Z", 2.5),
         fix("T-1", "2026-12-01T07:59:59Z", 0), fix("T-2", "2026-12-01T08:00:05Z", 9)},
        {}, "2026-12-01T08:01:00Z");
    EXPECT_EQ(fix_times(trucks().track("T-1", "2026-12-01T08:00:00Z", "2026-12-01T08:00:30Z", 10)),
              (std::vector<std::string>{
                  "2026-12-01T08:00:00Z@1.000000", "2026-12-01T08:00:10Z@2.000000",
                  "2026-12-01T08:00:10Z@2.500000", "2026-12-01T08:00:30Z@3.000000"}));
    EXPECT_EQ(fix_times(trucks().track("T-1", "2026-12-01T08:00:00Z", "2026-12-01T08:00:30Z", 2)),
              (std::vector<std::string>{"2026-12-01T08:00:00Z@1.000000",
                                        "2026-12-01T08:00:10Z@2.000000"}));
    EXPECT_TRUE(trucks().track("T-1", "2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z", 10).empty());
    EXPECT_EQ(trucks().track("T-2", "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z", 10).size(), 1u);
}

TEST_P(TruckRepositoryTest, PruneRemovesOnlyOlderHistory) {
    trucks().insert_positions(
        {fix("T-1", "2026-11-29T08:00:00Z", 1), fix("T-1", "2026-11-30T08:00:00Z", 2),
         fix("T-1", "2026-12-01T00:00:00Z", 3), fix("T-2", "2026-11-29T09:00:00Z", 4)},
        {fix("T-1", "2026-12-01T00:00:00Z", 3), fix("T-2", "2026-11-29T09:00:00Z", 4)},
        "2026-12-01T00:00:01Z");
    EXPECT_EQ(trucks().prune_positions("2026-12-01T00:00:00Z"), 3);
    EXPECT_EQ(fix_times(trucks().track("T-1", "2026-11-01T00:00:00Z", "2026-12-31T00:00:00Z", 10)),
              (std::vector<std::string>{"2026-12-01T00:00:00Z@3.000000"}));  // cutoff kept
    EXPECT_TRUE(trucks().track("T-2", "2026-11-01T00:00:00Z", "2026-12-31T00:00:00Z", 10).empty());
    EXPECT_EQ(trucks().prune_positions("2026-12-01T00:00:00Z"), 0);
    const auto truck = trucks().find_truck("T-2");  // the latest position is not history
    ASSERT_TRUE(truck && truck->position);
    EXPECT_EQ(truck->position->lat, 4);
}

TEST_P(TruckRepositoryTest, RouteStopsComeInStopOrder) {
    // SQLite orders by CAST(stop_seq AS INTEGER): NULL first, no digits is 0, a digit prefix
    // counts, ties by the text, then by id.
    add_stop("wo-10", "riverbend", "R-1", "2026-12-01", "'10'");
    add_stop("wo-2", "riverbend", "R-1", "2026-12-01", "'2'", "completed");
    add_stop("wo-02", "riverbend", "R-1", "2026-12-01", "'02'");
    add_stop("wo-null", "riverbend", "R-1", "2026-12-01", "NULL");
    add_stop("wo-abc", "riverbend", "R-1", "2026-12-01", "'abc'");
    add_stop("wo-3b", "riverbend", "R-1", "2026-12-01", "'3b'", "cancelled");
    add_stop("wo-sp7", "riverbend", "R-1", "2026-12-01", "' 7'");
    add_stop("wo-neg", "riverbend", "R-1", "2026-12-01", "'-1'");
    add_stop("wo-b4", "riverbend", "R-1", "2026-12-01", "'4'");
    add_stop("wo-a4", "riverbend", "R-1", "2026-12-01", "'4'");
    add_stop("wo-other-day", "riverbend", "R-1", "2026-12-02", "'1'");
    add_stop("wo-other-route", "riverbend", "R-2", "2026-12-01", "'1'");
    add_stop("wo-other-vendor", "lakeside", "R-1", "2026-12-01", "'1'");
    const auto stops = trucks().orders_on_route("riverbend", "R-1", "2026-12-01");
    std::vector<std::string> ids;
    for (const auto& wo : stops) ids.push_back(wo.id);
    EXPECT_EQ(ids, (std::vector<std::string>{"wo-null", "wo-neg", "wo-abc", "wo-02", "wo-2",
                                             "wo-3b", "wo-a4", "wo-b4", "wo-sp7", "wo-10"}));
    ASSERT_EQ(stops.size(), 10u);
    const auto& wo = stops[4];
    EXPECT_EQ(wo.crm_case_id, "CASE-wo-2");
    EXPECT_EQ(wo.service_type, "bulk_pickup");
    EXPECT_EQ(wo.address, "1 Main St");
    EXPECT_EQ(wo.lat, 45.5);
    EXPECT_FALSE(wo.lon);
    EXPECT_EQ(wo.scheduled_date, "2026-12-01");
    EXPECT_EQ(wo.window_start, "08:00");
    EXPECT_FALSE(wo.window_end);
    EXPECT_EQ(wo.items_json, R"([{"kind":"sofa"}])");
    EXPECT_EQ(wo.instructions, "Ring twice");
    EXPECT_EQ(wo.stop_seq, "2");
    EXPECT_EQ(wo.status, "completed");
    EXPECT_EQ(wo.vendor, "riverbend");
    EXPECT_EQ(wo.route_id, "R-1");
    EXPECT_EQ(wo.route_date, "2026-12-01");
    EXPECT_FALSE(stops[0].stop_seq);
    EXPECT_TRUE(trucks().orders_on_route("riverbend", "R-3", "2026-12-01").empty());
}

INSTANTIATE_TEST_SUITE_P(Stores, TruckRepositoryTest,
                         testing::Values(StoreKind::sqlite, StoreKind::postgres), store_name);

}  // namespace
}  // namespace fieldgate::test
