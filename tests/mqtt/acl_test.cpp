// Broker security with the example configuration (docs/mosquitto/fieldgate.acl): each vendor
// publishes only under its own fleet/<vendor>/ prefix. A message a vendor publishes under
// another's prefix reaches neither a subscriber nor the gateway. Order per connection is kept by
// MQTT, so once the allowed marker published after it has arrived, the refused one never will.
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

TEST(MqttAcl, AVendorCannotPublishUnderAnotherVendorsPrefix) {
    MosquittoProcess broker(example_security());
    MqttTestClient gateway_view(broker.uri(), "acl-reader", as("fieldgate", "gw-pass"));
    gateway_view.subscribe("fleet/#");
    MqttTestClient bay(broker.uri(), "acl-bay", as("bay-hauling", "bay-pass"));
    bay.publish("fleet/valley-disposal/VD-T1/stop", R"({"forged":true})");
    bay.publish("fleet/valley-disposal/VD-T1/status", R"({"state":"offline"})", 1, true);
    bay.publish("fleet/bay-hauling/BH-T117/position", R"({"marker":1})");
    ASSERT_TRUE(gateway_view.wait_for(
        [](const ReceivedMessage& m) { return m.topic == "fleet/bay-hauling/BH-T117/position"; },
        30s));
    for (const auto& m : gateway_view.received())
        EXPECT_EQ(m.topic.rfind("fleet/valley-disposal/", 0), std::string::npos) << m.topic;
    // Without a password nobody gets in.
    EXPECT_THROW(MqttTestClient(broker.uri(), "acl-anon"), mqtt::exception);
}

TEST(MqttAcl, TheGatewayNeverSeesAForgedMessage) {
    ::setenv("FGTEST_ACL_MQTT_PASSWORD", "gw-pass", 1);
    MqttRig rig(
        nlohmann::json{{"secrets", {{"env_prefix", "FGTEST_ACL_"}}},
                       {"mqtt", {{"username", "fieldgate"}, {"password_secret", "mqtt/password"}}}},
        example_security());
    const auto id = rig.create_order("SR-ACL-1");
    MqttTestClient valley(rig.broker().uri(), "acl-valley", as("valley-disposal", "vd-pass"));
    // Valley tries to close Bay Hauling's order from Bay Hauling's topic.
    valley.publish("fleet/bay-hauling/BH-T117/stop",
                   bay_result("BH-F1", "SR-ACL-1", "Confirmed Negative", "NSO").dump());
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
