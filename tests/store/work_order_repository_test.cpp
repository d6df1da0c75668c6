// WorkOrderRepository on both stores: work orders, their history, the route and watchdog
// queries, schedule changes and the vendors' feed (outcomes and keys: work_order_outcome_test).
#include <algorithm>

#include "store_fixture.h"
#include "store_samples.h"

namespace fieldgate::test {
namespace {

using WorkOrderRepositoryTest = StoreTest;

void expect_same_order(const store::WorkOrder& got, const store::WorkOrder& want) {
    EXPECT_EQ(got.id, want.id);
    EXPECT_EQ(got.crm_case_id, want.crm_case_id);
    EXPECT_EQ(got.service_type, want.service_type);
    EXPECT_EQ(got.address, want.address);
    EXPECT_EQ(got.lat, want.lat);
    EXPECT_EQ(got.lon, want.lon);
    EXPECT_EQ(got.scheduled_date, want.scheduled_date);
    EXPECT_EQ(got.window_start, want.window_start);
    EXPECT_EQ(got.window_end, want.window_end);
    EXPECT_EQ(got.items_json, want.items_json);
    EXPECT_EQ(got.instructions, want.instructions);
    EXPECT_EQ(got.customer_json, want.customer_json);
    EXPECT_EQ(got.vendor, want.vendor);
    EXPECT_EQ(got.route_id, want.route_id);
    EXPECT_EQ(got.route_date, want.route_date);
    EXPECT_EQ(got.stop_seq, want.stop_seq);
    EXPECT_EQ(got.status, want.status);
    EXPECT_EQ(got.outcome_id, want.outcome_id);
    EXPECT_EQ(got.content_hash, want.content_hash);
    EXPECT_EQ(got.created_at, want.created_at);
    EXPECT_EQ(got.updated_at, want.updated_at);
    EXPECT_EQ(got.postal_code, want.postal_code);
}

std::vector<std::string> ids_of(const std::vector<store::WorkOrder>& orders) {
    std::vector<std::string> ids;
    for (const auto& wo : orders) ids.push_back(wo.id);
    return ids;
}

TEST_P(WorkOrderRepositoryTest, OrderComesBackAsInsertedByIdAndByCase) {
    work_orders().insert_work_order(sample_order("wo-1", "SR-1"));
    const auto by_id = work_orders().find_work_order("wo-1");
    ASSERT_TRUE(by_id);
    expect_same_order(*by_id, sample_order("wo-1", "SR-1"));
    const auto by_case = work_orders().find_work_order_by_case("SR-1");
    ASSERT_TRUE(by_case);
    expect_same_order(*by_case, sample_order("wo-1", "SR-1"));
}

TEST_P(WorkOrderRepositoryTest, UnsetColumnsComeBackUnset) {
    work_orders().insert_work_order(bare_order("wo-1", "SR-1"));
    const auto found = work_orders().find_work_order("wo-1");
    ASSERT_TRUE(found);
    expect_same_order(*found, bare_order("wo-1", "SR-1"));
}

TEST_P(WorkOrderRepositoryTest, UnknownOrderIsNotFound) {
    work_orders().insert_work_order(sample_order("wo-1", "SR-1"));
    EXPECT_FALSE(work_orders().find_work_order("wo-2"));
    EXPECT_FALSE(work_orders().find_work_order("SR-1"));
    EXPECT_FALSE(work_orders().find_work_order_by_case("SR-2"));
    EXPECT_FALSE(work_orders().find_work_order_by_case("wo-1"));
    EXPECT_FALSE(work_orders().find_work_order_state_by_case("SR-2"));
}

TEST_P(WorkOrderRepositoryTest, StateByCaseLeavesOutItemsInstructionsAndCustomer) {
    work_orders().insert_work_order(sample_order("wo-1", "SR-1"));
    const auto state = work_orders().find_work_order_state_by_case("SR-1");
    ASSERT_TRUE(state);
    auto want = sample_order("wo-1", "SR-1");
    want.items_json = "[]";
    want.instructions = "";
    want.customer_json = "{}";
    expect_same_order(*state, want);
}

TEST_P(WorkOrderRepositoryTest, SecondOrderWithTheSameIdOrCaseIsRefused) {
    work_orders().insert_work_order(sample_order("wo-1", "SR-1"));
    EXPECT_TRUE(refused_as_duplicate(
        [&] { work_orders().insert_work_order(sample_order("wo-1", "SR-2")); }));
    EXPECT_TRUE(refused_as_duplicate(
        [&] { work_orders().insert_work_order(sample_order("wo-2", "SR-1")); }));
    EXPECT_FALSE(work_orders().find_work_order_by_case("SR-2"));
    EXPECT_FALSE(work_orders().find_work_order("wo-2"));
}

TEST_P(WorkOrderRepositoryTest, StatusUpdateKeepsTheOutcomeWhenNoneIsGiven) {
    work_orders().insert_work_order(sample_order("wo-1", "SR-1"));
    work_orders().insert_work_order(sample_order("wo-2", "SR-2"));
    work_orders().update_work_order_status("wo-1", "on_site", std::nullopt,
                                           "2026-12-04T09:10:00.000Z");
    auto found = work_orders().find_work_order("wo-1");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->status, "on_site");
    EXPECT_EQ(found->outcome_id, 41);
    EXPECT_EQ(found->updated_at, "2026-12-04T09:10:00.000Z");

