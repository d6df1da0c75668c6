// Trucks and devices over MQTT, wired: the client, the message handler, the position store,
// arrival detection and dispatch to trucks. Built by the gateway only when the config has an
// `mqtt` section.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "catalog.h"
#include "config.h"
#include "ingest_service.h"
#include "mqtt_client.h"
#include "read_pool.h"
#include "registry.h"
#include "secrets.h"
#include "writer.h"

namespace fieldgate::mqtt {

class PositionStore;
class ArrivalDetector;
class TruckDirectory;
class TruckMessages;
class DispatchPublisher;

class TruckService {
  public:
    using Vendors = std::function<std::shared_ptr<const VendorRegistry>()>;
    TruckService(const GatewayConfig& config, IngestService& ingest, const SecretStore& secrets,
                 store::Writer& writer, store::ReadPool& reads, Vendors vendors,
                 std::function<bool()> leads_pruning = nullptr);
    ~TruckService();  // stops the client first, then flushes positions

    void start();
    void stop();
    bool connected() const;
    // What the broker connection's callback does with each arriving message (the MQTT fuzzer
    // hands messages in here without a broker).
    void handle(const Message& m);
    // A quarantined message's replay request (TruckMessages::replay_request).
    std::variant<std::shared_ptr<IngestRequest>, std::string> replay_request(
        const std::string& topic, const std::string& payload) const;
    nlohmann::json stats() const;  // counters for /readyz

  private:
    std::unique_ptr<TruckDirectory> directory_;
    std::unique_ptr<PositionStore> positions_;
    std::unique_ptr<ArrivalDetector> arrivals_;
    std::unique_ptr<TruckMessages> messages_;
    std::unique_ptr<MqttClient> client_;
    std::unique_ptr<DispatchPublisher> dispatch_;
};

}  // namespace fieldgate::mqtt
