// kill9-vendor-http: Bay Hauling results posted over HTTP under load while the gateway is killed
// with SIGKILL and restarted, FAULT_KILL_CYCLES times. Every result answered 2xx must be stored
// exactly once, and its outcome's CRM event received by the CRM simulator exactly once (by
// webhook-id) once delivery has drained after the last restart.
#include <gtest/gtest.h>

#include <atomic>

#include "fault/fault_rig.h"
#include "fault/kill9_vendor_load.h"

namespace fieldgate::test {
namespace {

constexpr double kResultsPerSecond = 400;

TEST(FaultKill9, VendorHttp) {
    FaultRig rig;
    const int cycles = kill_cycles();
    const std::string prefix = "K9H" + std::to_string(::getpid());
    // About one result per order under the kills (a cycle is 1 s up on average plus the
    // restart); on a slower machine the load goes round again, posting duplicates.
    const auto orders = static_cast<std::size_t>(kResultsPerSecond * 1.2 * cycles) + 500;
    ASSERT_EQ(create_bay_orders(rig.port(), prefix, orders, rig.gw().secrets.crm), orders);
    const std::string bay_key = rig.gw().secrets.bay;

    // One load run across every cycle: the engine reconnects to the same port after each
    // restart; a request in flight at a kill gets no answer and is posted again at the end.
    auto options = vendor_load_options(rig.port(), std::chrono::minutes(10));
    options.connections = 32;
    options.rate = kResultsPerSecond;
    options.max_backoff = std::chrono::milliseconds(100);
    bench::LoadResult chaos;
    FaultAccount account{"kill9-vendor-http"};
    account.cycles = static_cast<std::uint64_t>(
        rig.run_kill_cycles_under(cycles, 7, [&](const std::atomic<bool>& stop) {
            chaos = bench::run_load(
                options, [&](std::size_t i) -> std::optional<bench::PreparedRequest> {
                    if (stop.load()) return std::nullopt;
                    return bench::bay_result_request(prefix, i % orders, bay_key);
                });
        }));

    VendorAcks acks;
    acks.add(chaos);
    const std::size_t under_kills = acks.tickets.size();
    const std::size_t cut = acks.unanswered;
    const auto final_pass = post_unacknowledged(rig.port(), prefix, orders, bay_key, acks);
    acks.add(final_pass);
    EXPECT_EQ(acks.unanswered, cut) << "the final pass, with no kill, left requests unanswered";
    EXPECT_TRUE(acks.unexpected.empty()) << acks.unexpected.front();

    ASSERT_TRUE(rig.wait_for_delivery()) << rig.crm_report();
    const auto crm = rig.crm_received();
    const auto stored = rig.stored_items("BH-" + prefix + "-%");
    for (const auto& ticket : acks.tickets) {
        const auto it = stored.find(ticket);
        account_for(account, it == stored.end() ? nullptr : &it->second, &crm);
    }
    // Nothing stored that no one posted, and every order closed by exactly its one result.
    EXPECT_EQ(stored.size(), acks.tickets.size());
    const auto report = rig.crm_report();
    EXPECT_EQ(report["bad_signatures"], 0);
    EXPECT_EQ(report["out_of_order"], 0);

    account.print();
    std::cout << "[ kill9    ] " << account.cycles << " kill -9 cycles; " << under_kills
              << " results acknowledged under the kills, " << cut << " requests cut by a kill, "
              << (acks.tickets.size() - under_kills)
              << " posted again after the last restart; CRM answered " << report["answered"].dump()
              << ", " << report["duplicates"] << " redeliveries de-duplicated\n";
    EXPECT_EQ(account.cycles, static_cast<std::uint64_t>(cycles));
    EXPECT_GT(cut, 0u) << "no kill landed while a request was in flight";
    EXPECT_GT(account.acknowledged, 0u);
    EXPECT_EQ(account.acknowledged, orders);
    expect_nothing_lost_or_duplicated(account);
}

}  // namespace
}  // namespace fieldgate::test
