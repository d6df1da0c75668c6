// Arrival detection and dispatch to trucks: the vendor assigns a truck to a route over MQTT; the
// truck's stops are published to it (retained) and change when an order changes; a truck coming
// near a stop moves the order to en_route, then on_site, and the CRM hears of it.
#include <gtest/gtest.h>

#include "mqtt_rig.h"

namespace fieldgate::test {
namespace {

TEST(MqttArrival, ANearingTruckMovesTheOrderEnRouteThenOnSiteAndTheCrmHears) {
    MqttRig rig(nlohmann::json{{"mqtt", {{"en_route_radius_m", 1000}, {"on_site_radius_m", 50}}}});
    const auto id = rig.create_order("SR-A-1", "R-0412", 1);
    auto truck = rig.publisher();
    truck->publish("fleet/bay-hauling/BH-T117/route",
                   R"({"route":"R-0412","route_date":"02/03/2026"})", 1, true);
    ASSERT_TRUE(wait_until(
        [&] {
            const auto t = rig.get("/v1/trucks/BH-T117");
            return t.is_object() && t["route"].is_object() && t["route"]["id"] == "R-0412";
        },
        30s));

    const auto at = [&](double metres_south, const char* time) {
        truck->publish("fleet/bay-hauling/BH-T117/position",
                       position(kLat - metres_south / kMetresPerDegreeLat, kLon, time), 0);
    };
    at(3000, "2026-02-03T18:40:00Z");  // far away: nothing
    at(600, "2026-02-03T18:41:00Z");
    ASSERT_TRUE(wait_until([&] { return rig.status_of(id) == "en_route"; }, 30s)) << rig.order(id);
    at(20, "2026-02-03T18:42:00Z");
    ASSERT_TRUE(wait_until([&] { return rig.status_of(id) == "on_site"; }, 30s)) << rig.order(id);

    ASSERT_TRUE(wait_until(
        [&] {
            bool en_route = false, on_site = false;
            for (const auto& e : rig.crm_events()) {
                const auto s = e["body"]["data"].value("status", "");
                en_route = en_route || s == "en_route";
                on_site = on_site || s == "on_site";
            }
            return en_route && on_site;
        },
        30s))
        << rig.crm_events().dump();
    const auto history = rig.order(id)["history"];
    bool by_truck = false;
    for (const auto& h : history) by_truck = by_truck || h.value("source", "") == "truck:BH-T117";
    EXPECT_TRUE(by_truck) << history.dump();
}

TEST(MqttDispatch, ATrucksStopsArePublishedRetainedAndRepublishedWhenTheyChange) {
    MqttRig rig;
    rig.create_order("SR-D-1", "R-0700", 1);
    auto vendor = rig.publisher("vendor-office");
    vendor->publish("fleet/bay-hauling/BH-T200/route",
                    R"({"route":"R-0700","route_date":"02/03/2026"})", 1, true);
    auto cab = rig.publisher("truck-cab");
    cab->subscribe("fleet/bay-hauling/BH-T200/dispatch");
    const auto stops_are = [&](std::size_t n) {
        return cab->wait_for(
            [&](const ReceivedMessage& m) {
                const auto doc = nlohmann::json::parse(m.payload, nullptr, false);
                return doc.is_object() && doc["stops"].size() == n;
            },
            30s);
    };
    ASSERT_TRUE(stops_are(1));
    const auto first = nlohmann::json::parse(cab->received().back().payload);
    EXPECT_EQ(first["route"], "R-0700");
    EXPECT_EQ(first["stops"][0]["service_request"], "SR-D-1");
    EXPECT_EQ(first.dump().find("408-555-0100"), std::string::npos);  // no resident contact
    EXPECT_EQ(first.dump().find("Ana Resident"), std::string::npos);

    rig.create_order("SR-D-2", "R-0700", 2);
    ASSERT_TRUE(stops_are(2));

    // Retained: a truck that connects later gets the current list at once.
    auto late = rig.publisher("late-cab");
    late->subscribe("fleet/bay-hauling/BH-T200/dispatch");
    ASSERT_TRUE(late->wait_for(
        [](const ReceivedMessage& m) {
            return m.retained && nlohmann::json::parse(m.payload)["stops"].size() == 2;
        },
        30s));
}

}  // namespace
}  // namespace fieldgate::test
