// Stop events, route-level events, positions and bad input over a real Mosquitto broker.
#include <gtest/gtest.h>

#include "mqtt_rig.h"
#include "time_util.h"

namespace fieldgate::test {
namespace {

TEST(MqttStopEvents, EndAsOutcomesAndCrmEvents) {
    MqttRig rig;
    const auto a = rig.create_order("SR-M-1");
    const auto b = rig.create_order("SR-M-2");
    auto truck = rig.publisher();
    truck->publish(kStop, bay_result("BH-1", "SR-M-1", "Confirmed Positive").dump());
    truck->publish(kStop, bay_result("BH-2", "SR-M-2", "Confirmed Negative", "NSO").dump());

    ASSERT_TRUE(wait_until([&] { return rig.status_of(a) == "completed"; }, 30s)) << rig.order(a);
    ASSERT_TRUE(wait_until([&] { return rig.status_of(b) == "not_collected"; }, 30s));
    const auto wo = rig.order(b);
    EXPECT_EQ(wo["outcome"]["code"], "NOT_COLLECTED");
    EXPECT_EQ(wo["outcome"]["reason"], "NOT_SET_OUT");
    EXPECT_EQ(wo["outcome"]["source"], "truck:BH-T117");
    EXPECT_EQ(rig.count("SELECT COUNT(*) FROM raw_payloads WHERE channel = 'mqtt'"), 2);

    // The CRM gets the outcome events, like for HTTP results.
    ASSERT_TRUE(wait_until(
        [&] {
            int outcomes = 0;
            for (const auto& e : rig.crm_events()) {
                const auto status = e["body"]["data"].value("status", "");
                if (status == "completed" || status == "not_collected") ++outcomes;
            }
            return outcomes == 2;
        },
        30s))
        << rig.crm_events().dump();

    // The same stop event again (a QoS 1 redelivery) is a duplicate, not a second outcome.
    truck->publish(kStop, bay_result("BH-2", "SR-M-2", "Confirmed Negative", "NSO").dump());
    truck->publish(kStop, bay_result("BH-3", "SR-UNKNOWN", "Confirmed Positive").dump());
    ASSERT_TRUE(wait_until(
        [&] {
            return rig.count(
                       "SELECT COUNT(*) FROM quarantine WHERE problem_type = "
                       "'unknown-work-order' AND channel = 'mqtt'") == 1;
        },
        30s));
    EXPECT_EQ(rig.count("SELECT COUNT(*) FROM outcomes"), 2);
}

TEST(MqttStopEvents, AnEditedStopEventIsACorrectionNotARefusal) {
    MqttRig rig;
    const auto id = rig.create_order("SR-M-C");
    auto truck = rig.publisher();
    auto stop = bay_result("BH-C", "SR-M-C", "Confirmed Negative", "NSO");
    truck->publish(kStop, stop.dump());
    ASSERT_TRUE(wait_until([&] { return rig.status_of(id) == "not_collected"; }, 30s));
    // The truck sends the stop again, edited: another time, a second photo.
    stop["closed_at"] = "2026-02-03T11:05:00-08:00";
    stop["photos"].push_back("https://media.bayhauling.example/stops/BH-C/2.jpg");
    truck->publish(kStop, stop.dump());
    ASSERT_TRUE(wait_until(
        [&] { return rig.order(id)["outcome"].value("disposition", "") == "correction"; }, 30s))
        << rig.order(id);
    const auto wo = rig.order(id);
    EXPECT_EQ(wo["status"], "not_collected");
    EXPECT_EQ(wo["outcome"]["occurred_at"], "2026-02-03T11:05:00-08:00");
    EXPECT_EQ(wo["history"].back()["source"], "truck:BH-T117");
    EXPECT_EQ(rig.count("SELECT COUNT(*) FROM quarantine"), 0);  // not a refusal
    // One outcome event for the CRM, the first; the correction sends none.
    EXPECT_EQ(rig.count("SELECT COUNT(*) FROM outbox WHERE status = 'not_collected'"), 1);
}

TEST(MqttStopEvents, ARouteEventAppliesToEveryOpenStopOfTheRoute) {
    MqttRig rig;
    const auto a = rig.create_order("SR-R-1", "R-0500", 1);
    const auto b = rig.create_order("SR-R-2", "R-0500", 2);
    const auto other = rig.create_order("SR-R-3", "R-0600", 1);
    auto truck = rig.publisher();
    truck->publish("fleet/bay-hauling/BH-T117/route-event",
                   nlohmann::json({{"event_id", "EV-1"},
                                   {"route", "R-0500"},
                                   {"route_date", "02/03/2026"},
                                   {"exception", {{"code", "MEC"}, {"description", "hydraulics"}}},
                                   {"reported_at", "2026-02-03T11:00:00-08:00"}})
                       .dump());
    ASSERT_TRUE(wait_until(
        [&] { return rig.status_of(a) == "not_collected" && rig.status_of(b) == "not_collected"; },
        30s));
    EXPECT_EQ(rig.order(a)["outcome"]["reason"], "VEHICLE_ISSUE");
    EXPECT_EQ(rig.status_of(other), "dispatched");
}

TEST(MqttPositions, AreQueryableLatestAndAsATrack) {
    MqttRig rig;
    auto truck = rig.publisher();
    const char* times[] = {"2026-02-03T18:42:00Z", "2026-02-03T18:42:05Z", "2026-02-03T18:42:10Z",
                           "2026-02-03T18:42:15Z"};
    for (int i = 0; i < 4; ++i)
        truck->publish("fleet/bay-hauling/BH-T117/position",
                       position(37.33 + i * 0.001, -121.88, times[i]), 0);
    ASSERT_TRUE(wait_until(
        [&] {
            const auto t = rig.get("/v1/trucks/BH-T117");
            return t.is_object() && t["position"].is_object() &&
                   t["position"]["time"] == "2026-02-03T18:42:15.000Z";
        },
        30s));
    const auto t = rig.get("/v1/trucks/BH-T117");
    EXPECT_EQ(t["vendor"], "bay-hauling");
    EXPECT_DOUBLE_EQ(t["position"]["lat"].get<double>(), 37.333);
    EXPECT_DOUBLE_EQ(t["position"]["speed_kmh"].get<double>(), 22.5);

    const auto list = rig.get("/v1/trucks");
    ASSERT_EQ(list["items"].size(), 1u);
    ASSERT_TRUE(wait_until(
        [&] {
            return rig.get(
                          "/v1/trucks/BH-T117/track?from=2026-02-03T18:42:00Z&to=2026-02-03T18:"
                          "42:10Z")["positions"]
                       .size() == 3;
        },
        30s));
    const auto track =
        rig.get("/v1/trucks/BH-T117/track?from=2026-02-03T18:42:00Z&to=2026-02-03T18:42:10Z");
    EXPECT_EQ(track["positions"][0]["time"], "2026-02-03T18:42:00.000Z");
    EXPECT_EQ(track["positions"][2]["time"], "2026-02-03T18:42:10.000Z");

    auto c = rig.gw().client();
    EXPECT_EQ(c.get("/v1/trucks").status, 401);
    EXPECT_EQ(c.get("/v1/trucks/BH-T117", rig.gw().admin_headers()).status, 200);
    EXPECT_EQ(c.get("/v1/trucks/BH-T999", rig.gw().crm_headers()).status, 404);
    const auto bad = c.get("/v1/trucks/BH-T117/track?from=yesterday&to=2026-02-03T18:42:10Z",
                           rig.gw().crm_headers());
    EXPECT_EQ(bad.status, 400);
    EXPECT_NE(bad.body.find("from"), std::string::npos);
}

TEST(MqttBadInput, IsQuarantinedWithTheTopicAndConsumingGoesOn) {
    MqttRig rig;
    auto truck = rig.publisher();
    truck->publish("fleet/bay-hauling/BH-T117/stop", "{ not json");
    truck->publish("fleet/acme-trucks/AC-1/stop", "{}");  // unknown vendor
    truck->publish("fleet/bay-hauling/XX-9/position", position(37, -121, "2026-02-03T18:00:00Z"));
    truck->publish("fleet/bay-hauling/BH-T117/stop", std::string(20000, 'x'));  // too large
    truck->publish("fleet/bay-hauling/BH-T117/position", R"({"fixTime":"2026-02-03T18:00:00Z"})");
    truck->publish("fleet/bay-hauling/BH-T117/status", R"({"state":"sleeping"})");
    truck->publish("fleet/bay-hauling/BH-T117/position",
                   position(37.1, -121.1, "2026-02-03T18:00:01Z"), 0);

    ASSERT_TRUE(wait_until(
        [&] { return rig.count("SELECT COUNT(*) FROM quarantine WHERE channel = 'mqtt'") == 6; },
        30s));
    EXPECT_EQ(rig.count("SELECT COUNT(*) FROM quarantine WHERE problem_type = 'unknown-vendor' "
                        "AND problem LIKE '%fleet/acme-trucks/AC-1/stop%'"),
              1);
    EXPECT_EQ(rig.count("SELECT COUNT(*) FROM quarantine WHERE problem_type = 'unknown-truck' "
                        "AND problem LIKE '%XX-9%'"),
              1);
    EXPECT_EQ(rig.count("SELECT COUNT(*) FROM quarantine q JOIN raw_payloads r ON r.id = "
                        "q.raw_payload_id WHERE q.problem_type = 'payload-too-large'"),
              1);
    EXPECT_EQ(rig.count("SELECT COUNT(*) FROM quarantine WHERE problem LIKE '%/latitude%'"), 1);
    EXPECT_EQ(rig.count("SELECT COUNT(*) FROM quarantine WHERE problem LIKE '%/state%'"), 1);
    // The good position after all that was consumed.
    ASSERT_TRUE(wait_until(
        [&] {
            const auto t = rig.get("/v1/trucks/BH-T117");
            return t.is_object() && t["position"].is_object();
        },
        30s));
    EXPECT_TRUE(rig.gw().running());
}

}  // namespace
}  // namespace fieldgate::test

