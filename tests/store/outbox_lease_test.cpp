// Outbox leases on PostgreSQL, the way several gateways share one outbox: only the head of a
// work order is leased, a lease keeps every other gateway off the event until it is settled,
// runs out or is given back, and gateways claiming at the same moment never lease one event
// twice.
#include <set>
#include <thread>

#include "pg_outbox_leases.h"
#include "store_fixture.h"

namespace fieldgate::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kNow = "2026-12-03T12:00:00.000Z";

class OutboxLeases : public testing::Test {
  protected:
    OutboxLeases()
        : url_(fresh_pg_database("lease")),
          db_(url_, shared_pg_cluster().password()),
          options_{url_, shared_pg_cluster().password(), {}} {
        store::migrate(db_);
        tx_ = std::make_unique<store::PgTransaction>(db_);
    }

    std::int64_t enqueue(const std::string& work_order) {
        return tx_->enqueue_event(store::OutboxEvent{0, work_order, "status_changed", "completed",
                                                     std::nullopt, std::nullopt,
                                                     "2026-12-03T11:00:00.000Z"});
    }
    static std::vector<std::int64_t> ids(const std::vector<store::PendingEvent>& rows) {
        std::vector<std::int64_t> out;
        for (const auto& r : rows) out.push_back(r.event.id);
        return out;
    }
    std::vector<std::int64_t> claim(store::PgOutboxLeases& leases, const std::string& owner,
                                    std::chrono::milliseconds lease = 10s,
                                    const std::string& now = kNow) {
        return ids(leases.claim("crm", owner, now, lease, 100));
    }

    std::string url_;
    pg::Connection db_;
    store::PgStoreOptions options_;
    std::unique_ptr<store::PgTransaction> tx_;
};

TEST_F(OutboxLeases, OnlyTheHeadOfEachWorkOrderIsLeased) {
    const auto a1 = enqueue("WO-A");
    enqueue("WO-A");
    const auto b1 = enqueue("WO-B");
    store::PgOutboxLeases gateway(options_);
    EXPECT_EQ(claim(gateway, "one"), (std::vector<std::int64_t>{a1, b1}));
}

TEST_F(OutboxLeases, ALeasedEventWaitsForItsLeaseToRunOut) {
    const auto a1 = enqueue("WO-A");
    store::PgOutboxLeases one(options_), two(options_);
    ASSERT_EQ(claim(one, "one", 300ms), std::vector<std::int64_t>{a1});
    EXPECT_TRUE(claim(two, "two").empty()) << "leased to the first gateway";
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(claim(two, "two"), std::vector<std::int64_t>{a1}) << "the lease ran out";
    EXPECT_EQ(db_.query("SELECT lease_owner FROM outbox WHERE id = $1", pg::Params().integer(a1))
                  .text(0, 0),
              "two");
}

TEST_F(OutboxLeases, SettlingEndsTheLeaseAndTheNextEventOfTheOrderBecomesTheHead) {
    const auto a1 = enqueue("WO-A");
    const auto a2 = enqueue("WO-A");
    store::PgOutboxLeases one(options_), two(options_);
    ASSERT_EQ(claim(one, "one"), std::vector<std::int64_t>{a1});
    EXPECT_TRUE(claim(two, "two").empty()) << "a2 waits behind a1";
    tx_->mark_delivered(a1, 200, kNow);
    EXPECT_EQ(claim(two, "two"), std::vector<std::int64_t>{a2});
}

TEST_F(OutboxLeases, ARetryIsLeasedAgainWhenItFallsDueByWhicheverGateway) {
    const auto a1 = enqueue("WO-A");
    store::PgOutboxLeases one(options_), two(options_);
    ASSERT_EQ(claim(one, "one"), std::vector<std::int64_t>{a1});
    tx_->mark_retry(a1, 503, "unavailable", "2026-12-03T12:00:05.000Z", "event");
    EXPECT_TRUE(claim(two, "two", 10s, "2026-12-03T12:00:04.999Z").empty()) << "not due";
    EXPECT_EQ(claim(two, "two", 10s, "2026-12-03T12:00:05.000Z"), std::vector<std::int64_t>{a1});
}

TEST_F(OutboxLeases, RenewedLeasesHoldAndReleasedOnesGoAtOnce) {
    const auto a1 = enqueue("WO-A");
    const auto b1 = enqueue("WO-B");
    store::PgOutboxLeases one(options_), two(options_);
    ASSERT_EQ(claim(one, "one", 300ms), (std::vector<std::int64_t>{a1, b1}));
    one.renew({a1, b1}, "one", 10s);
    two.renew({a1}, "two", 1ms);  // not its lease: changes nothing
    std::this_thread::sleep_for(500ms);
    EXPECT_TRUE(claim(two, "two").empty()) << "renewed past the first lease";
    two.release({b1}, "two");  // not its lease either
    one.release({b1}, "one");
    EXPECT_EQ(claim(two, "two"), std::vector<std::int64_t>{b1});
}

TEST_F(OutboxLeases, GatewaysClaimingTogetherNeverLeaseAnEventTwice) {
    constexpr int kOrders = 300;
    for (int i = 0; i < kOrders; ++i) enqueue("WO-" + std::to_string(i));
    std::vector<std::vector<std::int64_t>> claimed(4);
    std::vector<std::thread> gateways;
    for (std::size_t g = 0; g < claimed.size(); ++g) {
        gateways.emplace_back([&, g] {
            store::PgOutboxLeases leases(options_);
            for (;;) {
                const auto rows = leases.claim("crm", "g" + std::to_string(g), kNow, 60s, 7);
                if (rows.empty()) return;
                for (const auto& r : rows) claimed[g].push_back(r.event.id);
            }
        });
    }
    for (auto& t : gateways) t.join();
    std::multiset<std::int64_t> all;
    for (const auto& c : claimed) all.insert(c.begin(), c.end());
    EXPECT_EQ(all.size(), static_cast<std::size_t>(kOrders));
    EXPECT_EQ(std::set<std::int64_t>(all.begin(), all.end()).size(), all.size())
        << "an event leased twice";
}

}  // namespace
}  // namespace fieldgate::test
