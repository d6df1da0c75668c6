// The MQTT test rig: a real Mosquitto on a free loopback port, the CRM simulator, and the real
// gateway with an `mqtt` section pointing at the broker.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "sqlite.h"
#include "support/crm_sim_process.h"
#include "support/gateway_process.h"
#include "support/mosquitto_process.h"
#include "support/mqtt_test_client.h"
#include "support/vendor_payloads.h"
#include "support/wait.h"
#include "support/webhook_signer.h"

namespace fieldgate::test {

using namespace std::chrono_literals;

// Where the scenarios' truck reports its stops.
inline constexpr const char* kStop = "fleet/bay-hauling/BH-T117/stop";
// The location of the order work_order_body() makes, and metres per degree of latitude there.
inline constexpr double kLat = 37.33452;
inline constexpr double kLon = -121.88861;
inline constexpr double kMetresPerDegreeLat = 111320.0;

class MqttRig {
  public:
    explicit MqttRig(nlohmann::json extra = nlohmann::json::object(),
                     std::optional<BrokerSecurity> security = std::nullopt)
        : broker_(std::move(security)) {
        nlohmann::json config = {
            {"crm", {{"endpoint", "http://127.0.0.1:" + std::to_string(crm_.port()) + "/events"}}},
            {"delivery", {{"poll_interval_ms", 200}, {"max_pause_s", 1}}},
            {"watchdog", {{"enabled", false}}},
            {"mqtt",
             {{"uri", broker_.uri()},
              {"client_id", "fieldgate-test"},
              {"position_flush_ms", 50},
              {"dispatch_interval_s", 1},
              {"reconnect_min_ms", 100},
              {"reconnect_max_ms", 500}}},
        };
        config.merge_patch(extra);
        Secrets secrets;
        secrets.crm_webhook = whsec(crm_.key());
        gw_ = std::make_unique<GatewayProcess>(config, secrets);
        wait_ready();
    }

    GatewayProcess& gw() { return *gw_; }
    MosquittoProcess& broker() { return broker_; }
    CrmSimProcess& crm() { return crm_; }

    // Until /readyz says the gateway is connected to the broker.
    bool wait_ready(std::chrono::milliseconds limit = 30s) {
        return wait_until(
            [&] {
                auto c = gw_->client();
                const auto r = c.get("/readyz");
                return r.status == 200 &&
                       nlohmann::json::parse(r.body).value("mqtt", "") == "connected";
            },
            limit);
    }

    std::unique_ptr<MqttTestClient> publisher(const std::string& id = "test-truck") {
        return std::make_unique<MqttTestClient>(broker_.uri(), id);
    }

    std::string create_order(const std::string& sr, const std::string& route = "R-0412",
                             int stop = 1) {
        auto c = gw_->client();
        const auto r = gw_->create_order(c, work_order_body(sr, "bay-hauling", route, stop));
        EXPECT_EQ(r.status, 201) << r.body;
        return nlohmann::json::parse(r.body)["id"].get<std::string>();
    }
    nlohmann::json order(const std::string& id) {
        auto c = gw_->client();
        const auto r = c.get("/v1/work-orders/" + id, gw_->crm_headers());
        return nlohmann::json::parse(r.body);
    }
    std::string status_of(const std::string& id) { return order(id).value("status", ""); }

    nlohmann::json crm_events() {
        auto c = crm_.control_client();
        return nlohmann::json::parse(c.get("/_events").body);
    }

    // One number from the gateway's store, read-only (what the API does not show yet).
    std::int64_t count(const std::string& sql) {
        sqlite::OpenOptions o;
        o.read_only = true;
        sqlite::Connection db(gw_->db_path(), o);
        auto q = db.prepare(sql);
        return q->step() ? q->integer(0) : -1;
    }

    // The body of a 200 answer; null otherwise (callers poll until it is there).
    nlohmann::json get(const std::string& path) {
        auto c = gw_->client();
        const auto r = c.get(path, gw_->crm_headers());
        if (r.status != 200) return nullptr;
        return nlohmann::json::parse(r.body, nullptr, false);
    }

  private:
    MosquittoProcess broker_;
    CrmSimProcess crm_;
    std::unique_ptr<GatewayProcess> gw_;
};

inline std::string position(double lat, double lon, const std::string& fix_time,
                            const std::string& device = "BH-T117") {
    return nlohmann::json({{"deviceId", device},
                           {"fixTime", fix_time},
                           {"latitude", lat},
                           {"longitude", lon},
                           {"speed", 22.5},
                           {"course", 184},
                           {"attributes", {{"ignition", true}}}})
        .dump();
}

}  // namespace fieldgate::test