    work_orders().update_work_order_status("wo-1", "completed", 97, "2026-12-04T09:30:00.000Z");
    found = work_orders().find_work_order("wo-1");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->status, "completed");
    EXPECT_EQ(found->outcome_id, 97);
    EXPECT_EQ(found->updated_at, "2026-12-04T09:30:00.000Z");
    // The other order is untouched.
    expect_same_order(*work_orders().find_work_order("wo-2"), sample_order("wo-2", "SR-2"));
}

TEST_P(WorkOrderRepositoryTest, HistoryListsTheOrdersEntriesInTheOrderAppended) {
    work_orders().insert_work_order(sample_order("wo-1", "SR-1"));
    work_orders().insert_work_order(sample_order("wo-2", "SR-2"));
    const store::HistoryEntry first{"2026-12-04T09:00:00Z", std::nullopt, "received", "crm",
                                    std::nullopt,           std::nullopt};
    // An earlier `at` appended later still lists after: the order is the order appended.
    const store::HistoryEntry second{"2026-12-04T08:00:00Z",       "received", "completed",
                                     "vendor:riverbend-recycling", 97,         "late copy"};
    work_orders().append_history("wo-1", first);
    work_orders().append_history("wo-2", first);
    work_orders().append_history("wo-1", second);

    const auto history = work_orders().list_history("wo-1");
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[0].at, first.at);
    EXPECT_EQ(history[0].from_status, std::nullopt);
    EXPECT_EQ(history[0].to_status, "received");
    EXPECT_EQ(history[0].source, "crm");
    EXPECT_EQ(history[0].outcome_id, std::nullopt);
    EXPECT_EQ(history[0].note, std::nullopt);
    EXPECT_EQ(history[1].at, second.at);
    EXPECT_EQ(history[1].from_status, "received");
    EXPECT_EQ(history[1].to_status, "completed");
    EXPECT_EQ(history[1].source, "vendor:riverbend-recycling");
    EXPECT_EQ(history[1].outcome_id, 97);
    EXPECT_EQ(history[1].note, "late copy");
    EXPECT_EQ(work_orders().list_history("wo-2").size(), 1u);
    EXPECT_TRUE(work_orders().list_history("wo-3").empty());
}

TEST_P(WorkOrderRepositoryTest, OpenOrdersOnRouteAreTheRoutesUnfinishedStopsInStopOrder) {
    auto on_route = [&](const std::string& id, std::optional<std::string> stop,
                        const std::string& status) {
        auto wo = sample_order(id, "SR-" + id);
        wo.stop_seq = std::move(stop);
        wo.status = status;
        work_orders().insert_work_order(wo);
    };
    on_route("wo-b", "2", "dispatched");
    on_route("wo-a", "2", "on_site");            // same stop: by id
    on_route("wo-c", "10", "acknowledged");      // text order: "10" before "2"
    on_route("wo-d", std::nullopt, "en_route");  // no stop: first, as SQLite sorts NULL
    for (const char* terminal : {"completed", "partially_completed", "not_collected", "cancelled"})
        on_route(std::string("wo-") + terminal, "1", terminal);
    auto other = sample_order("wo-other-day", "SR-x1");
    other.route_date = "2026-12-05";
    work_orders().insert_work_order(other);
    other = sample_order("wo-other-route", "SR-x2");
    other.route_id = "R8";
    work_orders().insert_work_order(other);
    other = sample_order("wo-other-vendor", "SR-x3");
    other.vendor = "metro-haul";
    work_orders().insert_work_order(other);

    const auto open = work_orders().open_orders_on_route("riverbend-recycling", "R7", "2026-12-04");
    EXPECT_EQ(ids_of(open), (std::vector<std::string>{"wo-d", "wo-c", "wo-a", "wo-b"}));
    ASSERT_FALSE(open.empty());
    // State columns only.
    EXPECT_EQ(open[1].items_json, "[]");
    EXPECT_EQ(open[1].instructions, "");
    EXPECT_EQ(open[1].customer_json, "{}");
    EXPECT_EQ(open[1].status, "acknowledged");
    EXPECT_EQ(open[1].stop_seq, "10");
    EXPECT_EQ(open[1].crm_case_id, "SR-wo-c");
    EXPECT_EQ(open[1].outcome_id, 41);
}

