// fieldgate-crm-sim: see options.cpp for the command line, README.md for the modes.
#include <signal.h>

#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>

#include "control_plane.h"
#include "crm_service.h"
#include "delayed_responder.h"
#include "events_log.h"
#include "fault_timeline.h"
#include "live_tally.h"
#include "options.h"
#include "port_file.h"
#include "receiver.h"
#include "restartable_server.h"
#include "secret_file.h"
#include "server.h"
#include "token_issuer.h"

namespace cs = fieldgate::crm_sim;

namespace {

// Waits for SIGINT/SIGTERM, or until `duration_s` passed when it is not 0.
void wait_for_end(const sigset_t& signals, double duration_s) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(duration_s));
    for (;;) {
        auto wait = std::chrono::nanoseconds(std::chrono::seconds(1));
        if (duration_s > 0) {
            const auto left = deadline - Clock::now();
            if (left <= Clock::duration::zero()) return;
            wait = std::min(wait, std::chrono::duration_cast<std::chrono::nanoseconds>(left));
        }
        timespec ts{};
        ts.tv_sec = static_cast<time_t>(wait.count() / 1000000000);
        ts.tv_nsec = static_cast<long>(wait.count() % 1000000000);
        const int sig = sigtimedwait(&signals, nullptr, &ts);
        if (sig == SIGINT || sig == SIGTERM) return;
    }
}

// The client secret: the one line of its file. Never printed.
std::string read_client_secret(const std::string& path) {
    const auto lines = cs::read_secret_file(path);
    if (lines.size() != 1)
        throw std::runtime_error("the OAuth client secret file " + path + " must hold one line");
    return lines.front();
}

void make_issuer(const cs::Options& options, std::optional<cs::TokenIssuer>& issuer) {
    if (options.oauth_client_id.empty()) return;
    cs::OAuthConfig config;
    config.client_id = options.oauth_client_id;
    config.client_secret = read_client_secret(options.oauth_client_secret_file);
    config.token_ttl = std::chrono::seconds(options.oauth_token_ttl_s);
    config.scope = options.oauth_scope;
    issuer.emplace(std::move(config));
}

// Everything the receiver needs before the listeners open; throws on an unreadable file.
void make_receiver(const cs::Options& options, std::optional<cs::Receiver>& receiver,
                   std::optional<cs::TokenIssuer>& issuer,
                   std::unique_ptr<cs::EventsLog>& events_log) {
    receiver.emplace(cs::WebhookVerifier(cs::read_secret_file(options.secret_file),
                                         std::chrono::seconds(options.tolerance_s)));
    make_issuer(options, issuer);
    if (issuer) receiver->require_tokens(&*issuer);
    if (!options.events_out.empty()) {
        events_log = std::make_unique<cs::EventsLog>(options.events_out);
        receiver->on_stored([log = events_log.get()](const cs::StoredEvent& e) { log->append(e); });
        receiver->on_reset([log = events_log.get()] { log->truncate(); });
    }
}

fieldgate::http::ServerOptions events_server_options(const cs::Options& options) {
    fieldgate::http::ServerOptions server_options;
    server_options.address = options.address;
    server_options.port = options.port;
    // `down` closes every connection; an answer still owed gets this long.
    server_options.shutdown_grace = std::chrono::milliseconds(500);
    if (!options.tls_cert.empty())
        server_options.tls = fieldgate::http::ServerTls{options.tls_cert, options.tls_key, ""};
    return server_options;
}

}  // namespace

int main(int argc, char** argv) {
    cs::Options options;
    if (auto code = cs::parse_options(argc, argv, options)) return *code;
    spdlog::set_level(spdlog::level::warn);

    // Blocked before any thread starts, so every thread inherits the mask and only
    // wait_for_end() receives them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    std::optional<cs::TokenIssuer> issuer;
    std::optional<cs::Receiver> receiver;
    std::unique_ptr<cs::EventsLog> events_log;
    try {
        make_receiver(options, receiver, issuer, events_log);
    } catch (const std::exception& e) {
        std::cerr << "fieldgate-crm-sim: " << e.what() << "\n";
        return 2;
    }

    cs::FaultTimeline timeline(*receiver, options.schedule);
    cs::ControlPlane control(*receiver, timeline);
    cs::DelayedResponder delayed;
    cs::CrmService events_service(cs::ControlPlane::Port::kEvents, *receiver, control, delayed);
    cs::CrmService control_service(cs::ControlPlane::Port::kControl, *receiver, control, delayed);

    const auto server_options = events_server_options(options);
    cs::RestartableServer events_server(server_options, events_service);
    std::unique_ptr<fieldgate::http::Server> control_server;
    std::thread control_thread;
    try {
        events_server.start();
        if (options.control_port) {
            // Plain HTTP: the tests' and operators' back door, on loopback by default.
            auto control_options = server_options;
            control_options.port = *options.control_port;
            control_options.tls.reset();
            control_server =
                std::make_unique<fieldgate::http::Server>(control_options, control_service);
            control_server->start();
            control_thread = std::thread([s = control_server.get()] { s->run(); });
            if (!options.control_port_file.empty())
                cs::write_port_file(options.control_port_file, control_server->port());
        }
        if (!options.port_file.empty())
            cs::write_port_file(options.port_file, events_server.port());
    } catch (const std::exception& e) {
        std::cerr << "fieldgate-crm-sim: " << e.what() << "\n";
        if (control_server) {
            control_server->stop();
            control_thread.join();
        }
        return 2;
    }
    std::cerr << "fieldgate-crm-sim: events on " << (server_options.tls ? "https://" : "http://")
              << options.address << ":" << events_server.port();
    if (control_server) std::cerr << ", control on " << control_server->port();
    std::cerr << (issuer ? ", OAuth 2.0 on\n" : "\n");

    timeline.start(events_server);
    cs::LiveTally tally(*receiver, options.tally);
    wait_for_end(signals, options.duration_s);
    tally.stop();

    timeline.stop();
    events_server.stop();
    if (control_server) {
        control_server->stop();
        control_thread.join();
    }
    std::cout << control.report().dump(2) << std::endl;
    return 0;
}
