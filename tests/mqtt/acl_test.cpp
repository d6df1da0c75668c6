// Broker security with the example configuration (docs/mosquitto/fieldgate.acl): each vendor
// publishes only under its own fleet/<vendor>/ prefix and reads only its own dispatch topics. A
// message a vendor publishes under another's prefix reaches neither a subscriber nor the gateway
// (Mosquitto 2.0.11 acknowledges it and drops it). The broker handles messages in the order it
// receives them, so once the allowed marker published afterwards has arrived, the refused one never
// will.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include <gtest/gtest.h>

#include "mqtt_rig.h"
#include "support/command_runner.h"

namespace fieldgate::test {
namespace {

BrokerSecurity example_security() {
    std::ifstream in(std::string(FIELDGATE_SOURCE_ROOT) + "/docs/mosquitto/fieldgate.acl");
    std::stringstream acl;
    acl << in.rdbuf();
    BrokerSecurity s;
    s.acl = acl.str();
    s.users = {{"fieldgate", "gw-pass"},
               {"bay-hauling", "bay-pass"},
               {"valley-disposal", "vd-pass"},
               {"curbside-coop", "cc-pass"}};
    return s;
}

MqttClientOptions as(const std::string& user, const std::string& password) {
    MqttClientOptions o;
    o.user = user;
    o.password = password;
    return o;
}

// Publishes once as `user`, at QoS 1, with mosquitto_pub (a Paho client connecting while others
// are open waits on their I/O loop, seconds per connection). Mosquitto acknowledges a publish the
// ACL refuses without routing it (or, configured so, drops the connection): either way it has
// handled the message when this returns, so a message published afterwards is routed after it
// would have been. Returns mosquitto_pub's exit code.
int publish_once(const MosquittoProcess& broker, const BrokerSecurity& security,
                 const std::string& user, const std::string& topic, const std::string& payload,
                 bool retained = false) {
    return run_command("mosquitto_pub -V mqttv311 -h 127.0.0.1 -p " +
                       std::to_string(broker.port()) + " -u " + shell_quote(user) + " -P " +
                       shell_quote(security.users.at(user)) + " -q 1" + (retained ? " -r" : "") +
                       " -t " + shell_quote(topic) + " -m " + shell_quote(payload))
        .exit_code;
}

// A publish under a prefix the user may not write to.
void forge(const MosquittoProcess& broker, const BrokerSecurity& security, const std::string& user,
           const std::string& topic, const std::string& payload = R"({"forged":true})",
           bool retained = false) {
    publish_once(broker, security, user, topic, payload, retained);
}

TEST(MqttAcl, AVendorCannotPublishUnderAnotherVendorsPrefix) {
    const auto security = example_security();
    MosquittoProcess broker(security);
    MqttTestClient gateway_view(broker.uri(), "acl-reader", as("fieldgate", "gw-pass"));
    gateway_view.subscribe("fleet/#");
    forge(broker, security, "bay-hauling", "fleet/valley-disposal/VD-T1/stop");
    forge(broker, security, "bay-hauling", "fleet/valley-disposal/VD-T1/status");
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

// Every topic kind a vendor publishes (vendor_schemas/<vendor>/mqtt.json, docs/api/asyncapi.yaml);
// `dispatch` is the gateway's, which vendors only read.
const std::vector<std::string> kVendorKinds = {"position", "stop", "route-event", "status",
                                               "route"};
bool retained_kind(const std::string& kind) {
    return kind == "status" || kind == "route" || kind == "dispatch";
}

TEST(MqttAcl, EachVendorWritesOnlyItsOwnTopicsAndReadsOnlyItsOwnDispatch) {
    const auto security = example_security();
    MosquittoProcess broker(security);
    std::vector<std::string> vendors;
    for (const auto& [user, password] : security.users)
        if (user != "fieldgate") vendors.push_back(user);
    auto login = [&](const std::string& user) { return as(user, security.users.at(user)); };
    const auto own_prefix = [](const std::string& v) { return "fleet/" + v + "/"; };
    const auto payload = [](const std::string& key, const std::string& v) {
        return nlohmann::json{{key, v}}.dump();
    };

    // The gateway's view (it reads fleet/# and publishes dispatch), and each vendor listening to
    // every other vendor's whole prefix and to its own dispatch. A subscription the broker
    // refuses is as good as one that delivers nothing.
    MqttTestClient gateway(broker.uri(), "acl-m-gateway", login("fieldgate"));
    gateway.subscribe("fleet/#");
    std::map<std::string, std::unique_ptr<MqttTestClient>> listeners;
    for (const auto& v : vendors) {
        listeners[v] = std::make_unique<MqttTestClient>(broker.uri(), "acl-m-" + v, login(v));
        for (const auto& other : vendors) {
            try {
                listeners[v]->subscribe(other == v ? own_prefix(v) + "+/dispatch"
                                                   : own_prefix(other) + "#");
            } catch (const std::exception&) {
            }
        }
    }

    // Forged: every kind under every other vendor's prefix, and dispatch under any prefix.
    std::size_t forged = 0;
    for (const auto& v : vendors) {
        for (const auto& other : vendors) {
            auto kinds = other == v ? std::vector<std::string>{} : kVendorKinds;
            kinds.push_back("dispatch");
            for (const auto& kind : kinds) {
                forge(broker, security, v, own_prefix(other) + "T-" + v + "/" + kind,
                      payload("forged", v), retained_kind(kind));
                ++forged;
            }
        }
    }
    // Allowed: each vendor every kind under its own prefix; the gateway each vendor's dispatch,
    // then an end marker per vendor (from the same connection, so it arrives after the rest).
    for (const auto& v : vendors) {
        for (const auto& kind : kVendorKinds)
            EXPECT_EQ(publish_once(broker, security, v, own_prefix(v) + "T-1/" + kind,
                                   payload("own", v), retained_kind(kind)),
                      0)
                << v << " " << kind;
    }
    for (const auto& v : vendors)
        gateway.publish(own_prefix(v) + "T-1/dispatch", payload("stops", v), 1, true);
    for (const auto& v : vendors)
        gateway.publish(own_prefix(v) + "T-2/dispatch", payload("end", v), 1, true);

    const std::size_t allowed = vendors.size() * kVendorKinds.size();
    const std::string last_marker = own_prefix(vendors.back()) + "T-2/dispatch";
    ASSERT_TRUE(
        gateway.wait_for([&](const ReceivedMessage& m) { return m.topic == last_marker; }, 30s));
    std::size_t own_seen = 0;
    for (const auto& m : gateway.received()) {
        EXPECT_EQ(m.payload.find("forged"), std::string::npos) << m.topic << " " << m.payload;
        if (m.payload.find("\"own\"") != std::string::npos) ++own_seen;
    }
    EXPECT_EQ(own_seen, allowed);
    for (const auto& v : vendors) {
        auto& listener = *listeners[v];
        ASSERT_TRUE(listener.wait_for(
            [&](const ReceivedMessage& m) { return m.topic == own_prefix(v) + "T-2/dispatch"; },
            30s))
            << v;
        std::size_t dispatches = 0;
        for (const auto& m : listener.received()) {
            EXPECT_EQ(m.topic.rfind(own_prefix(v), 0), 0u) << v << " read " << m.topic;
            EXPECT_EQ(m.payload.find("forged"), std::string::npos) << v << " read " << m.topic;
            dispatches += m.topic.ends_with("/dispatch") ? 1 : 0;
        }
        EXPECT_EQ(dispatches, 2u) << v;
    }
    // Nothing forged was retained either: subscribing again sends the retained messages again
    // (flagged retained, unlike the live ones above), then the gateway's own marker.
    gateway.subscribe("fleet/#");
    gateway.publish(own_prefix(vendors.front()) + "T-3/dispatch", payload("marker", "1"));
    ASSERT_TRUE(gateway.wait_for(
        [](const ReceivedMessage& m) { return m.topic.ends_with("/T-3/dispatch"); }, 30s));
    std::size_t retained = 0;
    for (const auto& m : gateway.received()) {
        if (!m.retained) continue;
        EXPECT_EQ(m.payload.find("forged"), std::string::npos) << m.topic;
        ++retained;
    }
    EXPECT_EQ(retained, vendors.size() * 4);  // status, route and two dispatch topics each
    std::cout << "[ mqtt acl ] " << vendors.size() << " vendors: " << forged
              << " forged publishes, " << vendors.size() * (vendors.size() - 1)
              << " foreign subscriptions, " << allowed << " own publishes\n";
}

TEST(MqttAcl, TheGatewayNeverSeesAForgedMessage) {
    ::setenv("FGTEST_ACL_MQTT_PASSWORD", "gw-pass", 1);
    MqttRig rig(
        nlohmann::json{{"secrets", {{"env_prefix", "FGTEST_ACL_"}}},
                       {"mqtt", {{"username", "fieldgate"}, {"password_secret", "mqtt/password"}}}},
        example_security());
    const auto id = rig.create_order("SR-ACL-1");
    // Valley tries to close Bay Hauling's order from Bay Hauling's topic.
    forge(rig.broker(), example_security(), "valley-disposal", "fleet/bay-hauling/BH-T117/stop",
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
