#include "app.h"

#include <fstream>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "order_changes.h"
#include "router.h"
#include "server.h"
#include "work_orders.h"

namespace fieldgate {

Gateway::Gateway(GatewayConfig config)
    : config_(std::move(config)),
      catalog_(std::make_shared<const Catalog>(
          Catalog::load(config_.catalog_path, config_.catalog_schema_path))),
      secrets_(config_.secrets_dir, config_.secrets_env_prefix) {
    const VendorLoader loader(LoaderOptions{catalog_, config_.mapping_schema_path, nullptr});
    auto loaded = loader.load_all(config_.vendor_schemas_dir);
    if (!loaded.ok()) {
        std::string all;
        for (const auto& e : loaded.errors) all += "\n  " + e.to_string();
        throw std::runtime_error("vendor folders in " + config_.vendor_schemas_dir +
                                 " are invalid:" + all);
    }
    vendors_ = std::move(loaded.registry);
    for (const auto& id : vendors_->ids()) {
        const auto* v = vendors_->find(id);
        spdlog::info("vendor {} ({}) mapping {} status {}", id, v->spec.format,
                     v->spec.mapping_version, v->spec.status);
    }
    spdlog::info("catalog {} with {} reasons", catalog_->version(), catalog_->reasons().size());

    store::WriterOptions writer_options;
    writer_options.path = config_.store_path;
    writer_options.synchronous = config_.synchronous;
    writer_options.checkpoint_every = std::chrono::milliseconds(config_.checkpoint_interval_ms);
    writer_ = std::make_unique<store::Writer>(writer_options);
    reads_ = std::make_unique<store::ReadPool>(config_.store_path);
    work_orders_ = std::make_unique<WorkOrderService>(config_, *catalog_, *writer_, *reads_,
                                                      [this] { return vendors(); });
    order_changes_ = std::make_unique<OrderChangeService>(config_, *writer_, *work_orders_,
                                                          [this] { return vendors(); });
    GatewayParts parts;
    parts.config = &config_;
    parts.catalog = catalog_.get();
    parts.writer = writer_.get();
    parts.work_orders = work_orders_.get();
    parts.order_changes = order_changes_.get();
    parts.reads = reads_.get();
    parts.secrets = &secrets_;
    parts.vendors = [this] { return vendors(); };
    router_ = std::make_unique<Router>(std::move(parts));

    http::ServerOptions options;
    options.address = config_.listen_address;
    options.port = config_.listen_port;
    options.threads = config_.http_threads;
    options.read_timeout = std::chrono::seconds(config_.read_timeout_s);
    options.idle_timeout = std::chrono::seconds(config_.idle_timeout_s);
    server_ = std::make_unique<http::Server>(options, *router_);
}

Gateway::~Gateway() {
    // The server goes first so no handler submits to a writer that is gone; the writer then
    // drains what was queued.
    server_.reset();
    router_.reset();
    order_changes_.reset();
    work_orders_.reset();
    writer_.reset();
}

void Gateway::start() {
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

std::shared_ptr<const VendorRegistry> Gateway::vendors() const {
    std::lock_guard lock(vendors_mutex_);
    return vendors_;
}

}  // namespace fieldgate
