// Two gateways on one PostgreSQL database, one MQTT shared group (mqtt.shared_group), each with
// its own client id: every message reaches one gateway of the group, so each stop event is
// handled once and both take a share; a truck's route assignment received by one gateway serves
// arrival detection on the other, and each transition happens once; a gateway that is down keeps
// its share of the QoS 1 messages in its session (MQTT 5 session expiry) and gets them when it
// comes back.
#include <iostream>

#include <gtest/gtest.h>

#include "mqtt_rig.h"
#include "pg.h"
#include "support/pg_cluster.h"

namespace fieldgate::test {
namespace {

constexpr const char* kGroup = "fieldgate";

class SharedGroup : public ::testing::Test {
  protected:
    SharedGroup()
        : cluster_(PgClusterOptions{.fsync = false}), url_(cluster_.create_database("shared")) {
        a_ = start("fieldgate-a");
        b_ = start("fieldgate-b");
        EXPECT_TRUE(ready(*a_)) << a_->log_text();
        EXPECT_TRUE(ready(*b_)) << b_->log_text();
    }

    std::unique_ptr<GatewayProcess> start(const std::string& client_id) {
        const nlohmann::json config = {
            {"store", {{"url", url_}}},
            {"crm", {{"endpoint", crm_.events_origin() + "/events"}}},
            {"delivery", {{"poll_interval_ms", 200}, {"max_pause_s", 1}}},
            {"watchdog", {{"enabled", false}}},
            {"mqtt",
             {{"uri", broker_.uri()},
              {"client_id", client_id},
              {"shared_group", kGroup},
              {"position_flush_ms", 50},
              {"dispatch_interval_s", 1},
              {"reconnect_min_ms", 100},
              {"reconnect_max_ms", 500},
              {"en_route_radius_m", 1000},
              {"on_site_radius_m", 50}}},
            {"log", {{"level", "info"}}},
        };
        Secrets secrets;
        secrets.crm_webhook = whsec(crm_.key());
        secrets.more.push_back({"store/password", cluster_.password()});
        return std::make_unique<GatewayProcess>(config, secrets);
    }

    static nlohmann::json readyz(GatewayProcess& g) {
        auto c = g.client();
        const auto r = c.get("/readyz");
        const auto body = nlohmann::json::parse(r.body, nullptr, false);
        return body.is_object() ? body : nlohmann::json::object();
    }
    static bool ready(GatewayProcess& g) {
        return wait_until([&] { return readyz(g).value("mqtt", "") == "connected"; }, 30s);
    }
    // One of the gateway's MQTT counters (what /readyz shows under mqtt_messages).
    static std::uint64_t counter(GatewayProcess& g, const std::string& name) {
        const auto m = readyz(g).value("mqtt_messages", nlohmann::json::object());
        return m.value(name, std::uint64_t{0});
    }

    // One number from the shared database.
    std::int64_t count(const std::string& sql) {
        pg::Connection db(url_, cluster_.password());
        const auto r = db.query(sql);
        return r.rows() == 0 ? -1 : std::stoll(r.text(0, 0));
    }

    std::string create_order(const std::string& sr, const std::string& route = "R-0412") {
        auto c = a_->client();
        const auto r = a_->create_order(c, work_order_body(sr, "bay-hauling", route, 1));
        EXPECT_EQ(r.status, 201) << r.body;
        return nlohmann::json::parse(r.body).value("id", "");
    }
    nlohmann::json order(GatewayProcess& g, const std::string& id) {
        auto c = g.client();
        return nlohmann::json::parse(c.get("/v1/work-orders/" + id, g.crm_headers()).body);
    }
    // How often the order's history moved it to `status`.
    int transitions(GatewayProcess& g, const std::string& id, const std::string& status) {
        const auto wo = order(g, id);
        int n = 0;
        for (const auto& h : wo["history"]) n += h.value("to", "") == status;
        return n;
    }
    // CRM events for the case with `status`.
    int crm_events(const std::string& sr, const std::string& status) {
        auto c = crm_.control_client();
        int n = 0;
        for (const auto& e : nlohmann::json::parse(c.get("/_events").body)) {
            const auto data = e["body"].value("data", nlohmann::json::object());
            n += data.value("status", "") == status &&
                 e["body"].dump().find(sr) != std::string::npos;
        }
        return n;
    }

    void publish_stops(MqttTestClient& truck, int from, int to) {
        for (int i = from; i < to; ++i)
            truck.publish("fleet/bay-hauling/BH-T117/stop",
                          bay_result("BH-SG-" + std::to_string(i), "SR-SG-" + std::to_string(i),
                                     "Confirmed Positive")
                              .dump());
    }
    std::int64_t stored_stop_outcomes() {
        return count("SELECT COUNT(*) FROM outcomes WHERE source = 'truck:BH-T117'");
    }

