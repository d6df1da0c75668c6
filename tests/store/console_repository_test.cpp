// ConsoleRepository on both stores: a session is found until it expires or ends, an expired one
// is forgotten when the next is opened, and the audit log lists newest first, page by page.
#include "store_fixture.h"
#include "store_samples.h"

namespace fieldgate::test {
namespace {

using ConsoleRepositoryTest = StoreTest;

store::ConsoleSession session(const std::string& hash, const std::string& created,
                              const std::string& expires) {
    return {hash, "ana", "operator", created, expires};
}

TEST_P(ConsoleRepositoryTest, ASessionIsFoundUntilItExpires) {
    tx().insert_console_session(
        session("h1", "2026-12-01T09:00:00.000Z", "2026-12-01T21:00:00.000Z"));
    const auto found = tx().find_console_session("h1", "2026-12-01T20:59:59.999Z");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->account, "ana");
    EXPECT_EQ(found->role, "operator");
    EXPECT_EQ(found->expires_at, "2026-12-01T21:00:00.000Z");
    EXPECT_FALSE(tx().find_console_session("h1", "2026-12-01T21:00:00.000Z")) << "expired";
    EXPECT_FALSE(tx().find_console_session("h2", "2026-12-01T10:00:00.000Z")) << "unknown";
}

TEST_P(ConsoleRepositoryTest, AnEndedSessionIsNotFound) {
    tx().insert_console_session(
        session("h1", "2026-12-01T09:00:00.000Z", "2026-12-01T21:00:00.000Z"));
    EXPECT_TRUE(tx().end_console_session("h1"));
    EXPECT_FALSE(tx().find_console_session("h1", "2026-12-01T10:00:00.000Z"));
    EXPECT_FALSE(tx().end_console_session("h1")) << "ended twice";
}

TEST_P(ConsoleRepositoryTest, OpeningASessionForgetsExpiredOnes) {
    tx().insert_console_session(
        session("old", "2026-12-01T09:00:00.000Z", "2026-12-01T21:00:00.000Z"));
    tx().insert_console_session(
        session("new", "2026-12-02T09:00:00.000Z", "2026-12-02T21:00:00.000Z"));
    EXPECT_FALSE(tx().end_console_session("old")) << "the expired session was kept";
    EXPECT_TRUE(tx().end_console_session("new"));
}

TEST_P(ConsoleRepositoryTest, TheAuditLogListsNewestFirstInPages) {
    for (int i = 1; i <= 5; ++i)
        tx().append_audit({0, "2026-12-01T09:00:0" + std::to_string(i) + "Z", "ana", "operator",
                           "POST /v1/admin/quarantine/{id}/discard",
                           "/v1/admin/quarantine/" + std::to_string(i) + "/discard", 200,
                           "{\"reason\":\"r" + std::to_string(i) + "\"}"});
    const auto first = tx().list_audit(0, 3);
    ASSERT_EQ(first.size(), 3u);
    EXPECT_EQ(first[0].target, "/v1/admin/quarantine/5/discard");
    EXPECT_EQ(first[0].detail, "{\"reason\":\"r5\"}");
    EXPECT_EQ(first[0].status, 200);
    EXPECT_EQ(first[0].account, "ana");
    EXPECT_GT(first[0].id, first[1].id);
    const auto rest = tx().list_audit(first[2].id, 3);
    ASSERT_EQ(rest.size(), 2u);
    EXPECT_EQ(rest[0].target, "/v1/admin/quarantine/2/discard");
    EXPECT_EQ(rest[1].target, "/v1/admin/quarantine/1/discard");
}

store::OutcomeRow outcome_for(const std::string& order, const std::string& vendor_ref) {
    store::OutcomeRow row;
    row.work_order_id = order;
    row.vendor = "bay-hauling";
    row.source = "vendor:bay-hauling";
    row.vendor_ref = vendor_ref;
    row.content_hash = "h-" + vendor_ref;
    row.disposition = "applied";
    row.result.vendor_ref = vendor_ref;
    row.result.outcome = "NOT_COLLECTED";
    row.result.reason = "NOT_SET_OUT";
    row.result.occurred_at = "2026-12-04T10:15:00-08:00";
    row.received_at = "2026-12-04T18:15:02.441Z";
    row.mapping_version = "m-1";
    row.catalog_version = "c-1";
    row.evidence_json = "{}";
    return row;
}

TEST_P(ConsoleRepositoryTest, AWorkOrderIsFoundByCaseVendorReferenceOrAddress) {
    auto first = sample_order("wo-1", "SR-100");
    first.address = "12 Elm St, Springfield";
    first.outcome_id = std::nullopt;
    auto second = sample_order("wo-2", "SR-200");
    second.address = "400 Oak Ave, Springfield";
    second.outcome_id = std::nullopt;
    second.created_at = "2026-12-02T09:00:00.000Z";
    tx().insert_work_order(first);
    tx().insert_work_order(second);
    tx().insert_outcome(outcome_for("wo-2", "BH-77"));

    const auto by_case = tx().search_work_orders("SR-100", 10);
    ASSERT_EQ(by_case.size(), 1u);
    EXPECT_EQ(by_case[0].id, "wo-1");
    EXPECT_EQ(by_case[0].address, "12 Elm St, Springfield");
    const auto by_ref = tx().search_work_orders("BH-77", 10);
    ASSERT_EQ(by_ref.size(), 1u);
    EXPECT_EQ(by_ref[0].crm_case_id, "SR-200");
    const auto by_address = tx().search_work_orders("springfield", 10);
    ASSERT_EQ(by_address.size(), 2u);
    EXPECT_EQ(by_address[0].id, "wo-2") << "newest first";
    EXPECT_EQ(tx().search_work_orders("elm st", 10).size(), 1u);
    EXPECT_TRUE(tx().search_work_orders("%", 10).empty()) << "no wildcard";
    EXPECT_EQ(tx().search_work_orders("springfield", 1).size(), 1u);
}

TEST_P(ConsoleRepositoryTest, AnOrdersEventsAreListedOldestFirstWithTheirDelivery) {
    auto order = sample_order("wo-1", "SR-100");
    order.outcome_id = std::nullopt;
    tx().insert_work_order(order);
    const auto first = tx().enqueue_event({0, "wo-1", "gov.test.received", "received", std::nullopt,
                                           std::nullopt, "2026-12-01T09:00:00.000Z"});
    tx().enqueue_event({0, "wo-1", "gov.test.closed", "not_collected", std::nullopt, std::nullopt,
                        "2026-12-01T10:00:00.000Z"});
    const auto events = tx().list_order_events("wo-1");
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].id, first);
    EXPECT_EQ(events[0].event_type, "gov.test.received");
    EXPECT_EQ(events[0].destination, "crm");
    EXPECT_EQ(events[0].state, "pending");
    EXPECT_EQ(events[0].attempts, 0);
    EXPECT_FALSE(events[0].last_status);
    EXPECT_EQ(events[1].event_type, "gov.test.closed");
    EXPECT_TRUE(tx().list_order_events("wo-2").empty());
}

INSTANTIATE_TEST_SUITE_P(Stores, ConsoleRepositoryTest,
                         testing::Values(StoreKind::sqlite, StoreKind::postgres), store_name);

}  // namespace
}  // namespace fieldgate::test
