// /metrics on the real gateway: what the request, ingest and store paths report after real
// traffic, in Prometheus text format, behind its token.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/crm_delivery_rig.h"
#include "support/gateway_process.h"
#include "support/metrics_sample.h"
#include "support/vendor_payloads.h"
#include "support/wait.h"

namespace fieldgate::test {
namespace {

TEST(Metrics, CountsRequestsResultsRejectionsAndStoreStateBehindAToken) {
    GatewayProcess gateway;
    gateway.dir().write("secrets/metrics/scrape-token", "scrape-token-1");
    ASSERT_EQ(gateway.stop(), 0);
    gateway.start();
    auto c = gateway.client();
    ASSERT_EQ(gateway.create_order(c, work_order_body("SR-M-1", "bay-hauling")).status, 201);
    const sim::HeaderList bay = {{"Authorization", "Bearer " + gateway.secrets.bay}};
    ASSERT_EQ(c.post("/v1/vendors/bay-hauling/results", bay_result("BH-M-1", "SR-M-1").dump(),
                     "application/json", bay)
                  .status,
              200);
    ASSERT_EQ(c.post("/v1/vendors/bay-hauling/results",
                     bay_result("BH-M-2", "SR-M-1", "Confirmed Negative", "QQQ").dump(),
                     "application/json", bay)
                  .status,
              422);
    EXPECT_EQ(c.get("/v1/nowhere").status, 404);

    EXPECT_EQ(c.get("/metrics").status, 401);
    EXPECT_EQ(c.get("/metrics", gateway.crm_headers()).status, 401);
    auto r = c.get("/metrics", {{"Authorization", "Bearer scrape-token-1"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("content-type").value_or("").rfind("text/plain; version=0.0.4", 0), 0u);
    const auto& text = r.body;

    EXPECT_EQ(sample(text,
                     "fieldgate_vendor_results_total{outcome=\"NOT_COLLECTED\",reason=\"NOT_SET_"
                     "OUT\",vendor=\"bay-hauling\",verdict=\"accepted\"}"),
              1)
        << text;
    EXPECT_EQ(sample(text,
                     "fieldgate_vendor_rejections_total{type=\"unmapped-code\",vendor=\"bay-"
                     "hauling\"}"),
              1)
        << text;
    EXPECT_EQ(sample(text, "fieldgate_quarantine_open{vendor=\"bay-hauling\"}"), 1) << text;
    EXPECT_EQ(sample(text,
                     "fieldgate_http_requests_total{method=\"POST\",route=\"/v1/vendors/{vendor}/"
                     "results\",status=\"200\"}"),
              1)
        << text;
    EXPECT_EQ(sample(text,
                     "fieldgate_http_requests_total{method=\"POST\",route=\"/v1/vendors/{vendor}/"
                     "results\",status=\"422\"}"),
              1)
        << text;
    EXPECT_EQ(sample(text,
                     "fieldgate_http_requests_total{method=\"GET\",route=\"unmatched\",status="
                     "\"404\"}"),
              1)
        << text;
    // No CRM endpoint is configured: the events wait in the outbox.
    EXPECT_GE(sample(text, "fieldgate_outbox_pending{destination=\"crm\"}").value_or(0), 1) << text;
    EXPECT_GT(sample(text, "fieldgate_outbox_oldest_pending_age_seconds{destination=\"crm\"}")
                  .value_or(-1),
              0)
        << text;
    EXPECT_GE(sample(text, "fieldgate_writer_commits_total").value_or(0), 3) << text;
    EXPECT_GE(sample(text, "fieldgate_writer_commit_seconds_count").value_or(0), 3) << text;
    EXPECT_EQ(sample(text, "fieldgate_writer_queue_depth"), 0) << text;
    // Every metric name the gateway renders is documented.
    std::ifstream doc_file(source_path("docs/metrics.md"));
    const std::string doc((std::istreambuf_iterator<char>(doc_file)), {});
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("# TYPE ", 0) != 0) continue;
        const auto name = line.substr(7, line.find(' ', 7) - 7);
        EXPECT_NE(doc.find("`" + name + "`"), std::string::npos)
            << name << " is not documented in docs/metrics.md";
    }
}

// The delivery lag is a histogram observed at each delivery (a gauge with a quantile label is
// what Prometheus tools refuse): its count is the endpoint's deliveries, its buckets cumulative.
TEST(Metrics, DeliveryLagIsAHistogramOfEveryDeliveryByEndpoint) {
    using namespace std::chrono_literals;
    CrmDeliveryRig rig;
    auto c = rig.gw().client();
    rig.create(c, "SR-M-LAG");
    rig.post_result(c, "BH-M-LAG", "SR-M-LAG");
    ASSERT_TRUE(wait_until([&] { return rig.stored() == 2; }, 20s)) << rig.report();
    std::string text;
    const std::string series = "fieldgate_delivery_lag_seconds_count{endpoint=\"crm\"}";
    ASSERT_TRUE(wait_until(
        [&] {
            text = c.get("/metrics", rig.gw().admin_headers()).body;
            return sample(text, series).value_or(0) == 2;
        },
        5s))
        << text;
    EXPECT_NE(text.find("# TYPE fieldgate_delivery_lag_seconds histogram"), std::string::npos)
        << text;
    EXPECT_EQ(text.find("quantile="), std::string::npos) << text;
    EXPECT_EQ(sample(text, "fieldgate_delivery_lag_seconds_bucket{endpoint=\"crm\",le=\"+Inf\"}"),
              2)
        << text;
    EXPECT_GT(sample(text, "fieldgate_delivery_lag_seconds_sum{endpoint=\"crm\"}").value_or(-1), 0)
        << text;
    EXPECT_EQ(sample(text, "fieldgate_delivery_delivered_total{endpoint=\"crm\"}"), 2) << text;
}

}  // namespace
}  // namespace fieldgate::test
