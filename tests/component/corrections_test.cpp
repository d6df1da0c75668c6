// A vendor edits a result it already sent for a closed order (same ticket, same status and
// exception, another time and another photo), on the real gateway with CRM delivery to the real
// CRM simulator: the edit is answered `corrected`, recorded as the order's outcome with a
// history entry saying what changed, counted for staff, and the CRM hears nothing new.
#include <gtest/gtest.h>

#include <chrono>

#include "read_pool.h"
#include "support/crm_delivery_rig.h"
#include "support/metrics_sample.h"
#include "support/store_probe.h"
#include "support/vendor_payloads.h"
#include "support/wait.h"

namespace fieldgate::test {
namespace {

using namespace std::chrono_literals;

class Corrections : public ::testing::Test {
  protected:
    sim::ClientResponse post_bay(const nlohmann::json& body) {
        auto c = gw_->client();
        return c.post("/v1/vendors/bay-hauling/results", body.dump(), "application/json",
                      {{"Authorization", "Bearer " + gw_->secrets.bay}});
    }
    nlohmann::json get(const std::string& target, bool crm = false) {
        auto c = gw_->client();
        const auto r = c.get(target, crm ? gw_->crm_headers() : gw_->admin_headers());
        EXPECT_EQ(r.status, 200) << target << ": " << r.body;
        return nlohmann::json::parse(r.body, nullptr, false);
    }
    std::int64_t scalar(const std::string& sql) { return StoreProbe(*gw_).integer(sql); }
    // Events the CRM simulator stored for one service request, once the outbox has drained.
    std::size_t crm_events_of(const std::string& sr) {
        EXPECT_TRUE(wait_until(
            [&] { return scalar("SELECT COUNT(*) FROM outbox WHERE state = 'pending'") == 0; },
            60s))
            << gw_->log_text();
        auto c = rig_.crm().control_client();
        std::size_t n = 0;
        for (const auto& e : nlohmann::json::parse(c.get("/_events").body))
            if (e["subject"] == sr) ++n;
        return n;
    }

    CrmDeliveryRig rig_;
    GatewayProcess* gw_ = &rig_.gw();
};

TEST_F(Corrections, AnEditedClosedResultIsRecordedCountedAndNotSentToTheCrm) {
    const std::string sr = "SR-CORR-1", ticket = "BH-CORR-1";
    auto c = gw_->client();
    ASSERT_EQ(gw_->create_order(c, work_order_body(sr, "bay-hauling")).status, 201);
    const auto first = bay_result(ticket, sr);  // not collected, NSO, 10:42:17, one photo
    const auto taken = post_bay(first);
    ASSERT_EQ(taken.status, 200) << taken.body;
    ASSERT_EQ(nlohmann::json::parse(taken.body)["results"][0]["status"], "accepted");
    const auto told = crm_events_of(sr);
    ASSERT_EQ(told, 2u);  // dispatched, not collected

    auto edit = first;
    edit["closed_at"] = "2026-02-03T11:05:00-08:00";
    edit["photos"].push_back("https://media.bayhauling.example/stops/" + ticket + "/2.jpg");
    const auto answer = post_bay(edit);
    ASSERT_EQ(answer.status, 200) << answer.body;
    const auto report = nlohmann::json::parse(answer.body);
    EXPECT_EQ(report["corrected"], 1);
    EXPECT_EQ(report["accepted"], 0);
    ASSERT_EQ(report["results"][0]["status"], "corrected") << report;
    const std::string outcome_id = report["results"][0]["outcome_ids"][0];
    const std::string payload_id = report["payload_id"];

    // The order shows the vendor's latest word and the history says what changed, from where.
    const auto items = get("/v1/work-orders?crm_case_id=" + sr, true)["items"];
    ASSERT_EQ(items.size(), 1u);
    const auto& wo = items[0];
    EXPECT_EQ(wo["status"], "not_collected");
    EXPECT_EQ(wo["outcome"]["id"], outcome_id);
    EXPECT_EQ(wo["outcome"]["occurred_at"], "2026-02-03T11:05:00-08:00");
    EXPECT_EQ(wo["outcome"]["photos"].size(), 2u);
    EXPECT_EQ(wo["outcome"]["reason"], "NOT_SET_OUT");
    EXPECT_EQ(wo["outcome"]["disposition"], "correction");
    const auto& h = wo["history"].back();
    EXPECT_EQ(h["from"], "not_collected");
    EXPECT_EQ(h["to"], "not_collected");
    EXPECT_EQ(h["source"], "vendor:bay-hauling");
    EXPECT_EQ(h["outcome_id"], outcome_id);
    EXPECT_EQ(h["note"],
              "correction: occurred_at 2026-02-03T10:42:17-08:00 → "
              "2026-02-03T11:05:00-08:00; photos 1 → 2 (payload " +
                  payload_id + ")");

    // The same edit again is a duplicate, answered with the same outcome.
    const auto again = post_bay(edit);
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(nlohmann::json::parse(again.body)["results"][0]["status"], "duplicate");
    EXPECT_EQ(nlohmann::json::parse(again.body)["results"][0]["outcome_ids"][0], outcome_id);

    // Staff see it: vendor health, the report (JSON and CSV), the metrics.
    const auto health = get("/v1/admin/vendors/bay-hauling/health?since=2000-01-01T00:00:00Z");
    EXPECT_EQ(health["corrections"], 1);
    ASSERT_EQ(health["recent_corrections"].size(), 1u);
    EXPECT_EQ(health["recent_corrections"][0]["crm_case_id"], sr);
    EXPECT_EQ(health["recent_corrections"][0]["outcome_id"], outcome_id);
    const auto figures = get("/v1/reports/vendors?from=2026-02-03&to=2026-02-03")["vendors"];
    ASSERT_EQ(figures.size(), 1u);
    EXPECT_EQ(figures[0]["corrections"], 1);
    EXPECT_EQ(figures[0]["attempts"], 1);  // never a second attempt
    const auto csv =
        c.get("/v1/reports/vendors?from=2026-02-03&to=2026-02-03&format=csv", gw_->admin_headers());
    ASSERT_EQ(csv.status, 200);
    EXPECT_NE(csv.body.find(",corrections\r\n"), std::string::npos) << csv.body;
    EXPECT_EQ(csv.body.substr(csv.body.size() - 4), ",1\r\n") << csv.body;
    const auto metrics = c.get("/metrics", gw_->admin_headers());
    EXPECT_EQ(sample(metrics.body,
                     "fieldgate_vendor_results_total{outcome=\"NOT_COLLECTED\",reason=\"NOT_SET_"
                     "OUT\",vendor=\"bay-hauling\",verdict=\"corrected\"}"),
              1)
        << metrics.body;

    // The CRM heard nothing new: what the resident is told did not change.
    EXPECT_EQ(crm_events_of(sr), told);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox"), 2);
}

}  // namespace
}  // namespace fieldgate::test
