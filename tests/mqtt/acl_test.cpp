// Broker security with the example configuration (docs/mosquitto/fieldgate.acl): each vendor
// publishes only under its own fleet/<vendor>/ prefix. A message a vendor publishes under
// another's prefix reaches neither a subscriber nor the gateway (Mosquitto 2.0 also drops the
// offending connection). The broker handles messages in the order it receives them, so once the
// allowed marker published afterwards has arrived, the refused one never will.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "mqtt_rig.h"

namespace fieldgate::test {
namespace {

BrokerSecurity example_security() {
    std::ifstream in(std::string(FIELDGATE_SOURCE_ROOT) + "/docs/mosquitto/fieldgate.acl");
    std::stringstream acl;
    acl << in.rdbuf();
    BrokerSecurity s;
    s.acl = acl.str();
    s.users = {
        {"fieldgate", "gw-pass"}, {"bay-hauling", "bay-pass"}, {"valley-disposal", "vd-pass"}};
    return s;
}

MqttClientOptions as(const std::string& user, const std::string& password) {
    MqttClientOptions o;
    o.user = user;
    o.password = password;
    return o;
}

// Publishes under a prefix the user may not write to. Mosquitto 2.0 refuses it and drops the
// connection (so the publish may fail here); either way the broker has handled it before this
// returns, so a message published afterwards is routed after it would have been.
void forge(const std::string& uri, const MqttClientOptions& who, const std::string& topic,
           const std::string& payload = R"({"forged":true})") {
    try {
        MqttTestClient forger(uri, "acl-forger", who);
        forger.publish(topic, payload);
    } catch (const mqtt::exception&) {
    }
}

TEST(MqttAcl, AVendorCannotPublishUnderAnotherVendorsPrefix) {
    MosquittoProcess broker(example_security());
    MqttTestClient gateway_view(broker.uri(), "acl-reader", as("fieldgate", "gw-pass"));
    gateway_view.subscribe("fleet/#");
    forge(broker.uri(), as("bay-hauling", "bay-pass"), "fleet/valley-disposal/VD-T1/stop");
    forge(broker.uri(), as("bay-hauling", "bay-pass"), "fleet/valley-disposal/VD-T1/status");
    MqttTestClient bay(broker.uri(), "acl-bay", as("bay-hauling", "bay-pass"));
    bay.publish("fleet/bay-hauling/BH-T117/position", R"({"marker":1})");
    ASSERT_TRUE(gateway_view.wait_for(
        [](const ReceivedMessage& m) { return m.topic == "fleet/bay-hauling/BH-T117/position"; },
        30s));
    for (const auto& m : gateway_view.received())
        EXPECT_EQ(m.topic.rfind("fleet/valley-disposal/", 0), std::string::npos) << m.topic;
    // Without a password nobody gets in.
    const std::string anonymous = "mosquitto_pub -V mqttv311 -h 127.0.0.1 -p " +
                                  std::to_string(broker.port()) +
                                  " -t fleet/bay-hauling/BH-T1/stop -m x -q 1 > /dev/null 2>&1";
    EXPECT_NE(std::system(anonymous.c_str()), 0);
}

TEST(MqttAcl, TheGatewayNeverSeesAForgedMessage) {
    ::setenv("FGTEST_ACL_MQTT_PASSWORD", "gw-pass", 1);
    MqttRig rig(
        nlohmann::json{{"secrets", {{"env_prefix", "FGTEST_ACL_"}}},
                       {"mqtt", {{"username", "fieldgate"}, {"password_secret", "mqtt/password"}}}},
        example_security());
    const auto id = rig.create_order("SR-ACL-1");
    // Valley tries to close Bay Hauling's order from Bay Hauling's topic.
    forge(rig.broker().uri(), as("valley-disposal", "vd-pass"), "fleet/bay-hauling/BH-T117/stop",
          bay_result("BH-F1", "SR-ACL-1", "Confirmed Negative", "NSO").dump());
    MqttTestClient valley(rig.broker().uri(), "acl-valley", as("valley-disposal", "vd-pass"));
    valley.publish("fleet/valley-disposal/VD-T1/position", R"({"marker":1})");
    // The marker reaches the gateway (quarantined: valley has no MQTT topics configured).
    ASSERT_TRUE(wait_until(
        [&] {
            return rig.count(
                       "SELECT COUNT(*) FROM quarantine WHERE problem LIKE "
                       "'%fleet/valley-disposal/VD-T1/position%'") == 1;
        },
        30s));
    EXPECT_EQ(rig.status_of(id), "dispatched");
    EXPECT_EQ(rig.count("SELECT COUNT(*) FROM outcomes"), 0);
    EXPECT_EQ(rig.count("SELECT COUNT(*) FROM raw_payloads WHERE body LIKE '%BH-F1%'"), 0);
}

}  // namespace
}  // namespace fieldgate::test
