// crm-outage: the CRM (the real simulator) is down with its listener closed, then slow (answers
// later than the delivery client's timeout, then just under it), then answers 500, then 429
// with Retry-After, for about two minutes in all, while Bay Hauling keeps posting results at a
// steady rate; then it recovers. Every acknowledged result is stored once and its CRM event
// delivered exactly once by webhook-id, in order per work order. All of it over HTTPS, with an
// OAuth 2.0 access token that lives 20 s (replaced several times during the run) and every
// token revoked once in the middle of the 500 phase (a 401, one refresh).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "fault/env_support.h"
#include "fault/kill9_vendor_load.h"
#include "support/test_certs.h"

namespace fieldgate::test {
namespace {

constexpr std::size_t kOutageOrders = 4400;
constexpr int kDeliveryTimeoutMs = 2000;

struct Phase {
    nlohmann::json command;
    std::chrono::seconds length;
};

TEST(FaultCrmOutage, EveryAcknowledgedResultIsDeliveredOnceAfterDownSlow500And429) {
    FaultRigOptions options;
    options.config = {{"delivery", {{"timeout_ms", kDeliveryTimeoutMs}, {"concurrency", 8}}}};
    const auto& certs = TestCerts::shared();
    options.crm_tls =
        CrmSimTls{certs.path("server.pem"), certs.path("server.key"), certs.path("ca.pem")};
    options.crm_oauth = CrmSimOAuth{};
    options.crm_oauth->token_ttl_s = 20;
    FaultRig rig(options);
    auto control = [&](const nlohmann::json& command) {
        auto c = rig.crm().control_client();
        const auto r = c.post("/_control", command.dump());
        EXPECT_LT(r.status, 300) << r.body;
    };
    const std::string prefix = "CO" + std::to_string(::getpid());
    const std::vector<Phase> phases = {
        {{{"mode", "down"}}, 50s},
        {{{"mode", "slow"}, {"delay_ms", kDeliveryTimeoutMs + 1000}}, 15s},  // the client gives up
        {{{"mode", "slow"}, {"delay_ms", kDeliveryTimeoutMs - 300}}, 15s},   // just in time
        {{{"mode", "error500"}}, 7s},
        {{{"mode", "error500"}, {"expire_tokens", true}}, 8s},
        {{{"mode", "throttle429"}, {"retry_after_s", 2}}, 15s},
    };
    std::chrono::seconds outage{0};
    for (const auto& p : phases) outage += p.length;

    // The orders exist before the outage (their dispatched events wait in the outbox too).
    control(phases.front().command);
    ASSERT_EQ(create_bay_orders(rig.port(), prefix, kOutageOrders, rig.gw().secrets.crm),
              kOutageOrders);

    std::thread faults([&] {
        for (std::size_t i = 0; i < phases.size(); ++i) {
            if (i > 0) control(phases[i].command);
            std::this_thread::sleep_for(phases[i].length);
        }
        control({{"mode", "ok"}});
    });
    // The results arrive at a steady rate over the whole outage.
    auto load_options = vendor_load_options(rig.port(), outage + 20s);
    load_options.connections = 8;
    load_options.rate = static_cast<double>(kOutageOrders) / static_cast<double>(outage.count());
    const auto load =
        bench::run_load(load_options, [&](std::size_t i) -> std::optional<bench::PreparedRequest> {
            if (i >= kOutageOrders) return std::nullopt;
            return bench::bay_result_request(prefix, i, rig.gw().secrets.bay);
        });
    faults.join();
    VendorAcks acks;
    acks.add(load);
    EXPECT_EQ(acks.tickets.size(), kOutageOrders) << format_summary(load.summary);
    EXPECT_TRUE(acks.unexpected.empty()) << acks.unexpected.front();

    ASSERT_TRUE(rig.wait_for_delivery(180s)) << rig.crm_report() << "\n"
                                             << rig.pending_crm_events();
    const auto report = rig.crm_report();
    // Every order's dispatched event and outcome event, each stored once, in order.
    EXPECT_EQ(report["stored"], kOutageOrders + acks.tickets.size());
    EXPECT_EQ(report["subjects"], kOutageOrders);
    EXPECT_EQ(report["out_of_order"], 0);
    EXPECT_EQ(report["bad_signatures"], 0);
    EXPECT_EQ(report["duplicate_mismatches"], 0);
    // Each fault was met: the answers that came after the client's timeout were sent again
    // (the CRM saw their webhook-ids twice), and 500s and 429s were answered.
    EXPECT_GT(report["duplicates"].get<std::int64_t>(), 0) << report;
    EXPECT_GT(report["answered"].value("500", 0), 0) << report;
    EXPECT_GT(report["answered"].value("429", 0), 0) << report;
    // Over HTTPS with OAuth 2.0: tokens were replaced as they aged and after the revocation.
    EXPECT_GE(report["oauth"]["tokens_issued"].get<int>(), 3) << report;

    FaultAccount account{"crm-outage"};
    account.cycles = phases.size();
    const auto stored = rig.stored_items("BH-" + prefix + "-%");
    account_all(account, acks.tickets, stored, rig.crm_received());
    EXPECT_EQ(stored.size(), acks.tickets.size());
    account.print();
    std::printf(
        "crm-outage: %zu orders, %lld events stored by the CRM, %lld redeliveries of a "
        "webhook-id it already had, answered %s\n",
        kOutageOrders, static_cast<long long>(report["stored"].get<std::int64_t>()),
        static_cast<long long>(report["duplicates"].get<std::int64_t>()),
        report["answered"].dump().c_str());
    EXPECT_GT(account.acknowledged, 0u);
    expect_nothing_lost_or_duplicated(account);
}

}  // namespace
}  // namespace fieldgate::test
