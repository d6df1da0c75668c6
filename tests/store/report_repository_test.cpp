// ReportRepository on both stores: each figure counted over rows written with plain SQL, so a
// query translated wrong (a boundary, a NULL, an ordering) shows on one store and not the other.
#include <algorithm>
#include <tuple>

#include "report_rows.h"
#include "store_fixture.h"

namespace fieldgate::test {
namespace {

using namespace report_rows;
using ReportRepositoryTest = StoreTest;

const std::string kSince = "2026-12-01T00:00:00.000Z";

TEST_P(ReportRepositoryTest, RecentCorrectionsFromSinceNewestFirstAndLimited) {
    setup_sql(insert(Order{.id = "wo-1"}) + insert(Order{.id = "wo-2", .vendor = kOther}));
    auto correction = [](std::int64_t id, const std::string& at) {
        return insert(Outcome{
            .id = id, .work_order_id = "wo-1", .disposition = "correction", .received_at = at});
    };
    setup_sql(
        correction(1, "2026-11-30T23:59:59.999Z") + correction(2, kSince) +
        correction(3, "2026-12-01T09:00:00.000Z") + correction(4, "2026-12-01T09:00:00.000Z") +
        correction(5, "2026-12-01T08:00:00.000Z") +
        insert(Outcome{.id = 6, .work_order_id = "wo-1", .received_at = "2026-12-01T11:00Z"}) +
        insert(Outcome{
            .id = 7, .work_order_id = "wo-2", .disposition = "correction", .vendor = kOther}));
    const auto refs = reports().recent_corrections(kVendor, kSince, 3);
    EXPECT_EQ(ids_of(refs), (std::vector<std::int64_t>{4, 3, 5}));
    ASSERT_FALSE(refs.empty());
    EXPECT_EQ(refs[0].work_order_id, "wo-1");
    EXPECT_EQ(refs[0].crm_case_id, "case-wo-1");
    EXPECT_EQ(refs[0].received_at, "2026-12-01T09:00:00.000Z");
    // The window starts at `since` itself; a negative limit is none, as in SQLite.
    EXPECT_EQ(ids_of(reports().recent_corrections(kVendor, kSince, -1)),
              (std::vector<std::int64_t>{4, 3, 5, 2}));
    EXPECT_TRUE(reports().recent_corrections(kVendor, "2026-12-02", 5).empty());
}

TEST_P(ReportRepositoryTest, OpenQuarantinePerVendorWithNoVendorAsEmpty) {
    setup_sql(insert(Refusal{.id = 1}) + insert(Refusal{.id = 2, .attempts = 4}) +
              insert(Refusal{.id = 3, .state = "discarded"}) +
              insert(Refusal{.id = 4, .state = "replayed"}) +
              insert(Refusal{.id = 5, .vendor = kOther}) +
              insert(Refusal{.id = 6, .vendor = std::nullopt}));
    const std::map<std::string, std::int64_t> expected = {{"", 1}, {kOther, 1}, {kVendor, 2}};
    EXPECT_EQ(reports().open_quarantine_by_vendor(), expected);
}

TEST_P(ReportRepositoryTest, PendingPerDestinationWithTheOldest) {
    setup_sql(
        insert(Order{.id = "wo-1"}) +
        insert(Event{.id = 1, .work_order_id = "wo-1", .created_at = "2026-12-01T10:00:00.000Z"}) +
        insert(Event{.id = 2, .work_order_id = "wo-1", .created_at = "2026-12-01T09:30:00.000Z"}) +
        insert(Event{.id = 3,
                     .work_order_id = "wo-1",
                     .created_at = "2026-12-01T08:00:00.000Z",
                     .destination = "vendor:x"}) +
        insert(Event{.id = 4,
                     .work_order_id = "wo-1",
                     .state = "delivered",
                     .created_at = "2026-11-01T00:00:00.000Z"}) +
        insert(Event{.id = 5,
                     .work_order_id = "wo-1",
                     .state = "dead",
                     .created_at = "2026-11-01T00:00:00.000Z"}));
    const auto pending = reports().pending_by_destination();
    ASSERT_EQ(pending.size(), 2u);
    EXPECT_EQ(pending.at("crm").count, 2);
    EXPECT_EQ(pending.at("crm").oldest_created_at, "2026-12-01T09:30:00.000Z");
    EXPECT_EQ(pending.at("vendor:x").count, 1);
    EXPECT_EQ(pending.at("vendor:x").oldest_created_at, "2026-12-01T08:00:00.000Z");
}

TEST_P(ReportRepositoryTest, DeadPerDestination) {
    setup_sql(insert(Order{.id = "wo-1"}) + insert(Event{.id = 1, .work_order_id = "wo-1"}) +
              insert(Event{.id = 2, .work_order_id = "wo-1", .state = "dead"}) +
              insert(Event{.id = 3, .work_order_id = "wo-1", .state = "dead"}) +
              insert(Event{
                  .id = 4, .work_order_id = "wo-1", .state = "dead", .destination = "vendor:x"}) +
              insert(Event{.id = 5, .work_order_id = "wo-1", .state = "discarded"}));
    const std::map<std::string, std::int64_t> expected = {{"crm", 2}, {"vendor:x", 1}};
    EXPECT_EQ(reports().dead_by_destination(), expected);
}

TEST_P(ReportRepositoryTest, HealthOfAVendorWithNothingStoredIsEmpty) {
    const auto f = reports().vendor_health_figures(kVendor, kSince);
    EXPECT_FALSE(f.last_outcome_at);
    EXPECT_FALSE(f.last_refusal_at);
    EXPECT_TRUE(f.results_by_disposition.empty());
    EXPECT_TRUE(f.rejections.empty());
    EXPECT_EQ(f.quarantine_open, 0);
    EXPECT_EQ(f.overdue_orders, 0);
    EXPECT_EQ(f.crm_pending.count, 0);
    EXPECT_EQ(f.crm_pending.oldest_created_at, "");
    EXPECT_EQ(f.too_large, 0);
    EXPECT_FALSE(f.poll);
}

TEST_P(ReportRepositoryTest, HealthResultsFromSinceByDispositionAndLatestTimesOfAllTime) {
    setup_sql(insert(Order{.id = "wo-1"}) + insert(Order{.id = "wo-2", .vendor = kOther}));
    setup_sql(
        insert(Outcome{.id = 1, .work_order_id = "wo-1", .received_at = "2026-11-30T23:00Z"}) +
        insert(Outcome{.id = 2, .work_order_id = "wo-1", .received_at = kSince}) +
        insert(Outcome{.id = 3, .work_order_id = "wo-1", .received_at = "2026-12-01T09:00Z"}) +
        insert(Outcome{.id = 4,
                       .work_order_id = "wo-1",
                       .disposition = "late",
                       .received_at = "2026-12-01T09:30:00.000Z"}) +
        insert(Outcome{.id = 5, .work_order_id = "wo-1", .disposition = "conflict"}) +
        insert(Outcome{.id = 6,
                       .work_order_id = "wo-2",
                       .received_at = "2026-12-02T00:00Z",
                       .vendor = kOther}) +
        insert(Refusal{.id = 1, .received_at = "2026-11-30T07:00:00.000Z"}) +
        insert(Refusal{.id = 2, .vendor = kOther, .received_at = "2026-12-03T00:00Z"}));
    const auto f = reports().vendor_health_figures(kVendor, kSince);
    const std::map<std::string, std::int64_t> expected = {
        {"applied", 2}, {"conflict", 1}, {"late", 1}};
    EXPECT_EQ(f.results_by_disposition, expected);
    EXPECT_EQ(f.last_outcome_at, "2026-12-01T10:00:00.000Z");
    EXPECT_EQ(f.last_refusal_at, "2026-11-30T07:00:00.000Z");
}

TEST_P(ReportRepositoryTest, HealthRejectionsMostAttemptsFirstAndOpenUnmappedCodes) {
    setup_sql(
        insert(Refusal{.id = 1, .problem_type = "schema-invalid", .attempts = 2}) +
        insert(Refusal{
            .id = 2, .problem_type = "schema-invalid", .attempts = 3, .state = "discarded"}) +
        insert(Refusal{.id = 3,
                       .problem_type = "unmapped-code",
                       .attempts = 4,
                       .problem = R"({"code":"X9"})"}) +
        insert(Refusal{.id = 4,
                       .problem_type = "unmapped-code",
                       .received_at = "2026-11-20T00:00Z",
                       .attempts = 7,
                       .problem = R"({"code":"old"})"}) +
        insert(Refusal{
            .id = 5, .problem_type = "unmapped-code", .attempts = 1, .state = "discarded"}) +
        insert(Refusal{.id = 6, .problem_type = "unknown-order", .attempts = 5}) +
        insert(Refusal{.id = 7, .problem_type = "bad-time", .attempts = 5}) +
        insert(Refusal{.id = 8, .vendor = kOther, .problem_type = "unmapped-code", .attempts = 9}));
    const auto f = reports().vendor_health_figures(kVendor, kSince);
    // Ties on attempts go by type; refusals before `since` are left out, whatever their state.
    std::vector<std::tuple<std::string, std::int64_t, std::int64_t>> groups;
    for (const auto& g : f.rejections) groups.emplace_back(g.type, g.entries, g.attempts);
    const decltype(groups) expected = {{"bad-time", 1, 5},
                                       {"schema-invalid", 2, 5},
                                       {"unknown-order", 1, 5},
                                       {"unmapped-code", 2, 5}};
    EXPECT_EQ(groups, expected);
    EXPECT_EQ(f.quarantine_open, 5);
    // Open unmapped-code entries of any time, in no promised order.
    std::vector<std::pair<std::string, std::int64_t>> unmapped;
    for (const auto& u : f.unmapped_problems) unmapped.emplace_back(u.problem_json, u.attempts);
    std::sort(unmapped.begin(), unmapped.end());
    const decltype(unmapped) expected_unmapped = {{R"({"code":"X9"})", 4},
                                                  {R"({"code":"old"})", 7}};
    EXPECT_EQ(unmapped, expected_unmapped);
}

TEST_P(ReportRepositoryTest, HealthOverdueCountsFlaggedOrdersStillOpen) {
    const std::string flagged = "2026-12-01T12:00:00.000Z";
    setup_sql(insert(Order{.id = "wo-1", .overdue_at = flagged}) +
              insert(Order{.id = "wo-2", .status = "on_site", .overdue_at = flagged}) +
              insert(Order{.id = "wo-3", .status = "completed", .overdue_at = flagged}) +
              insert(Order{.id = "wo-4", .status = "not_collected", .overdue_at = flagged}) +
              insert(Order{.id = "wo-5", .status = "cancelled", .overdue_at = flagged}) +
              insert(Order{.id = "wo-6", .status = "partially_completed", .overdue_at = flagged}) +
              insert(Order{.id = "wo-7"}) +
              insert(Order{.id = "wo-8", .vendor = kOther, .overdue_at = flagged}));
    EXPECT_EQ(reports().vendor_health_figures(kVendor, kSince).overdue_orders, 2);
}

TEST_P(ReportRepositoryTest, HealthCrmPendingOfTheVendorsOrders) {
    setup_sql(insert(Order{.id = "wo-1"}) + insert(Order{.id = "wo-2", .vendor = kOther}) +
              insert(Event{.id = 1, .work_order_id = "wo-1", .created_at = "2026-12-01T11:00Z"}) +
              insert(Event{.id = 2, .work_order_id = "wo-1", .created_at = "2026-12-01T10:30Z"}) +
              insert(Event{.id = 3,
                           .work_order_id = "wo-1",
                           .created_at = "2026-12-01T09:00Z",
                           .destination = "vendor:riverbend"}) +
              insert(Event{.id = 4,
                           .work_order_id = "wo-1",
                           .state = "delivered",
                           .created_at = "2026-12-01T08:00Z"}) +
              insert(Event{.id = 5, .work_order_id = "wo-2", .created_at = "2026-12-01T07:00Z"}));
    const auto f = reports().vendor_health_figures(kVendor, kSince);
    EXPECT_EQ(f.crm_pending.count, 2);
    EXPECT_EQ(f.crm_pending.oldest_created_at, "2026-12-01T10:30Z");
}

TEST_P(ReportRepositoryTest, HealthTooLargeCountsAllAndListsTheFiveNewest) {
    setup_sql(insert(Order{.id = "wo-1"}) + insert(Order{.id = "wo-2", .vendor = kOther}));
    std::string sql;
    for (std::int64_t id = 1; id <= 6; ++id)
        sql += insert(Event{.id = id,
                            .work_order_id = "wo-1",
                            .state = "dead",
                            .created_at = "2026-12-01T0" + std::to_string(id) + ":00Z",
                            .last_status = 413,
                            .dead_at = "2026-12-02T00:00Z",
                            .attempts = 1,
                            .last_error = "HTTP 413"});
    sql += insert(Event{.id = 7,
                        .work_order_id = "wo-1",
                        .state = "dead",
                        .created_at = "2026-12-01T07:00Z",
                        .last_status = 413});
    sql += insert(Event{.id = 8,
                        .work_order_id = "wo-1",
                        .created_at = "2026-12-01T08:00Z",
                        .last_status = 413,
                        .attempts = 3});
    sql += insert(Event{.id = 9, .work_order_id = "wo-1", .state = "dead", .last_status = 500});
    sql += insert(Event{.id = 10,
                        .work_order_id = "wo-1",
                        .state = "dead",
                        .destination = "vendor:riverbend",
                        .last_status = 413});
    sql += insert(Event{.id = 11, .work_order_id = "wo-2", .state = "dead", .last_status = 413});
    setup_sql(sql);
    const auto f = reports().vendor_health_figures(kVendor, kSince);
    EXPECT_EQ(f.too_large, 8);
    std::vector<std::int64_t> ids;
    for (const auto& e : f.recent_too_large) ids.push_back(e.id);
    EXPECT_EQ(ids, (std::vector<std::int64_t>{8, 7, 6, 5, 4}));
    ASSERT_EQ(f.recent_too_large.size(), 5u);
    // A pending event is at its creation; a dead one at its death, or creation when unknown.
    const auto& pending = f.recent_too_large[0];
    EXPECT_EQ(pending.state, "pending");
    EXPECT_EQ(pending.at, "2026-12-01T08:00Z");
    EXPECT_EQ(pending.attempts, 3);
    EXPECT_FALSE(pending.error);
    EXPECT_EQ(pending.work_order_id, "wo-1");
    EXPECT_EQ(pending.crm_case_id, "case-wo-1");
    EXPECT_EQ(pending.event_type, "status_changed");
    EXPECT_EQ(f.recent_too_large[1].at, "2026-12-01T07:00Z");
    EXPECT_EQ(f.recent_too_large[2].state, "dead");
    EXPECT_EQ(f.recent_too_large[2].at, "2026-12-02T00:00Z");
    EXPECT_EQ(f.recent_too_large[2].error, "HTTP 413");
}

TEST_P(ReportRepositoryTest, HealthPollFiguresOnceTheVendorIsPolled) {
    setup_sql(
        "INSERT INTO poll_state (vendor, updated_at, last_error, failures, failing_since, "
        "last_success_at, next_request_at) VALUES ('" +
        kVendor +
        "', '2026-12-01T10:00Z', 'HTTP 503', 3, '2026-12-01T09:00Z', '2026-12-01T08:55Z', "
        "'2026-12-01T10:05Z');");
    const auto f = reports().vendor_health_figures(kVendor, kSince);
    ASSERT_TRUE(f.poll);
    EXPECT_EQ(f.poll->last_error, "HTTP 503");
    EXPECT_EQ(f.poll->failures, 3);
    EXPECT_EQ(f.poll->failing_since, "2026-12-01T09:00Z");
    EXPECT_EQ(f.poll->last_success_at, "2026-12-01T08:55Z");
    EXPECT_EQ(f.poll->next_request_at, "2026-12-01T10:05Z");
    EXPECT_FALSE(reports().vendor_health_figures(kOther, kSince).poll);
}

// The order each row stands for, told by its status (the report reads status as given).
std::map<std::string, store::ReportOrderRow> visited(store::ReportRepository& reports,
                                                     const store::ReportPeriod& period) {
    std::map<std::string, store::ReportOrderRow> rows;
    reports.visit_report_orders(period, [&rows](const store::ReportOrderRow& row) {
        EXPECT_TRUE(rows.emplace(row.status, row).second) << row.status;
    });
    return rows;
}

TEST_P(ReportRepositoryTest, ReportOrdersAreThoseScheduledInThePeriodWithAVendor) {
    setup_sql(insert(Order{.id = "wo-1", .scheduled_date = "2026-11-30", .status = "before"}) +
              insert(Order{.id = "wo-2", .scheduled_date = "2026-12-01", .status = "first"}) +
              insert(Order{.id = "wo-3", .scheduled_date = "2026-12-15", .status = "middle"}) +
              insert(Order{.id = "wo-4", .scheduled_date = "2026-12-31", .status = "last"}) +
              insert(Order{.id = "wo-5", .scheduled_date = "2027-01-01", .status = "after"}) +
              insert(Order{.id = "wo-6", .vendor = kOther, .status = "other"}) +
              insert(Order{.id = "wo-7", .vendor = std::nullopt, .status = "unassigned"}));
    auto statuses = [](const std::map<std::string, store::ReportOrderRow>& rows) {
        std::vector<std::string> out;
        for (const auto& [status, row] : rows) out.push_back(status);
        return out;
    };
    EXPECT_EQ(statuses(visited(reports(), {"2026-12-01", "2026-12-31", std::nullopt})),
              (std::vector<std::string>{"first", "last", "middle", "other"}));
    EXPECT_EQ(statuses(visited(reports(), {"2026-12-01", "2026-12-31", kVendor})),
              (std::vector<std::string>{"first", "last", "middle"}));
    EXPECT_EQ(visited(reports(), {"2026-12-01", "2026-12-31", kOther}).at("other").vendor, kOther);
}

TEST_P(ReportRepositoryTest, ReportRowCarriesOutcomeEvidenceAndFirstCrmDelivery) {
    setup_sql(insert(Order{.id = "wo-1", .status = "completed", .outcome_id = 1}) +
              insert(Order{.id = "wo-2", .status = "not_collected", .outcome_id = 2}) +
              insert(Order{.id = "wo-3", .status = "dispatched"}) +
              insert(Outcome{.id = 1,
                             .work_order_id = "wo-1",
                             .occurred_at = "2026-12-01T09:00Z",
                             .evidence = R"({"time": "late", "photos": 2})",
                             .evidence_complete = 1}) +
              insert(Outcome{.id = 2,
                             .work_order_id = "wo-2",
                             .outcome = "not_collected",
                             .reason = "blocked",
                             .evidence = R"({"photos": 0})"}) +
              insert(Event{.id = 1,
                           .work_order_id = "wo-1",
                           .state = "delivered",
                           .outcome_id = 1,
                           .delivered_at = "2026-12-01T09:20Z"}) +
              insert(Event{.id = 2,
                           .work_order_id = "wo-1",
                           .state = "delivered",
                           .outcome_id = 1,
                           .delivered_at = "2026-12-01T09:10Z"}) +
              insert(Event{.id = 3,
                           .work_order_id = "wo-1",
                           .state = "delivered",
                           .destination = "vendor:riverbend",
                           .outcome_id = 1,
                           .delivered_at = "2026-12-01T09:01Z"}) +
              insert(Event{.id = 4, .work_order_id = "wo-1", .outcome_id = 1}));
    const auto rows = visited(reports(), {"2026-12-01", "2026-12-01", std::nullopt});
    ASSERT_EQ(rows.size(), 3u);
    const auto& done = rows.at("completed");
    EXPECT_EQ(done.vendor, kVendor);
    EXPECT_EQ(done.outcome, "collected");
    EXPECT_FALSE(done.reason);
    EXPECT_TRUE(done.evidence_complete);
    EXPECT_EQ(done.evidence_time, "late");
    EXPECT_EQ(done.occurred_at, "2026-12-01T09:00Z");
    EXPECT_EQ(done.delivered_at, "2026-12-01T09:10Z");
    EXPECT_EQ(done.corrections, 0);
    const auto& refused = rows.at("not_collected");
    EXPECT_EQ(refused.reason, "blocked");
    EXPECT_FALSE(refused.evidence_complete);
    EXPECT_FALSE(refused.evidence_time);
    EXPECT_FALSE(refused.occurred_at);
    EXPECT_FALSE(refused.delivered_at);
    const auto& open = rows.at("dispatched");
    EXPECT_FALSE(open.outcome);
    EXPECT_FALSE(open.evidence_complete);
    EXPECT_FALSE(open.evidence_time);
    EXPECT_EQ(open.corrections, 0);
}

TEST_P(ReportRepositoryTest, CorrectedOrderReportsTheAppliedOutcomesDelivery) {
    setup_sql(
        insert(Order{.id = "wo-1", .status = "completed", .outcome_id = 4}) +
        insert(Outcome{.id = 1,
                       .work_order_id = "wo-1",
                       .outcome = std::nullopt,
                       .occurred_at = "2026-12-01T07:00Z"}) +
        insert(Outcome{.id = 2, .work_order_id = "wo-1", .occurred_at = "2026-12-01T08:00Z"}) +
        insert(Outcome{.id = 3,
                       .work_order_id = "wo-1",
                       .disposition = "correction",
                       .occurred_at = "2026-12-01T08:30Z"}) +
        insert(Outcome{.id = 4,
                       .work_order_id = "wo-1",
                       .disposition = "correction",
                       .reason = "partial",
                       .occurred_at = "2026-12-01T08:45Z",
                       .evidence = R"({"time": "in_window"})"}) +
        insert(Event{.id = 1,
                     .work_order_id = "wo-1",
                     .state = "delivered",
                     .outcome_id = 1,
                     .delivered_at = "2026-12-01T07:05Z"}) +
        insert(Event{.id = 2,
                     .work_order_id = "wo-1",
                     .state = "delivered",
                     .outcome_id = 2,
                     .delivered_at = "2026-12-01T08:05Z"}));
    const auto rows = visited(reports(), {"2026-12-01", "2026-12-01", kVendor});
    ASSERT_EQ(rows.size(), 1u);
    const auto& row = rows.at("completed");
    EXPECT_EQ(row.reason, "partial");
    EXPECT_EQ(row.evidence_time, "in_window");
    EXPECT_EQ(row.occurred_at, "2026-12-01T08:00Z");
    EXPECT_EQ(row.delivered_at, "2026-12-01T08:05Z");
    EXPECT_EQ(row.corrections, 2);
}

INSTANTIATE_TEST_SUITE_P(Stores, ReportRepositoryTest,
                         testing::Values(StoreKind::sqlite, StoreKind::postgres), store_name);

}  // namespace
}  // namespace fieldgate::test
