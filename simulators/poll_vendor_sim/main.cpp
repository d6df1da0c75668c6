// fieldgate-poll-vendor-sim: serves Riverbend Recycling's Pickups API v2 for the gateway to
// poll, behind the credentials it is told to demand. See README.md.
#include <signal.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "pickups_service.h"
#include "server.h"

namespace {

std::string first_line(const std::string& file) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    if (line.empty()) throw std::runtime_error(file + " is empty");
    return line;
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

struct AuthOptions {
    std::string key_file;
    std::vector<std::string> header_files;  // NAME=FILE
    std::string basic_user;
    std::string basic_password_file;
};

void add_auth_options(CLI::App& app, AuthOptions& o) {
    app.add_option("--key-file", o.key_file, "file holding the X-Riverbend-Key value")
        ->check(CLI::ExistingFile);
    app.add_option("--require-header", o.header_files,
                   "NAME=FILE: every API request must carry header NAME with FILE's first line "
                   "(repeatable)");
    auto* user =
        app.add_option("--basic-user", o.basic_user, "require HTTP Basic with this user name");
    auto* password = app.add_option("--basic-password-file", o.basic_password_file,
                                    "file holding the Basic password")
                         ->check(CLI::ExistingFile);
    user->needs(password);
    password->needs(user);
}

fieldgate::poll_sim::SimAuth read_auth(const AuthOptions& o) {
    fieldgate::poll_sim::SimAuth auth;
    if (!o.key_file.empty()) auth.api_key = first_line(o.key_file);
    for (const auto& spec : o.header_files) {
        const auto eq = spec.find('=');
        if (eq == std::string::npos || eq == 0) throw std::runtime_error(spec + ": give NAME=FILE");
        auth.headers.emplace_back(lower(spec.substr(0, eq)), first_line(spec.substr(eq + 1)));
    }
    if (!o.basic_user.empty()) {
        auth.basic_user = o.basic_user;
        auth.basic_password = first_line(o.basic_password_file);
    }
    return auth;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "fieldgate-poll-vendor-sim: Riverbend Recycling's Pickups API v2 (or Lakeside Haulers' "
        "Jobs API v1)"};
    std::string address = "127.0.0.1";
    int port = 8091;
    std::string port_file;
    std::string tls_cert;
    std::string tls_key;
    app.add_option("--address", address, "address to bind");
    app.add_option("--port", port, "port; 0 = any free port")->check(CLI::Range(0, 65535));
    app.add_option("--port-file", port_file, "write the bound port here");
    AuthOptions auth_options;
    add_auth_options(app, auth_options);
    int min_interval_ms = 0;
    app.add_option("--min-interval-ms", min_interval_ms,
                   "answer 429 with Retry-After to an API request sooner than this after the "
                   "previous one; 0 = no limit")
        ->check(CLI::Range(0, 86400000));
    std::string dialect_name = "riverbend";
    app.add_option("--api", dialect_name,
                   "whose list API to serve: riverbend (Pickups API v2) or lakeside (Lakeside "
                   "Haulers' Jobs API v1, docs/vendors/lakeside-haulers.md)")
        ->check(CLI::IsMember({"riverbend", "lakeside"}));
    auto* cert = app.add_option("--tls-cert", tls_cert,
                                "PEM certificate (then its chain): serve HTTPS, control routes too")
                     ->check(CLI::ExistingFile);
    auto* tls_key_option = app.add_option("--tls-key", tls_key, "PEM private key of --tls-cert")
                               ->check(CLI::ExistingFile);
    cert->needs(tls_key_option);
    tls_key_option->needs(cert);
    CLI11_PARSE(app, argc, argv);

    fieldgate::poll_sim::SimAuth auth;
    try {
        auth = read_auth(auth_options);
    } catch (const std::exception& e) {
        std::cerr << "fieldgate-poll-vendor-sim: " << e.what() << "\n";
        return 2;
    }
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    fieldgate::poll_sim::PickupsService service(std::move(auth),
                                                std::chrono::milliseconds(min_interval_ms),
                                                *fieldgate::poll_sim::api_dialect(dialect_name));
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
