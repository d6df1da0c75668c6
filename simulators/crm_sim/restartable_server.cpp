#include "restartable_server.h"

namespace fieldgate::crm_sim {

RestartableServer::RestartableServer(http::ServerOptions options, http::Service& service)
    : options_(std::move(options)), service_(service) {}

RestartableServer::~RestartableServer() {
    stop();
}

void RestartableServer::start() {
    std::lock_guard lock(mutex_);
    if (server_) return;
    auto server = std::make_unique<http::Server>(options_, service_);
    server->start();
    options_.port = server->port();
    server_ = std::move(server);
    thread_ = std::thread([s = server_.get()] { s->run(); });
}

void RestartableServer::stop() {
    std::lock_guard lock(mutex_);
    if (!server_) return;
    server_->stop();
    thread_.join();
    server_.reset();
}

bool RestartableServer::is_up() const {
    std::lock_guard lock(mutex_);
    return server_ != nullptr;
}

std::uint16_t RestartableServer::port() const {
    std::lock_guard lock(mutex_);
    return options_.port;
}

}  // namespace fieldgate::crm_sim