TEST_P(WorkOrderRepositoryTest, WatchdogSeesFieldOrdersInTheDateRangeNotYetFlagged) {
    auto order = [&](const std::string& id, const std::string& date, const std::string& status) {
        auto wo = sample_order(id, "SR-" + id);
        wo.scheduled_date = date;
        wo.status = status;
        work_orders().insert_work_order(wo);
    };
    order("wo-first-day", "2026-12-03", "dispatched");
    order("wo-last-day", "2026-12-04", "on_site");
    order("wo-ack", "2026-12-04", "acknowledged");
    order("wo-en-route", "2026-12-03", "en_route");
    order("wo-before", "2026-12-02", "dispatched");
    order("wo-after", "2026-12-05", "dispatched");
    order("wo-received", "2026-12-04", "received");
    order("wo-done", "2026-12-04", "completed");
    auto bare = bare_order("wo-no-window", "SR-no-window");
    bare.status = "dispatched";
    bare.scheduled_date = "2026-12-03";
    work_orders().insert_work_order(bare);

    auto seen = work_orders().unflagged_field_orders("2026-12-03", "2026-12-04");
    // SQLite's query has no ORDER BY: the set is what is specified.
    std::sort(seen.begin(), seen.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    EXPECT_EQ(ids_of(seen), (std::vector<std::string>{"wo-ack", "wo-en-route", "wo-first-day",
                                                      "wo-last-day", "wo-no-window"}));
    ASSERT_EQ(seen.size(), 5u);
    EXPECT_EQ(seen[3].scheduled_date, "2026-12-04");
    EXPECT_EQ(seen[3].window_start, "08:00");
    EXPECT_EQ(seen[3].window_end, "12:00");
    EXPECT_EQ(seen[3].status, "");  // id, date and window only
    EXPECT_EQ(seen[3].crm_case_id, "");
    EXPECT_EQ(seen[4].window_start, std::nullopt);
    EXPECT_EQ(seen[4].window_end, std::nullopt);
}

TEST_P(WorkOrderRepositoryTest, OrderIsFlaggedOverdueOnceAndLeavesTheWatchdogsView) {
    work_orders().insert_work_order(sample_order("wo-1", "SR-1"));
    work_orders().insert_work_order(sample_order("wo-2", "SR-2"));
    EXPECT_TRUE(work_orders().flag_overdue("wo-1", "2026-12-04T13:00:00Z"));
    EXPECT_FALSE(work_orders().flag_overdue("wo-1", "2026-12-04T13:05:00Z"));
    EXPECT_FALSE(work_orders().flag_overdue("wo-unknown", "2026-12-04T13:05:00Z"));
    EXPECT_EQ(ids_of(work_orders().unflagged_field_orders("2026-12-04", "2026-12-04")),
              std::vector<std::string>{"wo-2"});
}

TEST_P(WorkOrderRepositoryTest, RescheduleWithinTheRouteKeepsItAndClearsTheOverdueFlag) {
    work_orders().insert_work_order(sample_order("wo-1", "SR-1"));
    work_orders().insert_work_order(sample_order("wo-2", "SR-2"));
    ASSERT_TRUE(work_orders().flag_overdue("wo-1", "2026-12-04T13:00:00Z"));
    work_orders().reschedule_work_order(
        "wo-1", store::ScheduleUpdate{"2026-12-05", "13:00", "17:00", "dispatched", false},
        "2026-12-04T14:00:00.000Z");
    const auto found = work_orders().find_work_order("wo-1");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->scheduled_date, "2026-12-05");
    EXPECT_EQ(found->window_start, "13:00");
    EXPECT_EQ(found->window_end, "17:00");
    EXPECT_EQ(found->status, "dispatched");
    EXPECT_EQ(found->updated_at, "2026-12-04T14:00:00.000Z");
    EXPECT_EQ(found->route_id, "R7");
    EXPECT_EQ(found->route_date, "2026-12-04");
    EXPECT_EQ(found->stop_seq, "3");
    // overdue_at cleared: the watchdog sees it again.
    EXPECT_EQ(ids_of(work_orders().unflagged_field_orders("2026-12-05", "2026-12-05")),
              std::vector<std::string>{"wo-1"});
    expect_same_order(*work_orders().find_work_order("wo-2"), sample_order("wo-2", "SR-2"));
}