    void position(MqttTestClient& truck, const std::string& id, double metres_south,
                  const std::string& time) {
        truck.publish(
            "fleet/bay-hauling/" + id + "/position",
            fieldgate::test::position(kLat - metres_south / kMetresPerDegreeLat, kLon, time, id),
            0);
    }

    MosquittoProcess broker_;
    CrmSimProcess crm_;
    PgCluster cluster_;
    std::string url_;
    std::unique_ptr<GatewayProcess> a_;
    std::unique_ptr<GatewayProcess> b_;
};

// (a) Each stop event reaches one gateway of the group and is stored once; both take a share.
TEST_F(SharedGroup, EachStopEventIsHandledByOneGatewayAndBothTakeAShare) {
    constexpr int kEvents = 40;
    for (int i = 0; i < kEvents; ++i) create_order("SR-SG-" + std::to_string(i));
    auto truck = std::make_unique<MqttTestClient>(broker_.uri(), "sg-truck");
    publish_stops(*truck, 0, kEvents);
    ASSERT_TRUE(wait_until([&] { return stored_stop_outcomes() >= kEvents; }, 60s))
        << stored_stop_outcomes() << "\n"
        << a_->log_text() << b_->log_text();
    // Anything a second delivery would add has arrived by now.
    std::this_thread::sleep_for(1s);
    const auto took_a = counter(*a_, "stop_events");
    const auto took_b = counter(*b_, "stop_events");
    std::cout << "stop events handled: gateway a " << took_a << ", gateway b " << took_b << "\n";
    RecordProperty("stop_events_a", std::to_string(took_a));
    RecordProperty("stop_events_b", std::to_string(took_b));
    EXPECT_EQ(took_a + took_b, static_cast<std::uint64_t>(kEvents))
        << "a stop event reached more than one gateway of the group";
    EXPECT_GT(took_a, 0u);
    EXPECT_GT(took_b, 0u);
    EXPECT_EQ(stored_stop_outcomes(), kEvents);
    EXPECT_EQ(count("SELECT COUNT(*) FROM work_orders WHERE status = 'completed'"), kEvents);
    // Both claimed the truck on first sight; the store kept one owner.
    EXPECT_EQ(count("SELECT COUNT(*) FROM trucks WHERE truck_id = 'BH-T117' AND vendor = "
                    "'bay-hauling'"),
              1);
}

// (b) The gateway that knows the truck but did not receive its route assignment detects the
// arrival: the assignment reaches it through the store. The assignment's gateway is stopped
// before the positions come, so every position that is handled is handled by the other one.
TEST_F(SharedGroup, ARouteReceivedByOneGatewayServesArrivalsOnTheOther) {
    const auto id = create_order("SR-SG-A");
    auto truck = std::make_unique<MqttTestClient>(broker_.uri(), "sg-truck");
    // Both gateways meet the truck (far away, no route yet).
    for (int i = 0; i < 20 && (counter(*a_, "positions") == 0 || counter(*b_, "positions") == 0);
         ++i) {
        position(*truck, "BH-T117", 3000, "2026-02-03T18:30:" + std::to_string(10 + i) + "Z");
        std::this_thread::sleep_for(100ms);
    }
    ASSERT_GT(counter(*a_, "positions"), 0u);
    ASSERT_GT(counter(*b_, "positions"), 0u);
    truck->publish("fleet/bay-hauling/BH-T117/route",
                   R"({"route":"R-0412","route_date":"02/03/2026"})", 1, true);
    ASSERT_TRUE(wait_until(
        [&] { return counter(*a_, "assignments") + counter(*b_, "assignments") == 1; }, 30s));
    const bool a_has_route = counter(*a_, "assignments") == 1;
    GatewayProcess& routed = a_has_route ? *a_ : *b_;
    GatewayProcess& other = a_has_route ? *b_ : *a_;
    std::cout << "route assignment handled by gateway " << (a_has_route ? "a" : "b") << "\n";
    ASSERT_TRUE(wait_until(
        [&] {
            return count(
                       "SELECT COUNT(*) FROM trucks WHERE truck_id = 'BH-T117' AND route_id = "
                       "'R-0412'") == 1;
        },
        30s));
    ASSERT_EQ(routed.stop(), 0);

    // Positions until the order moves: about every second one is dealt to the stopped
    // gateway's session and dropped there (QoS 0), the others reach the running one.
    int second = 0;
    const auto approach = [&](double metres, const std::string& status) {
        return wait_until(
            [&] {
                position(*truck, "BH-T117", metres,
                         "2026-02-03T18:4" + std::to_string(second / 60) + ":" +
                             (second % 60 < 10 ? "0" : "") + std::to_string(second % 60) + "Z");
                ++second;
                std::this_thread::sleep_for(200ms);
                return order(other, id).value("status", "") == status;
            },
            30s);
    };
    ASSERT_TRUE(approach(600, "en_route")) << order(other, id) << other.log_text();
    ASSERT_TRUE(approach(20, "on_site")) << order(other, id) << other.log_text();
    EXPECT_GE(counter(other, "arrivals"), 2u);

    // The stopped gateway comes back and gets positions at the stop too: nothing moves again.
    routed.start();
    ASSERT_TRUE(ready(routed));
    for (int i = 0; i < 10; ++i) {
        position(*truck, "BH-T117", 10, "2026-02-03T18:50:" + std::to_string(10 + i) + "Z");
        std::this_thread::sleep_for(100ms);
    }
    ASSERT_TRUE(wait_until(
        [&] {
            return crm_events("SR-SG-A", "en_route") >= 1 && crm_events("SR-SG-A", "on_site") >= 1;
        },
        30s));
    std::this_thread::sleep_for(2s);  // a second transition or event would be there by now
    EXPECT_EQ(transitions(other, id, "en_route"), 1) << order(other, id);
    EXPECT_EQ(transitions(other, id, "on_site"), 1) << order(other, id);
    EXPECT_EQ(crm_events("SR-SG-A", "en_route"), 1);
    EXPECT_EQ(crm_events("SR-SG-A", "on_site"), 1);
    EXPECT_EQ(order(routed, id).value("status", ""), "on_site");
}

// (b) Both gateways running: the route goes to one, the positions alternate between the two,
// and each may detect the arrival. The order moves once per status all the same.
TEST_F(SharedGroup, PositionsSplitOverBothGatewaysMoveTheOrderOncePerStatus) {
    const auto id = create_order("SR-SG-B", "R-0700");
    auto truck = std::make_unique<MqttTestClient>(broker_.uri(), "sg-truck");
    truck->publish("fleet/bay-hauling/BH-T200/route",
                   R"({"route":"R-0700","route_date":"02/03/2026"})", 1, true);
    ASSERT_TRUE(wait_until(
        [&] { return counter(*a_, "assignments") + counter(*b_, "assignments") == 1; }, 30s));
    int second = 0;
    const auto approach = [&](double metres, const std::string& status) {
        return wait_until(
            [&] {
                for (int i = 0; i < 2; ++i, ++second)
                    position(*truck, "BH-T200", metres,
                             "2026-02-03T19:0" + std::to_string(second / 60) + ":" +
                                 (second % 60 < 10 ? "0" : "") + std::to_string(second % 60) + "Z");
                std::this_thread::sleep_for(200ms);
                return order(*a_, id).value("status", "") == status;
            },
            30s);
    };
    ASSERT_TRUE(approach(600, "en_route")) << order(*a_, id);
    // Both gateways keep getting positions near the stop for a while.
    for (int i = 0; i < 10; ++i) {
        position(*truck, "BH-T200", 600, "2026-02-03T19:10:" + std::to_string(10 + i) + "Z");
        std::this_thread::sleep_for(100ms);
    }
    ASSERT_TRUE(approach(20, "on_site")) << order(*a_, id);
    for (int i = 0; i < 10; ++i) {
        position(*truck, "BH-T200", 10, "2026-02-03T19:20:" + std::to_string(10 + i) + "Z");
        std::this_thread::sleep_for(100ms);
    }
    ASSERT_TRUE(wait_until(
        [&] {
            return crm_events("SR-SG-B", "en_route") >= 1 && crm_events("SR-SG-B", "on_site") >= 1;
        },
        30s));
    std::this_thread::sleep_for(2s);
    std::cout << "arrivals submitted: gateway a " << counter(*a_, "arrivals") << ", gateway b "
              << counter(*b_, "arrivals") << "; positions: a " << counter(*a_, "positions")
              << ", b " << counter(*b_, "positions") << "\n";
    EXPECT_GT(counter(*a_, "positions"), 0u);
    EXPECT_GT(counter(*b_, "positions"), 0u);
    EXPECT_EQ(transitions(*a_, id, "en_route"), 1) << order(*a_, id);
    EXPECT_EQ(transitions(*a_, id, "on_site"), 1) << order(*a_, id);
    EXPECT_EQ(crm_events("SR-SG-B", "en_route"), 1);
    EXPECT_EQ(crm_events("SR-SG-B", "on_site"), 1);
}

// (c) A gateway of the group that is down keeps its session (MQTT 5 session expiry): the broker
// queues its share of the QoS 1 messages there, and it gets them when it comes back with the
// same client id. Then both are down at once: every message waits in one of the two sessions.
TEST_F(SharedGroup, AGatewayThatIsDownGetsItsShareWhenItComesBack) {
    constexpr int kEvents = 30;
    for (int i = 0; i < kEvents; ++i) create_order("SR-SG-" + std::to_string(i));
    auto truck = std::make_unique<MqttTestClient>(broker_.uri(), "sg-truck");
    ASSERT_EQ(a_->stop(), 0);
    publish_stops(*truck, 0, kEvents / 2);
    ASSERT_TRUE(wait_until([&] { return stored_stop_outcomes() >= kEvents / 4; }, 30s))
        << stored_stop_outcomes();
    ASSERT_EQ(b_->stop(), 0);
    publish_stops(*truck, kEvents / 2, kEvents);
    std::this_thread::sleep_for(500ms);
    const auto while_down = stored_stop_outcomes();
    std::cout << "stored while gateway a was down: " << while_down << " of " << kEvents << "\n";
    EXPECT_LT(while_down, kEvents / 2) << "gateway a's share was not kept for it";
    a_->start();
    b_->start();
    ASSERT_TRUE(ready(*a_)) << a_->log_text();
    ASSERT_TRUE(ready(*b_)) << b_->log_text();
    ASSERT_TRUE(wait_until([&] { return stored_stop_outcomes() >= kEvents; }, 60s))
        << stored_stop_outcomes() << "\n"
        << a_->log_text() << b_->log_text() << broker_.log_text();
    EXPECT_EQ(stored_stop_outcomes(), kEvents);
    EXPECT_EQ(count("SELECT COUNT(*) FROM work_orders WHERE status = 'completed'"), kEvents);
    // Gateway a's first session after the restart was resumed with messages waiting in it.
    EXPECT_GT(counter(*a_, "stop_events"), 0u);
    EXPECT_NE(a_->log_text().find("as fieldgate-a (session resumed)"), std::string::npos)
        << a_->log_text();
}

// A gateway joins a shared group with the client id it had before: the broker kept its session
// with the plain subscription, and the gateway swaps it for the shared one (it recorded what it
// subscribed), so it takes its share like the other member instead of every message.
TEST(SharedGroupJoin, AKeptSessionsPlainSubscriptionIsReplacedByTheSharedOne) {
    MosquittoProcess broker;
    TempDir paho;  // Paho's store and the subscriptions record, kept across the two configs
    const auto config = [&](const std::string& group, const std::string& id = "fieldgate-x") {
        nlohmann::json mqtt = {{"uri", broker.uri()},
                               {"client_id", id},
                               {"persistence_dir", (paho.path() / id).string()},
                               {"reconnect_min_ms", 100},
                               {"reconnect_max_ms", 500}};
        if (!group.empty()) mqtt["shared_group"] = group;
        return nlohmann::json{
            {"watchdog", {{"enabled", false}}}, {"mqtt", mqtt}, {"log", {{"level", "info"}}}};
    };
    const auto connected = [](GatewayProcess& g) {
        return wait_until(
            [&] {
                auto c = g.client();
                const auto body = nlohmann::json::parse(c.get("/readyz").body, nullptr, false);
                return body.is_object() && body.value("mqtt", "") == "connected";
            },
            30s);
    };
    {
        GatewayProcess plain(config(""));
        ASSERT_TRUE(connected(plain)) << plain.log_text();
        ASSERT_EQ(plain.stop(), 0);
    }
    GatewayProcess shared(config(kGroup));
    GatewayProcess other(config(kGroup, "fieldgate-y"));
    ASSERT_TRUE(connected(shared)) << shared.log_text();
    ASSERT_TRUE(connected(other)) << other.log_text();
    EXPECT_NE(shared.log_text().find("unsubscribed from fleet/#"), std::string::npos)
        << shared.log_text();
    // Stop events for orders neither store has: each is quarantined, and counted where handled.
    constexpr int kEvents = 10;
    MqttTestClient truck(broker.uri(), "join-truck");
    for (int i = 0; i < kEvents; ++i)
        truck.publish("fleet/bay-hauling/BH-T117/stop",
                      bay_result("BH-J-" + std::to_string(i), "SR-J-" + std::to_string(i)).dump());
    const auto stops = [&](GatewayProcess& g) {
        auto c = g.client();
        const auto body = nlohmann::json::parse(c.get("/readyz").body, nullptr, false);
        return body.is_object() ? body["mqtt_messages"].value("stop_events", std::uint64_t{0})
                                : std::uint64_t{0};
    };
    ASSERT_TRUE(wait_until([&] { return stops(shared) + stops(other) >= kEvents; }, 30s));
    std::this_thread::sleep_for(1s);  // a second copy would be here by now
    EXPECT_EQ(stops(shared) + stops(other), static_cast<std::uint64_t>(kEvents))
        << "x " << stops(shared) << ", y " << stops(other);
    EXPECT_GT(stops(other), 0u);
}

}  // namespace
}  // namespace fieldgate::test
