// Pure logic of the MQTT side: vendor topic files (validated, errors with file and pointer),
// vendor dates, distances, what a truck is shown, the filters subscribed, the simulator's routes
// and outcome mix.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "catalog.h"
#include "dispatch_publisher.h"
#include "fleet.h"
#include "geo.h"
#include "mqtt_client.h"
#include "support/temp_dir.h"
#include "vendor_topics.h"

namespace fieldgate::mqtt {
namespace {

const std::string kRoot = FIELDGATE_SOURCE_ROOT;

Catalog catalog() {
    return Catalog::load(kRoot + "/gateway/catalog/standard-codes.json",
                         kRoot + "/gateway/catalog/standard-codes.schema.json");
}

std::string schema() {
    return kRoot + "/gateway/mqtt/mqtt.schema.json";
}

TEST(VendorTopics, TheShippedBayHaulingFileLoads) {
    const auto topics = load_vendor_topics(kRoot + "/vendor_schemas",
                                           {"bay-hauling", "valley-disposal"}, schema(), catalog());
    ASSERT_EQ(topics.size(), 1u);  // valley-disposal has no mqtt.json
    EXPECT_EQ(topics[0].prefix, "fleet/bay-hauling");
    EXPECT_EQ(topics[0].position_lat, "/latitude");
    EXPECT_EQ(topics[0].route_event_codes.at("MEC").reason, "VEHICLE_ISSUE");
    EXPECT_TRUE(std::regex_match("BH-T117", topics[0].truck_pattern));
    EXPECT_FALSE(std::regex_match("VD-T1", topics[0].truck_pattern));
}

std::string load_error(const nlohmann::json& doc) {
    test::TempDir dir;
    dir.write("acme/mqtt.json", doc.dump());
    try {
        load_vendor_topics(dir.path().string(), {"acme"}, schema(), catalog());
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

nlohmann::json valid() {
    return {
        {"vendor_id", "acme"},
        {"topic_prefix", "fleet/acme"},
        {"truck_id_pattern", "^A[0-9]+$"},
        {"position", {{"topic", "pos"}, {"time", "/t"}, {"lat", "/lat"}, {"lon", "/lon"}}},
        {"stop", {{"topic", "stop"}}},
        {"status", {{"topic", "status"}, {"state", "/s"}, {"online", "up"}, {"offline", "down"}}}};
}

TEST(VendorTopics, ProblemsNameTheFileAndTheJsonPointer) {
    EXPECT_EQ(load_error(valid()), "");
    auto bad = valid();
    bad["position"]["lat"] = "latitude";  // not a JSON pointer
    EXPECT_NE(load_error(bad).find("acme/mqtt.json#/position/lat"), std::string::npos)
        << load_error(bad);
    bad = valid();
    bad["vendor_id"] = "other";
    EXPECT_NE(load_error(bad).find("#/vendor_id"), std::string::npos);
    bad = valid();
    bad["status"]["topic"] = "pos";
    EXPECT_NE(load_error(bad).find("#/status/topic"), std::string::npos);
    bad = valid();
    bad["route_event"] = {
        {"topic", "ev"},    {"event_id", "/id"},
        {"route_id", "/r"}, {"route_date", "/d"},
        {"code", "/c"},     {"codes", {{"X", {{"outcome", "NOT_COLLECTED"}, {"reason", "NOPE"}}}}}};
    EXPECT_NE(load_error(bad).find("#/route_event/codes/X/reason"), std::string::npos);
    // A route-level event is told to every resident on the route: a pair the catalog does not
    // allow (a cancellation by the resident, for a whole route) does not load.
    bad["route_event"]["codes"]["X"] = {{"outcome", "PARTIALLY_COMPLETED"},
                                        {"reason", "CUSTOMER_CANCELLED"}};
    EXPECT_NE(load_error(bad).find("#/route_event/codes/X: the catalog"), std::string::npos)
        << load_error(bad);
    bad = valid();
    bad["unknown"] = 1;
    EXPECT_NE(load_error(bad).find("acme/mqtt.json#"), std::string::npos);
}

TEST(VendorDates, UsAndIsoFormats) {
    EXPECT_EQ(parse_vendor_date("02/03/2026", DateFormat::us_date), "2026-02-03");
    EXPECT_EQ(parse_vendor_date("2026-02-03", DateFormat::iso), "2026-02-03");
    EXPECT_FALSE(parse_vendor_date("02/30/2026", DateFormat::us_date));
    EXPECT_FALSE(parse_vendor_date("2026-02-03", DateFormat::us_date));
}

TEST(Geo, DistanceOfKnownPoints) {
    EXPECT_NEAR(distance_m(37.0, -121.0, 37.0, -121.0), 0, 1e-6);
    EXPECT_NEAR(distance_m(37.0, -121.0, 37.001, -121.0), 111.2, 0.5);  // 0.001 deg of latitude
}

TEST(TruckStops, CarryNoResidentDetailsAndFollowTheOrders) {
    store::WorkOrder wo;
    wo.id = "wo_1";
    wo.crm_case_id = "SR-1";
    wo.address = "200 E Santa Clara St";
    wo.lat = 37.3;
    wo.lon = -121.8;
    wo.customer_json = R"({"name":"Ana Resident","phone":"408-555-0100"})";
    wo.stop_seq = "3";
    wo.status = "dispatched";
    const auto doc = nlohmann::json::parse(
        render_truck_stops(TruckInfo{"BH-T1", "bay-hauling", "R-1", "2026-02-03"}, {wo}));
    EXPECT_EQ(doc["stops"][0]["service_request"], "SR-1");
    EXPECT_EQ(doc["stops"][0]["location"]["lat"], 37.3);
    EXPECT_EQ(doc.dump().find("Ana"), std::string::npos);
    wo.status = "cancelled";
    EXPECT_NE(render_truck_stops(TruckInfo{"BH-T1", "bay-hauling", "R-1", "2026-02-03"}, {wo}),
              doc.dump());
}

TEST(Subscriptions, ASharedGroupPrefixesEveryFilter) {
    MqttConfig plain;
    plain.subscriptions = {"fleet/#", "other/+/stop"};
    EXPECT_EQ(subscription_filters(plain), plain.subscriptions);
    MqttConfig shared = plain;
    shared.shared_group = "fieldgate";
    EXPECT_EQ(
        subscription_filters(shared),
        (std::vector<std::string>{"$share/fieldgate/fleet/#", "$share/fieldgate/other/+/stop"}));
}

TEST(TruckSim, TrucksReachTheirStopsInOrderAlongInterpolatedPositions) {
    truck_sim::FleetOptions o;
    o.trucks = 2;
    o.stops = 3;
    const auto fleet = truck_sim::make_fleet(o);
    ASSERT_EQ(fleet.size(), 2u);
    const auto& t = fleet[0];
    EXPECT_EQ(truck_sim::position_after(t, 0).stops_passed, 0);
    const auto first = distance_m(t.depot_lat, t.depot_lon, t.stops[0].lat, t.stops[0].lon);
    const auto halfway = truck_sim::position_after(t, first / 2);
    EXPECT_EQ(halfway.stops_passed, 0);
    EXPECT_NEAR(distance_m(halfway.lat, halfway.lon, t.stops[0].lat, t.stops[0].lon), first / 2, 5);
    EXPECT_EQ(truck_sim::position_after(t, first + 1).stops_passed, 1);
    EXPECT_EQ(truck_sim::position_after(t, 1e9).stops_passed, 3);
}

TEST(TruckSim, TheOutcomeMixFollowsTheSeedCase) {
    std::mt19937 rng(42);
    int completed = 0, nso = 0;
    constexpr int kDraws = 20000;
    for (int i = 0; i < kDraws; ++i) {
        const auto o = truck_sim::draw_outcome(rng);
        if (o.code.empty()) ++completed;
        if (o.code == "NSO") ++nso;
    }
    EXPECT_NEAR(completed / double(kDraws), 0.76, 0.015);
    EXPECT_NEAR(nso / double(kDraws - completed), 0.60, 0.03);
}

}  // namespace
}  // namespace fieldgate::mqtt
