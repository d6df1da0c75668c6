#include "app.h"

#include <fstream>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "admin_routes.h"
#include "console_routes.h"
#include "crm_profiles.h"
#include "delivery_endpoints.h"
#include "delivery_metrics.h"
#include "delivery_worker.h"
#include "folder_watch.h"
#include "gateway_metrics.h"
#include "ingest_service.h"
#include "listener_tls.h"
#include "metrics_registry.h"
#include "ops_routes.h"
#include "order_changes.h"
#include "poller.h"
#include "router.h"
#include "server.h"
#include "store_config.h"
#include "store_factory.h"
#include "transaction.h"
#include "truck_service.h"
#include "vendor_admin_routes.h"
#include "vendor_try_routes.h"
#include "vendor_view.h"
#include "watchdog.h"
#include "work_orders.h"

namespace fieldgate {

Gateway::Gateway(GatewayConfig config)
    : config_(std::move(config)),
      catalog_(std::make_shared<const Catalog>(
          Catalog::load(config_.catalog_path, config_.catalog_schema_path))),
      secrets_(config_.secrets_dir, config_.secrets_env_prefix),
      rate_limits_(config_.vendor_rate_limit) {
    load_vendors();
    open_store();
    start_delivery();
    start_services();
    start_routes();
    start_server();
}

void Gateway::load_vendors() {
    const VendorLoader loader(LoaderOptions{catalog_, config_.mapping_schema_path, nullptr});
    auto loaded = loader.load_all(config_.vendor_schemas_dir);
    if (!loaded.ok()) {
        std::string all;
        for (const auto& e : loaded.errors) all += "\n  " + e.to_string();
        throw std::runtime_error("vendor folders in " + config_.vendor_schemas_dir +
                                 " are invalid:" + all);
    }
    vendors_ = std::move(loaded.registry);
    rate_limits_.install(*vendors_);
    for (const auto& id : vendors_->ids()) {
        const auto* v = vendors_->find(id);
        const auto limit = v->spec.rate_limit.value_or(config_.vendor_rate_limit);
        spdlog::info("vendor {} ({}) mapping {} status {}, {} requests/s (burst {})", id,
                     v->spec.format, v->spec.mapping_version, v->spec.status,
                     limit.requests_per_second, limit.burst);
    }
    spdlog::info("catalog {} with {} reasons", catalog_->version(), catalog_->reasons().size());
}

void Gateway::open_store() {
    auto settings = store_settings(config_, secrets_);
    settings.limits.on_commit = [this] {
        if (auto* worker = delivery_.load(std::memory_order_acquire)) worker->notify();
    };
    settings.limits.on_batch = metrics::observe_commit;
    auto opened = store::open_store(settings);
    writer_ = std::move(opened.writer);
    reads_ = std::move(opened.reads);
    leadership_ = std::move(opened.leadership);
    leases_ = std::move(opened.leases);
    spdlog::info("store: {}", opened.description);
    ingest_ = std::make_unique<IngestService>(
        *writer_,
        IngestContext{catalog_.get(), EventContext{config_.event_type_prefix, config_.event_source},
                      config_.city_time_zone});
}

// The services the routes call and those that work beside them (watchdog, MQTT, poller).
void Gateway::start_services() {
    metrics_collector_ = metrics::register_gateway_collectors(*reads_, *writer_);
    if (delivery_worker_)
        delivery_metrics_ = delivery::register_delivery_collectors(*delivery_worker_);
    if (config_.watchdog_enabled) {
        WatchdogOptions w;
        w.interval = std::chrono::seconds(config_.watchdog_interval_s);
        w.grace = std::chrono::seconds(config_.watchdog_grace_s);
        w.lookback_days = config_.watchdog_lookback_days;
        w.city_zone = config_.city_time_zone;
        w.events = EventContext{config_.event_type_prefix, config_.event_source};
        w.leads = leads(store::LeaderRole::watchdog);
        watchdog_ = std::make_unique<Watchdog>(w, *writer_, *reads_, nullptr);
    }
    admin_ = std::make_unique<AdminRoutes>(*writer_, *reads_, delivery_worker_.get());
    work_orders_ = std::make_unique<WorkOrderService>(config_, *catalog_, *writer_, *reads_,
                                                      [this] { return vendors(); });
    order_changes_ = std::make_unique<OrderChangeService>(config_, *writer_, *work_orders_,
                                                          [this] { return vendors(); });
    if (config_.mqtt) {
        trucks_ = std::make_unique<mqtt::TruckService>(
            config_, *ingest_, secrets_, *writer_, *reads_, [this] { return vendors(); },
            leads(store::LeaderRole::pruning));
    }
    reloader_ = std::make_unique<VendorReloader>(
        LoaderOptions{catalog_, config_.mapping_schema_path, nullptr}, config_.vendor_schemas_dir,
        [this] { return vendors(); },
        [this](std::shared_ptr<const VendorRegistry> next) {
            rate_limits_.install(*next);  // first: no request meets a vendor without its limit
            std::lock_guard lock(vendors_mutex_);
            vendors_ = std::move(next);
        },
        [this] { secrets_.forget_cached(); });
    vendor_admin_ = std::make_unique<VendorAdminRoutes>(
        [this](const std::string& trigger) { return reload_vendors(trigger); });
    if (config_.poll_enabled) {
        poller_ = std::make_unique<poll::Poller>([this] { return vendors(); }, secrets_, *writer_,
                                                 *ingest_, delivery::outbound_options(config_));
        poller_->lead_with(leads(store::LeaderRole::polling));
    }
}

void Gateway::start_routes() {
    GatewayParts parts;
    parts.config = &config_;
    parts.catalog = catalog_.get();
    parts.writer = writer_.get();
    parts.ingest = ingest_.get();
    parts.work_orders = work_orders_.get();
    parts.order_changes = order_changes_.get();
    parts.reads = reads_.get();
    parts.secrets = &secrets_;
    parts.vendors = [this] { return vendors(); };
    parts.rate_limits = &rate_limits_;
    parts.admin = admin_.get();
    if (trucks_) {
        parts.mqtt_connected = [this] { return trucks_->connected(); };
        parts.mqtt_stats = [this] { return trucks_->stats(); };
        mqtt_metrics_ = metrics::register_mqtt_collector([this] { return trucks_->connected(); },
                                                         [this] { return trucks_->stats(); });
    }
    parts.vendor_admin = vendor_admin_.get();
    ops::QuarantineReplayer::MqttRequest mqtt_replay;
    if (trucks_)
        mqtt_replay = [this](const store::RawPayload& raw) {
            return trucks_->replay_request(raw.request_id, raw.body);  // request_id: the topic
        };
    ops_ = std::make_unique<OpsRoutes>(OpsParts{.config = &config_,
                                                .catalog = catalog_.get(),
                                                .secrets = &secrets_,
                                                .writer = writer_.get(),
                                                .ingest = ingest_.get(),
                                                .reads = reads_.get(),
                                                .vendors = [this] { return vendors(); },
                                                .rate_limits = &rate_limits_,
                                                .mqtt_replay = std::move(mqtt_replay)});
    parts.ops = ops_.get();
    console_sessions_ = std::make_unique<console::Sessions>(
        *reads_, std::chrono::hours(config_.console_session_hours));
    console_ = std::make_unique<ConsoleRoutes>(ConsoleParts{
        config_.console_users_file, config_.console_dir, console_sessions_.get(), writer_.get(),
        reads_.get(), work_orders_.get(), config_.console_secure_cookie});
    parts.console = console_.get();
    vendor_try_ = std::make_unique<VendorTryRoutes>(
        LoaderOptions{catalog_, config_.mapping_schema_path, nullptr}, config_.vendor_schemas_dir,
        [this] { return vendors(); });
    parts.vendor_try = vendor_try_.get();
    parts.sessions = console_sessions_.get();
    parts.tls_not_after = [this] {
        return server_ ? server_->certificate_not_after() : std::nullopt;
    };
    router_ = std::make_unique<Router>(std::move(parts));
}

void Gateway::start_server() {
    http::ServerOptions options;
    options.address = config_.listen_address;
    options.port = config_.listen_port;
    options.threads = config_.http_threads;
    options.read_timeout = std::chrono::seconds(config_.read_timeout_s);
    options.idle_timeout = std::chrono::seconds(config_.idle_timeout_s);
    options.max_connections = config_.max_connections;
    options.max_connections_per_client = config_.max_connections_per_client;
    options.max_requests_in_flight_per_client = config_.max_requests_in_flight_per_client;
    options.trusted_proxies = config_.trusted_proxies;
    options.tls = listener_tls(config_);
    server_ = std::make_unique<http::Server>(options, *router_);
    if (options.tls) tls_reloader_ = std::make_unique<ListenerTlsReloader>(*server_, *options.tls);
}

Gateway::~Gateway() {
    // The server goes first so no handler submits to a writer that is gone; then what else
    // writes (watchdog, delivery bookkeeping); the writer last drains what was queued.
    folder_watch_.reset();
    tls_reloader_.reset();
    // Writer jobs queued by HTTP handlers may point into the routes: let every one commit while
    // the routes exist. Their answers land on the stopped server, unsent.
    server_->stop();
    try {
        writer_->run_sync([](store::Transaction&) {});
    } catch (const std::exception& e) {
        spdlog::error("stopping: the last writes did not commit: {}", e.what());
    }
    server_.reset();
    router_.reset();
    if (trucks_) trucks_->stop();  // no MQTT message is being handled after this
    trucks_.reset();
    poller_.reset();
    metrics::Registry::global().remove_collector(metrics_collector_);
    if (mqtt_metrics_) metrics::Registry::global().remove_collector(mqtt_metrics_);
    if (delivery_metrics_) metrics::Registry::global().remove_collector(delivery_metrics_);
    if (watchdog_) watchdog_->stop();
    delivery_.store(nullptr);
    if (delivery_worker_) delivery_worker_->stop();
    admin_.reset();
    ops_.reset();
    order_changes_.reset();
    work_orders_.reset();
    writer_.reset();
}

void Gateway::start_delivery() {
    auto endpoints = delivery::delivery_endpoints(config_, *vendors_, secrets_);
    if (endpoints.empty()) return;
    const auto profile = delivery::parse_crm_profile(config_.crm_profile);
    delivery::DeliveryOptions options;
    options.concurrency = config_.delivery_concurrency;
    options.timeout = std::chrono::milliseconds(config_.delivery_timeout_ms);
    std::vector<std::chrono::seconds> steps;
    for (int s : config_.delivery_backoff_s) steps.emplace_back(s);
    options.schedule = delivery::BackoffSchedule(std::move(steps));
    options.dead_letter_after = std::chrono::seconds(config_.delivery_dead_letter_after_s);
    options.poll_interval = std::chrono::milliseconds(config_.delivery_poll_interval_ms);
    options.max_pause = std::chrono::seconds(config_.delivery_max_pause_s);
    options.leases = leases_.get();

    const EventContext events{config_.event_type_prefix, config_.event_source};
    auto renderer = [this, profile, events](store::Transaction& db, const delivery::Endpoint& ep,
                                            const store::OutboxEvent& event) {
        auto wo = db.find_work_order(event.work_order_id);
        if (!wo) throw std::runtime_error("work order " + event.work_order_id + " is gone");
        if (ep.name.rfind("vendor:", 0) == 0) {
            const auto registry = vendors();
            const auto* vendor = registry->find(ep.name.substr(7));
            if (!vendor) throw std::runtime_error(ep.name + " is no longer configured");
            return delivery::RenderedEvent{event_id(event.id), "application/json",
                                           render_vendor_dispatch(event, *wo, vendor->spec).dump()};
        }
        std::optional<store::OutcomeRow> outcome;
        if (event.outcome_id) outcome = db.find_outcome(*event.outcome_id);
        return delivery::render_crm_event(profile, events, *catalog_, event, *wo,
                                          outcome ? &*outcome : nullptr);
    };
    for (const auto& e : endpoints) spdlog::info("delivering {} events to {}", e.name, e.url);
    delivery_worker_ = std::make_unique<delivery::DeliveryWorker>(
        options, std::move(endpoints), renderer, *writer_, *reads_, secrets_);
    delivery_.store(delivery_worker_.get(), std::memory_order_release);
}

void Gateway::start() {
    if (delivery_worker_) delivery_worker_->start();
    if (watchdog_) watchdog_->start();
    if (trucks_) trucks_->start();
    if (poller_) poller_->start();
    if (config_.vendor_reload_watch) {
        folder_watch_ = std::make_unique<FolderWatch>(
            config_.vendor_schemas_dir,
            std::chrono::milliseconds(config_.vendor_reload_debounce_ms),
            [this] { reload_vendors("file watch"); });
    }
    server_->start();
    spdlog::info("listening on {}:{} (store {}, synchronous={})", config_.listen_address,
                 server_->port(), config_.store_path, config_.synchronous);
    if (!config_.port_file.empty()) {
        const std::string tmp = config_.port_file + ".tmp";
        {
            std::ofstream out(tmp);
            out << server_->port() << "\n";
        }
        std::rename(tmp.c_str(), config_.port_file.c_str());
    }
}

void Gateway::run() {
    server_->run();
}
void Gateway::stop() {
    server_->stop();
}
std::uint16_t Gateway::port() const {
    return server_->port();
}

void Gateway::reload_tls(const std::string& trigger) {
    if (tls_reloader_) tls_reloader_->reload(trigger);
}

VendorReloadOutcome Gateway::reload_vendors(const std::string& trigger) {
    return reloader_->reload(trigger);
}

std::shared_ptr<const VendorRegistry> Gateway::vendors() const {
    std::lock_guard lock(vendors_mutex_);
    return vendors_;
}

}  // namespace fieldgate
