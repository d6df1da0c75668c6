// The real fieldgate-poll-vendor-sim (Riverbend's Pickups API) on a free loopback port, over
// HTTPS when given a certificate (its control routes too).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "http_client.h"
#include "support/temp_dir.h"

extern char** environ;

namespace fieldgate::test {

struct PollVendorSimTls {
    std::string cert_file;
    std::string key_file;
    std::string ca_file;  // what the helper's own client trusts
};

// What the simulator demands and how it answers; see its README.
struct PollVendorSimOptions {
    std::string key;  // X-Riverbend-Key; empty: not asked for
    std::vector<std::pair<std::string, std::string>> headers;  // required header name, value
    std::string basic_user;  // non-empty: HTTP Basic with basic_password required
    std::string basic_password;
    int min_interval_ms = 0;  // a sooner API request is answered 429
    std::optional<PollVendorSimTls> tls;
    std::string api = "riverbend";  // or "lakeside": Lakeside Haulers' Jobs API (--api)
};

class PollVendorSimProcess {
  public:
    explicit PollVendorSimProcess(const std::string& key,
                                  std::optional<PollVendorSimTls> tls = std::nullopt)
        : PollVendorSimProcess(PollVendorSimOptions{key, {}, "", "", 0, std::move(tls)}) {}
    explicit PollVendorSimProcess(PollVendorSimOptions options) : tls_(std::move(options.tls)) {
        const std::string binary = std::string(FIELDGATE_BINARY_DIR) +
                                   "/simulators/poll_vendor_sim/fieldgate-poll-vendor-sim";
        std::vector<std::string> args = {binary, "--port", "0", "--port-file", dir_.file("port")};
        auto add = [&](std::initializer_list<std::string> more) {
            args.insert(args.end(), more.begin(), more.end());
        };
        if (!options.key.empty()) add({"--key-file", dir_.write("key", options.key + "\n")});
        for (std::size_t i = 0; i < options.headers.size(); ++i) {
            const auto& [name, value] = options.headers[i];
            add({"--require-header",
                 name + "=" + dir_.write("header-" + std::to_string(i), value + "\n")});
        }
        if (!options.basic_user.empty())
            add({"--basic-user", options.basic_user, "--basic-password-file",
                 dir_.write("basic-password", options.basic_password + "\n")});
        if (options.min_interval_ms > 0)
            add({"--min-interval-ms", std::to_string(options.min_interval_ms)});
        if (tls_) add({"--tls-cert", tls_->cert_file, "--tls-key", tls_->key_file});
        if (options.api != "riverbend") add({"--api", options.api});
        spawn(binary, args);
    }
    ~PollVendorSimProcess() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        int status = 0;
        waitpid(pid_, &status, 0);
    }
    PollVendorSimProcess(const PollVendorSimProcess&) = delete;
    PollVendorSimProcess& operator=(const PollVendorSimProcess&) = delete;

    std::uint16_t port() const { return port_; }
    std::string origin() const {
        return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
    }
    std::string url() const { return origin() + "/api/v2/pickups"; }

    // Tells the vendor it served these orders: one pickup result each.
    nlohmann::json add_results(const std::vector<std::string>& cases,
                               const std::string& result = "done", int backdate_s = 0) const {
        auto c = client();
        const nlohmann::json body = {
            {"crm_case_ids", cases}, {"result", result}, {"backdate_s", backdate_s}};
        const auto r = c.post("/control/orders", body.dump());
        if (r.status != 200) throw std::runtime_error("control/orders: " + r.body);
        return nlohmann::json::parse(r.body);
    }
    // The next `count` API requests fail with `status` (and this Retry-After when given).
    void fail_next(int count, int status = 503, const std::string& retry_after = {}) const {
        auto c = client();
        nlohmann::json body = {{"count", count}, {"status", status}};
        if (!retry_after.empty()) body["retry_after"] = retry_after;
        c.post("/control/fail", body.dump());
    }
    nlohmann::json stats() const {
        auto c = client();
        return nlohmann::json::parse(c.get("/control/stats").body);
    }

    // Trusts tls.ca_file over HTTPS; never goes through a proxy.
    sim::HttpClient client() const {
        if (!tls_) return sim::HttpClient("127.0.0.1", port_);
        http::ClientOptions o;
        o.origin = origin();
        o.tls.ca_file = tls_->ca_file;
        o.proxy = "";
        return sim::HttpClient(std::move(o));
    }

  private:
    void spawn(const std::string& binary, std::vector<std::string>& args) {
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        const auto log = dir_.file("sim.log");
        posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                         0644);
        if (posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ) != 0)
            throw std::runtime_error("cannot start " + binary);
        posix_spawn_file_actions_destroy(&actions);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (std::chrono::steady_clock::now() < deadline) {
            std::ifstream in(dir_.file("port"));
            int port = 0;
            if (in >> port && port > 0) {
                port_ = static_cast<std::uint16_t>(port);
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        throw std::runtime_error("fieldgate-poll-vendor-sim did not start");
    }

    std::optional<PollVendorSimTls> tls_;
    TempDir dir_;
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
};

}  // namespace fieldgate::test
