// Replay of quarantined MQTT messages over a real broker: a stop event the mapping refused is
// re-run through the same handling after a hot reload of the fixed mapping, once; positions are
// refused with the reason.
#include <gtest/gtest.h>

#include "mqtt_rig.h"
#include "support/vendor_folders.h"

namespace fieldgate::test {
namespace {

using nlohmann::json;

json admin_post(GatewayProcess& gw, const std::string& target, const json& body) {
    auto c = gw.client();
    const auto r = c.post(target, body.dump(), "application/json", gw.admin_headers());
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return json::parse(r.body, nullptr, false);
}

int not_collected_events(MqttRig& rig, const std::string& sr) {
    int n = 0;
    for (const auto& e : rig.crm_events())
        if (e["subject"] == sr && e["body"]["data"].value("status", "") == "not_collected") ++n;
    return n;
}

std::int64_t open_entry(MqttRig& rig, const std::string& problem_like) {
    return rig.count(
        "SELECT id FROM quarantine WHERE channel = 'mqtt' AND state = 'open' AND problem LIKE '" +
        problem_like + "'");
}

TEST(MqttQuarantineReplay, AStopEventRefusedByTheMappingIsReplayedOnceAfterTheFix) {
    VendorFolders folders;
    MqttRig rig(json{{"vendor_schemas", folders.root().string()}});
    rig.create_order("SR-MQR-1");
    auto truck = rig.publisher();
    truck->publish("fleet/bay-hauling/BH-T117/stop",
                   bay_result("BH-MQR-1", "SR-MQR-1", "Confirmed Negative", "QQQ").dump());
    truck->publish("fleet/bay-hauling/BH-T117/position", R"({"fixTime":"2026-02-03T18:00:00Z"})");
    std::int64_t stop_id = -1;
    std::int64_t position_id = -1;
    ASSERT_TRUE(wait_until([&] {
        stop_id = open_entry(rig, "%QQQ%");
        position_id = open_entry(rig, "%/latitude%");
        return stop_id > 0 && position_id > 0;
    })) << rig.gw().log_text();

    auto mapping = folders.mapping("bay-hauling");
    mapping["value_maps"]["exception_code"]["entries"]["QQQ"] = "ACCESS_BLOCKED";
    folders.write_mapping("bay-hauling", mapping);
    ASSERT_EQ(admin_post(rig.gw(), "/v1/admin/vendors/reload", json::object())["accepted"], true);

    const auto replayed =
        admin_post(rig.gw(), "/v1/admin/quarantine/replay", {{"ids", {stop_id, position_id}}});
    ASSERT_EQ(replayed["items"].size(), 2u) << replayed;
    for (const auto& item : replayed["items"]) {
        if (item["id"] == stop_id) {
            EXPECT_EQ(item["result"], "replayed") << item;
            EXPECT_EQ(item["verdict"], "accepted") << item;
        } else {
            EXPECT_EQ(item["result"], "not_replayable") << item;
            EXPECT_NE(item["detail"]["reason"].get<std::string>().find("positions are not"),
                      std::string::npos)
                << item;
        }
    }
    ASSERT_TRUE(wait_until([&] { return not_collected_events(rig, "SR-MQR-1") == 1; }, 30s))
        << rig.crm_events().dump();
    EXPECT_EQ(rig.count("SELECT COUNT(*) FROM outcomes o JOIN work_orders w ON w.id = "
                        "o.work_order_id WHERE w.crm_case_id = 'SR-MQR-1' AND o.source = "
                        "'truck:BH-T117'"),
              1);

    const auto again = admin_post(rig.gw(), "/v1/admin/quarantine/replay", {{"ids", {stop_id}}});
    EXPECT_EQ(again["items"][0]["result"], "skipped") << again;
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(not_collected_events(rig, "SR-MQR-1"), 1);
}

}  // namespace
}  // namespace fieldgate::test
