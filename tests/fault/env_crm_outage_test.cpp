// crm-outage: the CRM (the real simulator) is down with its listener closed, then slow (answers
// later than the delivery client's timeout, then just under it), then answers 500, then 429
// with Retry-After, for about two minutes in all, while Bay Hauling keeps posting results at a
// steady rate; then it recovers. Every acknowledged result is stored once and its CRM event
// delivered exactly once by webhook-id, in order per work order.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "bay_load.h"
#include "fault/env_support.h"
#include "support/crm_gateway_rig.h"
#include "support/wait.h"

namespace fieldgate::test {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kOrders = 4400;
constexpr int kDeliveryTimeoutMs = 2000;

struct Phase {
    nlohmann::json command;
    std::chrono::seconds length;
};

TEST(FaultCrmOutage, EveryAcknowledgedResultIsDeliveredOnceAfterDownSlow500And429) {
    CrmGatewayRig rig(nlohmann::json{{"delivery", {{"timeout_ms", kDeliveryTimeoutMs}}}});
    const std::string prefix = "CO" + std::to_string(::getpid());
    const std::vector<Phase> phases = {
        {{{"mode", "down"}}, 50s},
        {{{"mode", "slow"}, {"delay_ms", kDeliveryTimeoutMs + 1000}}, 15s},  // the client gives up
        {{{"mode", "slow"}, {"delay_ms", kDeliveryTimeoutMs - 300}}, 15s},   // just in time
        {{{"mode", "error500"}}, 15s},
        {{{"mode", "throttle429"}, {"retry_after_s", 2}}, 15s},
    };
    std::chrono::seconds outage{0};
    for (const auto& p : phases) outage += p.length;

    // The orders exist before the outage (their dispatched events wait in the outbox too).
    rig.control(phases.front().command);
    bench::LoadOptions options;
    options.port = rig.gw().port();
    options.connections = 16;
    options.duration = 60s;
    const auto created =
        bench::run_load(options, [&](std::size_t i) -> std::optional<bench::PreparedRequest> {
            if (i >= kOrders) return std::nullopt;
            return bench::create_order_request(prefix, i, rig.gw().secrets.crm);
        });
    ASSERT_EQ(created.summary.ok, kOrders) << format_summary(created.summary);

    std::thread faults([&] {
        for (std::size_t i = 0; i < phases.size(); ++i) {
            if (i > 0) rig.control(phases[i].command);
            std::this_thread::sleep_for(phases[i].length);
        }
        rig.control({{"mode", "ok"}});
    });
    // The results arrive at a steady rate over the whole outage.
    options.connections = 8;
    options.rate = static_cast<double>(kOrders) / static_cast<double>(outage.count());
    options.duration = outage + 20s;
    const auto load =
        bench::run_load(options, [&](std::size_t i) -> std::optional<bench::PreparedRequest> {
            if (i >= kOrders) return std::nullopt;
            return bench::bay_result_request(prefix, i, rig.gw().secrets.bay);
        });
    faults.join();
    std::set<std::string> acknowledged;
    add_acknowledged(load, acknowledged);
    EXPECT_EQ(load.summary.ok, kOrders) << format_summary(load.summary);

    const auto expected = static_cast<std::int64_t>(kOrders + acknowledged.size());
    ASSERT_TRUE(wait_until([&] { return rig.stored() >= expected; }, 180s)) << rig.report();
    const auto report = rig.report();
    EXPECT_EQ(report["stored"], expected);
    EXPECT_EQ(report["out_of_order"], 0);
    EXPECT_EQ(report["bad_signatures"], 0);
    EXPECT_EQ(report["duplicate_mismatches"], 0);
    // Each fault was met: the answers that came after the client's timeout were sent again
    // (the CRM saw their webhook-ids twice), and 500s and 429s were answered.
    EXPECT_GT(report["duplicates"].get<std::int64_t>(), 0) << report;
    EXPECT_GT(rig.answered("500"), 0) << report;
    EXPECT_GT(rig.answered("429"), 0) << report;

    const auto events = rig.events();
    std::map<std::string, int> dispatched;
    for (const auto& e : events)
        if (e["type_or_status"] == "gov.sanjose.workorder.dispatched")
            ++dispatched[e["subject"].get<std::string>()];
    EXPECT_EQ(dispatched.size(), kOrders);
    for (const auto& [subject, n] : dispatched) EXPECT_EQ(n, 1) << subject;

    const auto account =
        account_of("crm-outage", phases.size(), acknowledged,
                   stored_outcomes(rig.gw().db_path(), "bay-hauling", "BH-" + prefix + "-%"),
                   delivered_outcomes(events));
    account.print();
    std::printf(
        "crm-outage: %zu orders, %lld events stored by the CRM, %lld redeliveries of a "
        "webhook-id it already had, answered %s\n",
        kOrders, static_cast<long long>(expected),
        static_cast<long long>(report["duplicates"].get<std::int64_t>()),
        report["answered"].dump().c_str());
    EXPECT_GT(account.acknowledged, 0u);
    EXPECT_EQ(account.lost, 0u);
    EXPECT_EQ(account.duplicated, 0u);
}

}  // namespace
}  // namespace fieldgate::test