TEST_P(WorkOrderRepositoryTest, RescheduleLeavingTheRouteClearsRouteAndWindow) {
    work_orders().insert_work_order(sample_order("wo-1", "SR-1"));
    work_orders().reschedule_work_order(
        "wo-1", store::ScheduleUpdate{"2026-12-07", std::nullopt, std::nullopt, "received", true},
        "2026-12-04T14:00:00.000Z");
    const auto found = work_orders().find_work_order("wo-1");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->scheduled_date, "2026-12-07");
    EXPECT_EQ(found->window_start, std::nullopt);
    EXPECT_EQ(found->window_end, std::nullopt);
    EXPECT_EQ(found->status, "received");
    EXPECT_EQ(found->route_id, std::nullopt);
    EXPECT_EQ(found->route_date, std::nullopt);
    EXPECT_EQ(found->stop_seq, std::nullopt);
    EXPECT_EQ(found->vendor, "riverbend-recycling");
}

TEST_P(WorkOrderRepositoryTest, FeedGivesAVendorsRowsAfterTheCursorOldestFirst) {
    std::vector<std::int64_t> seqs;
    for (int i = 0; i < 5; ++i) {
        seqs.push_back(work_orders().append_feed(
            {0, i == 2 ? "metro-haul" : "riverbend-recycling", "wo-" + std::to_string(i),
             i == 3 ? "cancelled" : "assigned", "2026-12-04T10:0" + std::to_string(i) + ":00Z"}));
    }
    EXPECT_TRUE(std::is_sorted(seqs.begin(), seqs.end()));
    EXPECT_EQ(std::adjacent_find(seqs.begin(), seqs.end()), seqs.end());

    const auto all = work_orders().feed_after("riverbend-recycling", 0, 100);
    ASSERT_EQ(all.size(), 4u);
    EXPECT_EQ(all[0].seq, seqs[0]);
    EXPECT_EQ(all[2].seq, seqs[3]);
    EXPECT_EQ(all[2].vendor, "riverbend-recycling");
    EXPECT_EQ(all[2].work_order_id, "wo-3");
    EXPECT_EQ(all[2].change, "cancelled");
    EXPECT_EQ(all[2].created_at, "2026-12-04T10:03:00Z");

    const auto page = work_orders().feed_after("riverbend-recycling", seqs[0], 2);
    ASSERT_EQ(page.size(), 2u);
    EXPECT_EQ(page[0].seq, seqs[1]);
    EXPECT_EQ(page[1].seq, seqs[3]);
    EXPECT_TRUE(work_orders().feed_after("riverbend-recycling", seqs[4], 100).empty());
    EXPECT_TRUE(work_orders().feed_after("riverbend-recycling", 0, 0).empty());
    // A negative limit is none, as SQLite reads it.
    EXPECT_EQ(work_orders().feed_after("riverbend-recycling", 0, -1).size(), 4u);
    const auto metro = work_orders().feed_after("metro-haul", 0, 100);
    ASSERT_EQ(metro.size(), 1u);
    EXPECT_EQ(metro[0].seq, seqs[2]);
}

INSTANTIATE_TEST_SUITE_P(Stores, WorkOrderRepositoryTest,
                         testing::Values(StoreKind::sqlite, StoreKind::postgres), store_name);

}  // namespace
}  // namespace fieldgate::test
