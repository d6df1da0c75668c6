// OutboxRepository on both stores: events enqueued with their change, the delivery worker's
// bookkeeping (attempts, backoff, deferrals), the endpoints' state and the counts.
#include "store_fixture.h"

namespace fieldgate::test {
namespace {

using OutboxRepositoryTest = StoreTest;

constexpr const char* kVendor = "vendor:riverbend-recycling";

store::OutboxEvent event_of(const std::string& work_order_id, const std::string& created_at) {
    return store::OutboxEvent{0,
                              work_order_id,
                              "work_order.status_changed",
                              "completed",
                              97,
                              R"({"overdue_minutes":30})",
                              created_at};
}

std::vector<std::int64_t> ids_of(const std::vector<store::PendingEvent>& rows) {
    std::vector<std::int64_t> ids;
    for (const auto& p : rows) ids.push_back(p.event.id);
    return ids;
}

TEST_P(OutboxRepositoryTest, EventsOfAnOrderComeBackAsEnqueuedInIdOrder) {
    const auto first = outbox().enqueue_event(event_of("wo-1", "2026-12-04T10:00:00Z"));
    const auto other = outbox().enqueue_event(event_of("wo-2", "2026-12-04T10:00:01Z"));
    const auto second =
        outbox().enqueue_event_to({0, "wo-1", "work_order.assigned", "dispatched", std::nullopt,
                                   std::nullopt, "2026-12-04T10:00:02Z"},
                                  kVendor);
    EXPECT_LT(first, other);
    EXPECT_LT(other, second);
    outbox().mark_delivered(first, 200, "2026-12-04T10:00:05Z");

    const auto events = outbox().events_of("wo-1");
    ASSERT_EQ(events.size(), 2u);  // delivered or not, every destination
    EXPECT_EQ(events[0].id, first);
    EXPECT_EQ(events[0].work_order_id, "wo-1");
    EXPECT_EQ(events[0].event_type, "work_order.status_changed");
    EXPECT_EQ(events[0].status, "completed");
    EXPECT_EQ(events[0].outcome_id, 97);
    EXPECT_EQ(events[0].extra_json, R"({"overdue_minutes":30})");
    EXPECT_EQ(events[0].created_at, "2026-12-04T10:00:00Z");
    EXPECT_EQ(events[1].id, second);
    EXPECT_EQ(events[1].event_type, "work_order.assigned");
    EXPECT_EQ(events[1].outcome_id, std::nullopt);
    EXPECT_EQ(events[1].extra_json, std::nullopt);
    EXPECT_TRUE(outbox().events_of("wo-3").empty());
}

TEST_P(OutboxRepositoryTest, PendingEventsAreTheDestinationsRowsAfterTheCursor) {
    std::vector<std::int64_t> crm;
    for (int i = 0; i < 4; ++i) {
        crm.push_back(outbox().enqueue_event(event_of("wo-" + std::to_string(i), "t")));
        outbox().enqueue_event_to(event_of("wo-v", "t"), kVendor);
    }
    outbox().mark_delivered(crm[1], 200, "2026-12-04T10:00:05Z");

    const auto all = outbox().pending_events("crm", 0, 100);
    EXPECT_EQ(ids_of(all), (std::vector<std::int64_t>{crm[0], crm[2], crm[3]}));
    ASSERT_FALSE(all.empty());
    EXPECT_EQ(all[0].destination, "crm");
    EXPECT_EQ(all[0].attempts, 0);
    EXPECT_EQ(all[0].event_failures, 0);
    EXPECT_EQ(all[0].next_attempt_at, std::nullopt);
    EXPECT_EQ(all[0].event.work_order_id, "wo-0");
    EXPECT_EQ(all[0].event.outcome_id, 97);
    EXPECT_EQ(ids_of(outbox().pending_events("crm", crm[0], 1)), std::vector<std::int64_t>{crm[2]});
    EXPECT_TRUE(outbox().pending_events("crm", crm[3], 100).empty());
    EXPECT_TRUE(outbox().pending_events("crm", 0, 0).empty());
    EXPECT_EQ(outbox().pending_events("crm", 0, -1).size(), 3u);  // SQLite: negative = no limit
    const auto vendor = outbox().pending_events(kVendor, 0, 100);
    ASSERT_EQ(vendor.size(), 4u);
    EXPECT_EQ(vendor[0].destination, kVendor);
    EXPECT_TRUE(outbox().pending_events("vendor:metro-haul", 0, 100).empty());
}

TEST_P(OutboxRepositoryTest, RetryCountsEveryAttemptButOnlyTheEventsOwnFailures) {
    const auto id = outbox().enqueue_event(event_of("wo-1", "t"));
    outbox().mark_retry(id, 500, "HTTP 500", "2026-12-04T10:01:00Z", "event");
    auto rows = outbox().pending_events("crm", 0, 10);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].attempts, 1);
    EXPECT_EQ(rows[0].event_failures, 1);
    EXPECT_EQ(rows[0].next_attempt_at, "2026-12-04T10:01:00Z");

