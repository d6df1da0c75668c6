// Debian's HAProxy in front of several gateways, as a city would run them: one HTTP frontend on a
// free loopback port, round robin over the instances, each health-checked on `/readyz` (a
// gateway that cannot reach its database answers 503 there and leaves rotation until it answers
// 200 again). A request whose connection to an instance fails before anything was sent is tried
// on another one (`retry-on conn-failure` with `option redispatch`): nothing is ever sent twice.
// A second loopback port serves HAProxy's statistics, so a test can see which instances are in
// rotation. Started in the foreground (`haproxy -db`) with a configuration the helper writes.
// Test code only.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "http_client.h"
#include "support/listen_port.h"
#include "support/temp_dir.h"
#include "support/wait.h"

extern char** environ;

namespace fieldgate::test {

struct HaproxyServer {
    std::string name;  // e.g. "gw0", as the statistics name it
    std::uint16_t port = 0;
};

struct HaproxyOptions {
    std::vector<HaproxyServer> servers;
    std::string health_path = "/readyz";
    int check_interval_ms = 300;  // one check per instance this often
    int fall = 2;                 // failed checks in a row that take an instance out
    int rise = 2;                 // passed checks in a row that put it back
    int retries = 3;              // connection attempts per request (on other instances too)
};

class HaproxyProcess {
  public:
    explicit HaproxyProcess(HaproxyOptions options) : options_(std::move(options)) {
        if (options_.servers.empty()) throw std::logic_error("HaproxyProcess: no servers");
        // HAProxy picks no port itself: take a free one, and another if it was taken meanwhile.
        for (int attempt = 0; attempt < 5; ++attempt) {
            port_ = listen_port();
            stats_port_ = listen_port();
            if (port_ == stats_port_) continue;
            write_config();
            if (start()) return;
        }
        throw std::runtime_error("haproxy did not start:\n" + log_text());
    }
    ~HaproxyProcess() { stop(); }
    HaproxyProcess(const HaproxyProcess&) = delete;
    HaproxyProcess& operator=(const HaproxyProcess&) = delete;

    std::uint16_t port() const { return port_; }
    std::uint16_t stats_port() const { return stats_port_; }
    const std::string& config_path() const { return config_; }
    sim::HttpClient client() const { return sim::HttpClient("127.0.0.1", port_); }
    std::string log_text() const {
        std::ifstream in(dir_.file("haproxy.log"));
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

    // One row of the statistics per instance: "UP", "DOWN", "UP 1/2" (going down), "DOWN 1/2"
    // (coming back), ... as HAProxy's `status` column says; plus its retry and redispatch
    // counters. Empty when the statistics do not answer.
    struct ServerStat {
        std::string status;
        std::int64_t retries = 0;        // wretr: connection attempts made again
        std::int64_t redispatches = 0;   // wredis: requests sent to another instance instead
        std::int64_t responses_5xx = 0;  // hrsp_5xx: 5xx answers the instance gave
    };
    std::map<std::string, ServerStat> server_stats() const {
        std::map<std::string, ServerStat> out;
        std::string body;
        try {
            sim::HttpClient c("127.0.0.1", stats_port_);
            const auto r = c.get("/stats;csv", {}, std::chrono::seconds(5));
            if (r.status != 200) return out;
            body = r.body;
        } catch (const std::exception&) {
            return out;
        }
        std::istringstream in(body);
        std::string line;
        std::map<std::string, std::size_t> column;
        while (std::getline(in, line)) {
            if (line.rfind("# ", 0) == 0) {
                const auto names = split(line.substr(2));
                for (std::size_t i = 0; i < names.size(); ++i) column[names[i]] = i;
                continue;
            }
            const auto fields = split(line);
            const auto at = [&](const char* name) -> std::string {
                const auto it = column.find(name);
                return it != column.end() && it->second < fields.size() ? fields[it->second] : "";
            };
            if (at("pxname") != "gateways" || at("svname") == "BACKEND") continue;
            const auto number = [&](const char* name) -> std::int64_t {
                const auto v = at(name);
                return v.empty() ? 0 : std::stoll(v);
            };
            out[at("svname")] = {at("status"), number("wretr"), number("wredis"),
                                 number("hrsp_5xx")};
        }
        return out;
    }
    // The `status` of one instance ("" when unknown).
    std::string status(const std::string& server) const {
        const auto all = server_stats();
        const auto it = all.find(server);
        return it == all.end() ? "" : it->second.status;
    }
    // Until HAProxy says `server` is exactly `status` ("UP" or "DOWN").
    bool wait_status(const std::string& server, const std::string& status,
                     std::chrono::milliseconds limit = std::chrono::seconds(30)) const {
        return wait_until([&] { return this->status(server) == status; }, limit);
    }

    void stop() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
    }

  private:
    void write_config() {
        std::string c =
            "global\n"
            "    maxconn 4096\n"
            "defaults\n"
            "    mode http\n"
            "    timeout connect 2s\n"
            "    timeout client 60s\n"
            "    timeout server 60s\n"
            "    timeout http-request 10s\n"
            "    timeout http-keep-alive 10s\n"
            "    timeout check 2s\n"
            // Only a connection that failed before the request went out is tried again, on
            // another instance: a vendor result is never posted twice by the load balancer.
            "    retries " +
            std::to_string(options_.retries) +
            "\n"
            "    retry-on conn-failure\n"
            "    option redispatch\n"
            "frontend fieldgate\n"
            "    bind 127.0.0.1:" +
            std::to_string(port_) +
            "\n"
            "    option forwardfor\n"
            "    default_backend gateways\n"
            "backend gateways\n"
            "    balance roundrobin\n"
            "    option httpchk\n"
            "    http-check send meth GET uri " +
            options_.health_path +
            "\n"
            "    http-check expect status 200\n"
            "    default-server inter " +
            std::to_string(options_.check_interval_ms) + "ms fall " +
            std::to_string(options_.fall) + " rise " + std::to_string(options_.rise) + "\n";
        for (const auto& s : options_.servers)
            c += "    server " + s.name + " 127.0.0.1:" + std::to_string(s.port) + " check\n";
        c += "frontend stats\n"
             "    bind 127.0.0.1:" +
             std::to_string(stats_port_) +
             "\n"
             "    stats enable\n"
             "    stats uri /stats\n";
        config_ = dir_.write("haproxy.cfg", c);
    }

    // Starts haproxy; true once the statistics answer, false if it exited (a port taken).
    bool start() {
        const std::string binary = find_binary();
        std::vector<std::string> args = {binary, "-db", "-f", config_};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        const std::string log = dir_.file("haproxy.log");
        posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                         0644);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        const int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) {
            pid_ = -1;
            throw std::runtime_error("cannot start " + binary + " (apt-get install haproxy)");
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return false;
            }
            if (!server_stats().empty()) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        stop();
        return false;
    }

    static std::string find_binary() {
        for (const char* p : {"/usr/sbin/haproxy", "/usr/bin/haproxy"})
            if (::access(p, X_OK) == 0) return p;
        throw std::runtime_error("no haproxy (apt-get install haproxy)");
    }
    static std::vector<std::string> split(const std::string& line) {
        std::vector<std::string> out;
        std::string field;
        std::istringstream in(line);
        while (std::getline(in, field, ',')) out.push_back(field);
        return out;
    }

    HaproxyOptions options_;
    TempDir dir_;
    std::string config_;
    std::uint16_t port_ = 0;
    std::uint16_t stats_port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace fieldgate::test