namespace fieldgate::test {
namespace {

TEST(MqttPositions, HistoryOlderThanTheRetentionIsPrunedAutomatically) {
    MqttRig rig(nlohmann::json{{"mqtt", {{"position_history_days", 2}, {"prune_interval_s", 1}}}});
    auto truck = rig.publisher();
    const std::string old_fix = format_utc(now_millis() - std::chrono::hours(24 * 5));
    const std::string new_fix = format_utc(now_millis());
    truck->publish("fleet/bay-hauling/BH-T117/position", position(37.1, -121.1, old_fix), 0);
    truck->publish("fleet/bay-hauling/BH-T117/position", position(37.2, -121.2, new_fix), 0);
    // Both are stored first (the latest is the new one), then the pruning pass removes the old.
    ASSERT_TRUE(wait_until(
        [&] {
            return rig.count("SELECT COUNT(*) FROM truck_positions") == 1 &&
                   rig.count("SELECT COUNT(*) FROM truck_positions WHERE lat = 37.2") == 1;
        },
        30s))
        << rig.count("SELECT COUNT(*) FROM truck_positions");
    EXPECT_DOUBLE_EQ(rig.get("/v1/trucks/BH-T117")["position"]["lat"].get<double>(), 37.2);
}

}  // namespace
}  // namespace fieldgate::test