    outbox().mark_retry(id, 503, "HTTP 503", "2026-12-04T10:05:00Z", "endpoint");
    rows = outbox().pending_events("crm", 0, 10);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].attempts, 2);
    EXPECT_EQ(rows[0].event_failures, 1);
    EXPECT_EQ(rows[0].next_attempt_at, "2026-12-04T10:05:00Z");
}

TEST_P(OutboxRepositoryTest, NoteAttemptCountsTheAttemptAndKeepsTheRowAsItWas) {
    const auto id = outbox().enqueue_event(event_of("wo-1", "t"));
    outbox().mark_retry(id, 500, "HTTP 500", "2026-12-04T10:01:00Z", "event");
    outbox().note_attempt(id, 410, "gone");
    const auto rows = outbox().pending_events("crm", 0, 10);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].attempts, 2);
    EXPECT_EQ(rows[0].event_failures, 1);
    EXPECT_EQ(rows[0].next_attempt_at, "2026-12-04T10:01:00Z");
}

TEST_P(OutboxRepositoryTest, DeliveredAndDeadRowsAreNoLongerPendingAndStayFinal) {
    const auto delivered = outbox().enqueue_event(event_of("wo-1", "t1"));
    const auto dead = outbox().enqueue_event(event_of("wo-2", "t2"));
    const auto open = outbox().enqueue_event(event_of("wo-3", "t3"));
    outbox().mark_delivered(delivered, 204, "2026-12-04T10:00:05Z");
    outbox().mark_dead(dead, 422, "rejected", "2026-12-04T10:00:06Z");
    // Pending-only updates leave finished rows alone.
    for (const auto id : {delivered, dead}) {
        outbox().mark_retry(id, 500, "HTTP 500", "2026-12-04T10:01:00Z", "event");
        outbox().note_attempt(id, 410, "gone");
        outbox().mark_dead(id, 500, "late", "2026-12-04T10:02:00Z");
    }
    EXPECT_EQ(ids_of(outbox().pending_events("crm", 0, 10)), std::vector<std::int64_t>{open});
    const auto counts = outbox().outbox_counts("crm");
    EXPECT_EQ(counts.pending, 1);
    EXPECT_EQ(counts.dead, 1);
    EXPECT_EQ(counts.oldest_pending_at, "t3");
}

TEST_P(OutboxRepositoryTest, DeferToEndpointMovesOnlyEventDeferralsAndTakesBackAFailure) {
    const auto twice = outbox().enqueue_event(event_of("wo-1", "t"));
    const auto once = outbox().enqueue_event(event_of("wo-2", "t"));
    const auto endpoint = outbox().enqueue_event(event_of("wo-3", "t"));
    const auto due = outbox().enqueue_event(event_of("wo-4", "t"));
    outbox().mark_retry(twice, 500, "e", "2026-12-04T10:01:00Z", "event");
    outbox().mark_retry(twice, 500, "e", "2026-12-04T10:02:00Z", "event");
    outbox().mark_retry(once, 500, "e", "2026-12-04T10:03:00Z", "event");
    outbox().mark_retry(endpoint, 503, "e", "2026-12-04T10:04:00Z", "endpoint");
    outbox().defer_to_endpoint({twice, once, endpoint, due});
    outbox().defer_to_endpoint({});

    const auto rows = outbox().pending_events("crm", 0, 10);
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0].event_failures, 1);
    EXPECT_EQ(rows[1].event_failures, 0);
    EXPECT_EQ(rows[2].event_failures, 0);
    EXPECT_EQ(rows[0].attempts, 2);
    EXPECT_EQ(rows[0].next_attempt_at, "2026-12-04T10:02:00Z");
    // Now under the endpoint: its recovery releases all three, not the row never deferred.
    EXPECT_EQ(outbox().release_endpoint_deferrals("crm"), 3);
}

TEST_P(OutboxRepositoryTest, ReleaseMakesTheDestinationsEndpointDeferralsDueAndCountsThem) {
    const auto a = outbox().enqueue_event(event_of("wo-1", "t"));
    const auto b = outbox().enqueue_event(event_of("wo-2", "t"));
    const auto own = outbox().enqueue_event(event_of("wo-3", "t"));
    const auto vendor = outbox().enqueue_event_to(event_of("wo-4", "t"), kVendor);
    const auto dead = outbox().enqueue_event(event_of("wo-5", "t"));
    for (const auto id : {a, b, vendor, dead})
        outbox().mark_retry(id, 503, "e", "2026-12-04T10:05:00Z", "endpoint");
    outbox().mark_retry(own, 500, "e", "2026-12-04T10:06:00Z", "event");
    outbox().mark_dead(dead, 503, "e", "2026-12-04T10:07:00Z");

    EXPECT_EQ(outbox().release_endpoint_deferrals("crm"), 2);
    const auto rows = outbox().pending_events("crm", 0, 10);
    ASSERT_EQ(ids_of(rows), (std::vector<std::int64_t>{a, b, own}));
    EXPECT_EQ(rows[0].next_attempt_at, std::nullopt);
    EXPECT_EQ(rows[1].next_attempt_at, std::nullopt);
    EXPECT_EQ(rows[2].next_attempt_at, "2026-12-04T10:06:00Z");
    EXPECT_EQ(rows[0].attempts, 1);
    EXPECT_EQ(outbox().release_endpoint_deferrals("crm"), 0);
    EXPECT_EQ(outbox().pending_events(kVendor, 0, 10)[0].next_attempt_at, "2026-12-04T10:05:00Z");
    EXPECT_EQ(outbox().release_endpoint_deferrals(kVendor), 1);
}

