// fieldgate-poll-vendor-sim: serves Riverbend Recycling's Pickups API v2 for the gateway to
// poll. See README.md.
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "pickups_service.h"
#include "server.h"

int main(int argc, char** argv) {
    CLI::App app{"fieldgate-poll-vendor-sim: Riverbend Recycling's Pickups API v2"};
    std::string address = "127.0.0.1";
    int port = 8091;
    std::string port_file;
    std::string key_file;
    std::string tls_cert;
    std::string tls_key;
    app.add_option("--address", address, "address to bind");
    app.add_option("--port", port, "port; 0 = any free port")->check(CLI::Range(0, 65535));
    app.add_option("--port-file", port_file, "write the bound port here");
    app.add_option("--key-file", key_file, "file holding the X-Riverbend-Key value")
        ->required()
        ->check(CLI::ExistingFile);
    auto* cert = app.add_option("--tls-cert", tls_cert,
                                "PEM certificate (then its chain): serve HTTPS, control routes too")
                     ->check(CLI::ExistingFile);
    auto* tls_key_option = app.add_option("--tls-key", tls_key, "PEM private key of --tls-cert")
                               ->check(CLI::ExistingFile);
    cert->needs(tls_key_option);
    tls_key_option->needs(cert);
    CLI11_PARSE(app, argc, argv);

    std::string key;
    {
        std::ifstream in(key_file);
        std::getline(in, key);
    }
    if (key.empty()) {
        std::cerr << "fieldgate-poll-vendor-sim: " << key_file << " is empty\n";
        return 2;
    }
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    fieldgate::poll_sim::PickupsService service(key);
    fieldgate::http::ServerOptions options;
    options.address = address;
    options.port = static_cast<std::uint16_t>(port);
    if (!tls_cert.empty()) options.tls = fieldgate::http::ServerTls{tls_cert, tls_key, ""};
    fieldgate::http::Server server(options, service);
    try {
        server.start();
    } catch (const std::exception& e) {
        std::cerr << "fieldgate-poll-vendor-sim: " << e.what() << "\n";
        return 2;
    }
    if (!port_file.empty()) {
        const auto tmp = port_file + ".tmp";
        std::ofstream(tmp) << server.port() << "\n";
        std::rename(tmp.c_str(), port_file.c_str());
    }
    std::cerr << "fieldgate-poll-vendor-sim: listening on "
              << (options.tls ? "https://" : "http://") << address << ":" << server.port() << "\n";
    std::thread waiter([&server, signals] {
        int received = 0;
        sigwait(&signals, &received);
        server.stop();
    });
    server.run();
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    return 0;
}
