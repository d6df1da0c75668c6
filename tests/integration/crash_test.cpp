// kill -9 of the gateway while vendors post results: after restart, every result that was
// acknowledged (2xx) is stored exactly once, and nothing is stored twice.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "fault/kill9_vendor_load.h"
#include "read_pool.h"
#include "sqlite_read_pool.h"
#include "sqlite_transaction.h"
#include "support/gateway_process.h"

namespace fieldgate::test {
namespace {

constexpr std::size_t kOrders = 3000;
constexpr int kCrashCycles = 3;

TEST(CrashRecovery, NoAcknowledgedResultIsLostAndNoneIsStoredTwice) {
    GatewayProcess gateway;
    const std::string prefix = "CR" + std::to_string(::getpid());

    ASSERT_EQ(create_bay_orders(gateway.port(), prefix, kOrders, gateway.secrets.crm), kOrders);

    VendorAcks acks;
    std::size_t crashes = 0;
    for (int cycle = 0; cycle < kCrashCycles; ++cycle) {
        // Every cycle sends every result again: the ones stored before must come back as
        // duplicates, the rest be accepted, until the gateway dies under the load: at result
        // kill_at, or 1.5 s into the 4 s run where the machine is too slow to reach it (a
        // sanitizer build beside other tests), so the crash always lands mid-load.
        std::atomic<bool> kill_now{false};
        const std::size_t kill_at = kOrders / 4 + static_cast<std::size_t>(cycle) * kOrders / 5;
        const auto options = vendor_load_options(gateway.port(), std::chrono::seconds(4));
        std::thread killer([&] {
            const auto latest = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
            while (!kill_now.load() && std::chrono::steady_clock::now() < latest)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            gateway.kill9();
        });
        const auto load =
            bench::run_load(options, [&](std::size_t i) -> std::optional<bench::PreparedRequest> {
                if (i >= kOrders) return std::nullopt;
                if (i == kill_at) kill_now = true;
                return bench::bay_result_request(prefix, i, gateway.secrets.bay);
            });
        kill_now = true;
        killer.join();
        ++crashes;
        acks.add(load);
        EXPECT_GT(load.summary.errors, 0u) << "the crash did not land during the load";
        gateway.start();
    }
    ASSERT_EQ(crashes, static_cast<std::size_t>(kCrashCycles));

    EXPECT_TRUE(acks.unexpected.empty()) << acks.unexpected.front();
    const std::set<std::string> acknowledged = acks.tickets;

    // After the last restart, one clean pass: every result not acknowledged yet is accepted or
    // (stored before its answer was lost) a duplicate.
    const auto final_pass =
        post_unacknowledged(gateway.port(), prefix, kOrders, gateway.secrets.bay, acks);
    EXPECT_EQ(final_pass.summary.ok, kOrders - acknowledged.size())
        << format_summary(final_pass.summary);

    store::SqliteReadPool reads(gateway.db_path());
    auto db = reads.acquire();
    std::size_t missing = 0;
    for (const auto& tag : acknowledged) {
        auto q = store::sqlite_connection(*db).prepare(
            "SELECT COUNT(*) FROM outcomes WHERE vendor = 'bay-hauling' AND vendor_ref = ?");
        q->bind(1, tag);
        q->step();
        if (q->integer(0) != 1) ++missing;
    }
    EXPECT_EQ(missing, 0u) << "acknowledged results not stored exactly once";
    auto twice = store::sqlite_connection(*db).prepare(
        "SELECT COUNT(*) FROM (SELECT vendor_ref FROM outcomes WHERE vendor_ref LIKE ? GROUP BY "
        "vendor_ref HAVING COUNT(*) > 1)");
    twice->bind(1, "BH-" + prefix + "-%");
    twice->step();
    EXPECT_EQ(twice->integer(0), 0);
    auto closed = store::sqlite_connection(*db).prepare(
        "SELECT COUNT(*) FROM work_orders WHERE crm_case_id LIKE ? AND status IN "
        "('completed','not_collected')");
    closed->bind(1, prefix + "-%");
    closed->step();
    EXPECT_EQ(static_cast<std::size_t>(closed->integer(0)), kOrders);
    std::cout << "[ crash    ] " << crashes << " kill -9 cycles, " << acknowledged.size()
              << " results acknowledged before a crash, 0 lost, 0 stored twice\n";
}

}  // namespace
}  // namespace fieldgate::test
