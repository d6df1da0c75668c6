#include "truck_service.h"

#include <spdlog/spdlog.h>

#include "arrival_detector.h"
#include "dispatch_publisher.h"
#include "mqtt_client.h"
#include "position_store.h"
#include "truck_directory.h"
#include "truck_messages.h"
#include "vendor_topics.h"

namespace fieldgate::mqtt {

namespace {
// How old what the directory holds of the store's trucks may get.
constexpr std::chrono::seconds kDirectoryRefresh{3};
}  // namespace

TruckService::TruckService(const GatewayConfig& config, IngestService& ingest,
                           const SecretStore& secrets, store::Writer& writer,
                           store::ReadPool& reads, Vendors vendors,
                           std::function<bool()> leads_pruning) {
    const auto& mq = *config.mqtt;
    const Catalog& catalog = *ingest.context().catalog;
    auto registry = vendors();
    auto topics =
        load_vendor_topics(config.vendor_schemas_dir, registry->ids(), mq.topics_schema, catalog);
    for (const auto& t : topics) spdlog::info("mqtt: vendor {} under {}/+/...", t.vendor, t.prefix);

    std::string password;
    if (!mq.password_secret.empty()) {
        const auto values = secrets.values(mq.password_secret);
        if (values.empty())
            throw std::runtime_error("mqtt.password_secret '" + mq.password_secret +
                                     "' is not configured");
        password = values.front();
    }
    // Several gateways may share the store: what another one learned of a truck (its route)
    // reaches this one's memory within the refresh interval.
    directory_ = std::make_unique<TruckDirectory>(reads, kDirectoryRefresh);
    directory_->load();
    PositionStoreOptions p;
    p.flush_interval = std::chrono::milliseconds(mq.position_flush_ms);
    p.flush_rows = static_cast<std::size_t>(mq.position_flush_rows);
    p.history_days = mq.position_history_days;
    p.prune_interval = std::chrono::seconds(mq.prune_interval_s);
    p.leads_pruning = std::move(leads_pruning);
    positions_ = std::make_unique<PositionStore>(p, writer);
    ArrivalOptions a;
    a.en_route_m = mq.en_route_radius_m;
    a.on_site_m = mq.on_site_radius_m;
    arrivals_ = std::make_unique<ArrivalDetector>(a, ingest, reads);
    messages_ =
        std::make_unique<TruckMessages>(std::move(topics), std::move(vendors), ingest, writer,
                                        *positions_, *arrivals_, *directory_, [this] {
                                            if (dispatch_) dispatch_->poke();
                                        });
    client_ = std::make_unique<MqttClient>(
        mq, password, [this](const Message& m) { handle(m); },
        [this] {
            if (dispatch_) dispatch_->republish_all();
        });
    dispatch_ =
        std::make_unique<DispatchPublisher>(std::chrono::seconds(mq.dispatch_interval_s),
                                            messages_->topics(), reads, *directory_, *client_);
}

TruckService::~TruckService() {
    stop();
}

void TruckService::start() {
    directory_->start();
    dispatch_->start();
    client_->start();
}

void TruckService::stop() {
    if (dispatch_) dispatch_->stop();
    if (messages_) messages_->stopping();
    if (client_) client_->stop();  // no message is being handled after this
    if (directory_) directory_->stop();
    if (positions_) positions_->stop();
}

void TruckService::handle(const Message& m) {
    messages_->handle(m);
}

std::variant<std::shared_ptr<IngestRequest>, std::string> TruckService::replay_request(
    const std::string& topic, const std::string& payload) const {
    return messages_->replay_request(topic, payload);
}

bool TruckService::connected() const {
    return client_ && client_->connected();
}

}  // namespace fieldgate::mqtt

namespace fieldgate::mqtt {

nlohmann::json TruckService::stats() const {
    const auto& m = messages_->stats();
    const auto p = positions_->stats();
    return {{"connections", client_->connections()}, {"positions", m.positions.load()},
            {"positions_stored", p.stored},          {"positions_dropped", p.dropped},
            {"positions_pruned", p.pruned},          {"stop_events", m.stops.load()},
            {"route_events", m.route_events.load()}, {"statuses", m.statuses.load()},
            {"assignments", m.assignments.load()},   {"quarantined", m.quarantined.load()},
            {"arrivals", arrivals_->transitions()},  {"dispatches", dispatch_->published()}};
}

}  // namespace fieldgate::mqtt