TEST_P(OutboxRepositoryTest, EndpointStatesAreListedByNameWithTheirDisabling) {
    EXPECT_TRUE(outbox().endpoint_states().empty());
    outbox().set_endpoint_state("crm", "disabled", "401 from the CRM", "2026-12-04T10:00:00Z");
    outbox().set_endpoint_state(kVendor, "active", "ignored when active", "2026-12-04T10:01:00Z");
    outbox().set_endpoint_state("Zeta", "disabled", std::nullopt, "2026-12-04T10:02:00Z");
    const auto states = outbox().endpoint_states();
    ASSERT_EQ(states.size(), 3u);
    EXPECT_EQ(states[0].name, "Zeta");  // byte order: upper case first
    EXPECT_EQ(states[0].disabled_at, "2026-12-04T10:02:00Z");
    EXPECT_EQ(states[0].disabled_reason, std::nullopt);
    EXPECT_EQ(states[1].name, "crm");
    EXPECT_EQ(states[1].state, "disabled");
    EXPECT_EQ(states[1].disabled_at, "2026-12-04T10:00:00Z");
    EXPECT_EQ(states[1].disabled_reason, "401 from the CRM");
    EXPECT_EQ(states[2].name, kVendor);
    EXPECT_EQ(states[2].state, "active");
    EXPECT_EQ(states[2].disabled_at, std::nullopt);
    EXPECT_EQ(states[2].disabled_reason, std::nullopt);
}

TEST_P(OutboxRepositoryTest, EnablingAnEndpointAgainClearsItsDisabling) {
    outbox().set_endpoint_state("crm", "disabled", "401 from the CRM", "2026-12-04T10:00:00Z");
    outbox().set_endpoint_state("crm", "active", std::nullopt, "2026-12-04T11:00:00Z");
    auto states = outbox().endpoint_states();
    ASSERT_EQ(states.size(), 1u);
    EXPECT_EQ(states[0].state, "active");
    EXPECT_EQ(states[0].disabled_at, std::nullopt);
    EXPECT_EQ(states[0].disabled_reason, std::nullopt);
    outbox().set_endpoint_state("crm", "disabled", "TLS", "2026-12-04T12:00:00Z");
    states = outbox().endpoint_states();
    ASSERT_EQ(states.size(), 1u);
    EXPECT_EQ(states[0].disabled_at, "2026-12-04T12:00:00Z");
    EXPECT_EQ(states[0].disabled_reason, "TLS");
}

TEST_P(OutboxRepositoryTest, CountsAreTheDestinationsPendingAndDeadRows) {
    const auto empty = outbox().outbox_counts("crm");
    EXPECT_EQ(empty.pending, 0);
    EXPECT_EQ(empty.dead, 0);
    EXPECT_EQ(empty.oldest_pending_at, std::nullopt);

    outbox().enqueue_event(event_of("wo-1", "2026-12-04T10:00:09Z"));
    outbox().enqueue_event(event_of("wo-2", "2026-12-04T10:00:08.5Z"));
    outbox().enqueue_event(event_of("wo-3", "2026-12-04T10:00:08Z"));
    outbox().enqueue_event_to(event_of("wo-4", "2026-12-04T09:00:00Z"), kVendor);
    const auto delivered = outbox().enqueue_event(event_of("wo-5", "2026-12-04T08:00:00Z"));
    const auto dead = outbox().enqueue_event(event_of("wo-6", "2026-12-04T07:00:00Z"));
    outbox().mark_delivered(delivered, 200, "2026-12-04T10:01:00Z");
    outbox().mark_dead(dead, 400, "bad", "2026-12-04T10:01:00Z");
    outbox().mark_retry(outbox().enqueue_event(event_of("wo-7", "2026-12-04T10:00:10Z")), 500, "e",
                        "2026-12-04T10:05:00Z", "event");

    const auto counts = outbox().outbox_counts("crm");
    EXPECT_EQ(counts.pending, 4);
    EXPECT_EQ(counts.dead, 1);
    // The minimum as text, byte by byte as SQLite compares: '.' sorts before 'Z', so "08.5Z"
    // is the minimum though "08Z" is earlier in time.
    EXPECT_EQ(counts.oldest_pending_at, "2026-12-04T10:00:08.5Z");
    const auto vendor = outbox().outbox_counts(kVendor);
    EXPECT_EQ(vendor.pending, 1);
    EXPECT_EQ(vendor.dead, 0);
    EXPECT_EQ(vendor.oldest_pending_at, "2026-12-04T09:00:00Z");
}

INSTANTIATE_TEST_SUITE_P(Stores, OutboxRepositoryTest,
                         testing::Values(StoreKind::sqlite, StoreKind::postgres), store_name);

}  // namespace
}  // namespace fieldgate::test
