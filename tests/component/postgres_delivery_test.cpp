// Two gateways on one PostgreSQL database deliver one outbox to the CRM together, each event
// leased by the gateway that sends it: every event reaches the CRM once (no webhook-id twice)
// and in order per work order, whichever gateway took the result and whichever sends it; a
// gateway that dies mid-send gives its events up when their leases run out.
#include <gtest/gtest.h>

#include "support/crm_sim_process.h"
#include "support/gateway_process.h"
#include "support/metrics_sample.h"
#include "support/pg_cluster.h"
#include "support/vendor_payloads.h"
#include "support/wait.h"

namespace fieldgate::test {
namespace {

class TwoGatewaysDeliver : public ::testing::Test {
  protected:
    TwoGatewaysDeliver()
        : cluster_(PgClusterOptions{.fsync = false}), url_(cluster_.create_database("deliver")) {
        a_ = start();
        b_ = start();
    }

    std::unique_ptr<GatewayProcess> start() {
        const nlohmann::json config = {
            {"store", {{"url", url_}}},
            {"crm",
             {{"endpoint", crm_.events_origin() + "/events"},
              {"event_type_prefix", "gov.sanjose.workorder"}}},
            {"delivery",
             {{"poll_interval_ms", 200},
              {"max_pause_s", 1},
              {"concurrency", 8},
              {"timeout_ms", 2000},
              {"backoff_s", {1}}}},
            {"watchdog", {{"enabled", false}}},
        };
        Secrets secrets;
        secrets.crm_webhook = whsec(crm_.key());
        secrets.more.push_back({"store/password", cluster_.password()});
        secrets.more.push_back({"metrics/scrape-token", "scrape"});
        return std::make_unique<GatewayProcess>(config, secrets);
    }
    nlohmann::json report() {
        auto c = crm_.control_client();
        return nlohmann::json::parse(c.get("/_report").body);
    }
    static double delivered(GatewayProcess& g) {
        const auto body = g.client().get("/metrics", {{"Authorization", "Bearer scrape"}}).body;
        return sample(body, "fieldgate_delivery_delivered_total{endpoint=\"crm\"}").value_or(0);
    }
    // One order and its closing result, through gateway `g`.
    void close_order(GatewayProcess& g, int n) {
        auto c = g.client();
        const auto sr = "SR-DLV-" + std::to_string(n);
        ASSERT_EQ(g.create_order(c, work_order_body(sr, "bay-hauling")).status, 201);
        const auto r = c.post("/v1/vendors/bay-hauling/results",
                              bay_result("BH-DLV-" + std::to_string(n), sr).dump(),
                              "application/json", {{"Authorization", "Bearer " + g.secrets.bay}});
        ASSERT_EQ(r.status, 200) << r.body;
    }

    CrmSimProcess crm_;
    PgCluster cluster_;
    std::string url_;
    std::unique_ptr<GatewayProcess> a_;
    std::unique_ptr<GatewayProcess> b_;
};

TEST_F(TwoGatewaysDeliver, EveryEventReachesTheCrmOnceInOrderAndBothGatewaysDeliver) {
    for (int n = 0; n < 20; ++n) close_order(n % 2 ? *a_ : *b_, n);
    // Each order makes two events (assigned at creation, then the closing).
    ASSERT_TRUE(wait_until([&] { return report()["stored"] == 40; })) << report().dump();
    std::this_thread::sleep_for(std::chrono::seconds(1));  // a second sender would show by now
    EXPECT_EQ(report()["duplicates"], 0) << report().dump();
    EXPECT_EQ(report()["out_of_order"], 0) << report().dump();
    const double by_a = delivered(*a_), by_b = delivered(*b_);
    EXPECT_EQ(by_a + by_b, 40);
    EXPECT_GT(by_a, 0) << "both gateways deliver";
    EXPECT_GT(by_b, 0) << "both gateways deliver";
}

TEST_F(TwoGatewaysDeliver, AGatewayKilledMidSendGivesItsEventsToTheOther) {
    // The CRM holds every request: the gateways' sends hang, each holding its leases.
    crm_.control({{"mode", "slow"}, {"delay_ms", 60000}});
    for (int n = 100; n < 106; ++n) close_order(*a_, n);
    ASSERT_TRUE(wait_until([&] { return report()["received"] >= 6; })) << report().dump();
    a_->kill9();
    crm_.control({{"mode", "ok"}});
    // What the dead gateway held goes out again (same webhook-id) once its leases run out.
    EXPECT_TRUE(wait_until([&] { return report()["stored"] == 12; }, std::chrono::seconds(60)))
        << report().dump();
    EXPECT_EQ(report()["out_of_order"], 0) << report().dump();
}

}  // namespace
}  // namespace fieldgate::test
