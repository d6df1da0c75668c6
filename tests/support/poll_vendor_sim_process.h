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

class PollVendorSimProcess {
  public:
    explicit PollVendorSimProcess(const std::string& key,
                                  std::optional<PollVendorSimTls> tls = std::nullopt)
        : tls_(std::move(tls)) {
        const auto key_file = dir_.write("key", key + "\n");
        const std::string binary = std::string(FIELDGATE_BINARY_DIR) +
                                   "/simulators/poll_vendor_sim/fieldgate-poll-vendor-sim";
        std::vector<std::string> args = {
            binary, "--port", "0", "--port-file", dir_.file("port"), "--key-file", key_file};
        if (tls_) {
            for (const auto& a : {std::string("--tls-cert"), tls_->cert_file,
                                  std::string("--tls-key"), tls_->key_file})
                args.push_back(a);
        }
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
    void fail_next(int count, int status = 503) const {
        auto c = client();
        c.post("/control/fail", nlohmann::json{{"count", count}, {"status", status}}.dump());
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
    std::optional<PollVendorSimTls> tls_;
    TempDir dir_;
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
};

}  // namespace fieldgate::test
