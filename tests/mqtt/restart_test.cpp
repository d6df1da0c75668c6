// No QoS 1 stop event is lost when the gateway or the broker restarts: the broker keeps them in
// the gateway's persistent session (and in its persistence file across its own restart). And the
// last will marks a truck offline.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "mqtt_rig.h"

namespace fieldgate::test {
namespace {

std::int64_t accepted(MqttRig& rig) {
    return rig.count("SELECT COUNT(*) FROM outcomes WHERE source = 'truck:BH-T117'");
}

void publish_stops(MqttRig& rig, int from, int to) {
    auto truck = rig.publisher("restart-truck");
    for (int i = from; i < to; ++i) {
        const auto sr = "SR-RS-" + std::to_string(i);
        truck->publish(kStop,
                       bay_result("BH-RS-" + std::to_string(i), sr, "Confirmed Positive").dump());
    }
}

TEST(MqttRestart, GatewayRestartLosesNoStopEvent) {
    MqttRig rig;
    constexpr int kEvents = 25;
    for (int i = 0; i < kEvents; ++i) rig.create_order("SR-RS-" + std::to_string(i));
    ASSERT_EQ(rig.gw().stop(), 0);
    publish_stops(rig, 0, kEvents);  // the gateway is down: the broker queues them
    rig.gw().start();
    ASSERT_TRUE(rig.wait_ready());
    ASSERT_TRUE(wait_until([&] { return accepted(rig) >= kEvents; }, 60s)) << accepted(rig);
    EXPECT_EQ(accepted(rig), kEvents);
    EXPECT_EQ(rig.count("SELECT COUNT(*) FROM work_orders WHERE status = 'completed'"), kEvents);
}

TEST(MqttRestart, BrokerRestartLosesNoStopEvent) {
    MqttRig rig;
    constexpr int kEvents = 30;
    for (int i = 0; i < kEvents; ++i) rig.create_order("SR-RS-" + std::to_string(i));
    // 1. Queued for the stopped gateway, then the broker restarts (its persistence file).
    ASSERT_EQ(rig.gw().stop(), 0);
    publish_stops(rig, 0, 10);
    rig.broker().restart();
    rig.gw().start();
    ASSERT_TRUE(rig.wait_ready());
    // 2. The broker restarts under a connected gateway: it reconnects and resumes its session.
    rig.broker().restart();
    ASSERT_TRUE(rig.wait_ready());
    publish_stops(rig, 10, 20);
    // 3. Broker down and up again while the gateway keeps retrying.
    rig.broker().stop();
    ASSERT_TRUE(wait_until(
        [&] {
            auto c = rig.gw().client();
            const auto r = c.get("/readyz");
            return r.status == 503 && r.body.find("disconnected") != std::string::npos;
        },
        30s));  // readiness follows the broker connection
    rig.broker().start();
    ASSERT_TRUE(rig.wait_ready());
    publish_stops(rig, 20, kEvents);
    ASSERT_TRUE(wait_until([&] { return accepted(rig) >= kEvents; }, 60s))
        << accepted(rig) << "\n"
        << rig.gw().log_text() << "\n"
        << rig.broker().log_text();
    EXPECT_EQ(accepted(rig), kEvents);
}

// mosquitto_sub as a truck's connection with a last will; kill -9 drops it without DISCONNECT.
// What it receives goes to `out`, so a test can see that it is connected and subscribed.
class WillClient {
  public:
    WillClient(std::uint16_t port, const std::string& topic, const std::string& will,
               const std::string& out) {
        std::vector<std::string> args = {"mosquitto_sub",
                                         "-h",
                                         "127.0.0.1",
                                         "-p",
                                         std::to_string(port),
                                         "-t",
                                         "will-client/ping",
                                         "-i",
                                         "will-client",
                                         "--will-topic",
                                         topic,
                                         "--will-payload",
                                         will,
                                         "--will-qos",
                                         "1",
                                         "--will-retain"};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0644);
        const int rc =
            posix_spawnp(&pid_, "mosquitto_sub", &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) throw std::runtime_error("cannot start mosquitto_sub");
    }
    ~WillClient() { kill9(); }
    void kill9() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
    }

  private:
    pid_t pid_ = -1;
};

std::string read_all(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(MqttStatus, TheLastWillMarksATruckOffline) {
    MqttRig rig;
    const std::string topic = "fleet/bay-hauling/BH-T117/status";
    TempDir dir;
    const auto out = dir.file("will-client.out");
    WillClient truck_link(rig.broker().port(), topic, R"({"state":"offline"})", out);
    rig.publisher()->publish(topic, R"({"state":"online"})", 1, true);
    ASSERT_TRUE(wait_until(
        [&] {
            const auto t = rig.get("/v1/trucks/BH-T117");
            return t.is_object() && t["state"] == "online";
        },
        30s));
    // The will client is connected once it receives what is published to it.
    auto pinger = rig.publisher("pinger");
    ASSERT_TRUE(wait_until(
        [&] {
            pinger->publish("will-client/ping", "ping", 0);
            return read_all(out).find("ping") != std::string::npos;
        },
        30s));
    truck_link.kill9();
    ASSERT_TRUE(wait_until(
        [&] {
            const auto t = rig.get("/v1/trucks/BH-T117");
            return t.is_object() && t["state"] == "offline";
        },
        30s));
    EXPECT_TRUE(rig.get("/v1/trucks/BH-T117")["last_seen_at"].is_string());
}

}  // namespace
}  // namespace fieldgate::test
