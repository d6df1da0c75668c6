// The real fieldgate binary, started on a free loopback port with its own temporary SQLite
// file and secrets, for component and integration tests. With FIELDGATE_TEST_STORE=postgres
// (ctest runs the component tests a second time so) a gateway whose test names no store of its
// own runs on a fresh database of the test program's PostgreSQL cluster instead.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "http_client.h"
#include "support/pg_cluster.h"
#include "support/temp_dir.h"

extern char** environ;

namespace fieldgate::test {

struct Secrets {
    std::string crm = "crm-token-123";
    std::string bay = "bay-key-456";
    std::string bay_hmac = "bay-hmac-789";
    std::string valley = "valley-pass-abc";
    std::string curbside = "curb-key-def";
    std::string admin = "admin-token-xyz";
    std::string crm_webhook;                                // whsec_<base64>; written only when set
    std::vector<std::pair<std::string, std::string>> more;  // {name, value}: more secret files
};

inline bool test_store_is_postgres() {
    const char* store = std::getenv("FIELDGATE_TEST_STORE");
    return store && std::string(store) == "postgres";
}

class GatewayProcess {
  public:
    explicit GatewayProcess(nlohmann::json extra_config = nlohmann::json::object(),
                            Secrets secrets_in = {})
        : secrets(std::move(secrets_in)) {
        dir_.write("secrets/crm/api-token", secrets.crm);
        dir_.write("secrets/bay-hauling/api-key", secrets.bay);
        dir_.write("secrets/bay-hauling/hmac-secret", secrets.bay_hmac);
        dir_.write("secrets/valley-disposal/password", secrets.valley);
        dir_.write("secrets/curbside-coop/api-key", secrets.curbside);
        dir_.write("secrets/admin/api-token", secrets.admin);
        if (!secrets.crm_webhook.empty())
            dir_.write("secrets/crm/webhook-secret", secrets.crm_webhook);
        for (const auto& [name, value] : secrets.more) dir_.write("secrets/" + name, value);
        nlohmann::json config = {
            {"listen", {{"address", "127.0.0.1"}, {"port", 0}, {"port_file", "port"}}},
            {"store", {{"path", "fieldgate.db"}}},
            {"secrets", {{"dir", "secrets"}}},
            {"assignment",
             {{"rules", {{{"service_type", "bulky_item"}, {"vendor", "bay-hauling"}}}}}},
            {"log", {{"level", "warn"}}},
        };
        config.merge_patch(extra_config);
        if (test_store_is_postgres() && !config["store"].contains("url")) {
            static std::atomic<int> next{0};
            store_url_ = run_pg_cluster().create_database("gw" + std::to_string(::getpid()) + "_" +
                                                          std::to_string(next++));
            config["store"]["url"] = store_url_;
            // Where the test keeps the gateway's secrets, which may be a folder of its own.
            const std::filesystem::path secrets_dir =
                config["secrets"].value("dir", std::string("secrets"));
            const auto password_file =
                (secrets_dir.is_absolute() ? secrets_dir : dir_.path() / secrets_dir) / "store" /
                "password";
            std::filesystem::create_directories(password_file.parent_path());
            std::ofstream(password_file) << run_pg_cluster().password();
            password_file_ = password_file.string();
        } else if (config["store"].contains("url")) {
            store_url_ = config["store"]["url"].get<std::string>();
            password_file_ = dir_.file("secrets/store/password");
        }
        config_path_ = dir_.write("gateway.json", config.dump(2));
        start();
    }
    ~GatewayProcess() { stop(); }
    GatewayProcess(const GatewayProcess&) = delete;
    GatewayProcess& operator=(const GatewayProcess&) = delete;

    void start() {
        std::remove(dir_.file("port").c_str());
        const std::string binary = std::string(FIELDGATE_BINARY_DIR) + "/gateway/fieldgate";
        std::vector<std::string> args = {binary, "serve", "--config", config_path_};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        const std::string log = dir_.file("gateway.log");
        posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                         0644);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        if (posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ) != 0) {
            throw std::runtime_error("cannot start " + binary);
        }
        posix_spawn_file_actions_destroy(&actions);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (std::chrono::steady_clock::now() < deadline) {
            std::ifstream in(dir_.file("port"));
            int port = 0;
            if (in >> port && port > 0) {
                port_ = static_cast<std::uint16_t>(port);
                return;
            }
            int status = 0;
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                throw std::runtime_error("fieldgate exited at start:\n" + log_text());
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        throw std::runtime_error("fieldgate did not start listening:\n" + log_text());
    }

    // Graceful stop (SIGTERM); returns the exit status.
    int stop() {
        if (pid_ <= 0) return 0;
        ::kill(pid_, SIGTERM);
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return status;
    }

    // A crash: SIGKILL, no chance to flush or finish anything.
    void kill9() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
    }

    bool running() const { return pid_ > 0 && ::kill(pid_, 0) == 0; }
    // Sends a signal (SIGHUP reloads the vendor folders).
    void signal(int sig) const {
        if (pid_ > 0) ::kill(pid_, sig);
    }
    std::uint16_t port() const { return port_; }
    pid_t pid() const { return pid_; }
    sim::HttpClient client() const { return sim::HttpClient("127.0.0.1", port_); }
    std::string db_path() const { return dir_.file("fieldgate.db"); }
    // The file holding the store's password (PostgreSQL); empty on SQLite.
    const std::string& store_password_file() const { return password_file_; }
    // The PostgreSQL database the gateway runs on; empty on SQLite.
    const std::string& store_url() const { return store_url_; }
    std::string config_path() const { return config_path_; }
    std::string log_text() const {
        std::ifstream in(dir_.file("gateway.log"));
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    const TempDir& dir() const { return dir_; }

    sim::HeaderList crm_headers() const { return {{"Authorization", "Bearer " + secrets.crm}}; }
    sim::HeaderList admin_headers() const { return {{"Authorization", "Bearer " + secrets.admin}}; }

    // Creates a work order through the CRM API; returns its JSON (asserting 201/200 is the
    // caller's).
    sim::ClientResponse create_order(sim::HttpClient& c, const nlohmann::json& body) const {
        return c.post("/v1/work-orders", body.dump(), "application/json", crm_headers());
    }

    Secrets secrets;

  private:
    TempDir dir_;
    std::string config_path_;
    std::string store_url_;
    std::string password_file_;
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
};

inline nlohmann::json work_order_body(const std::string& case_id, const std::string& vendor,
                                      const std::string& route = "R-0412", int stop = 1,
                                      const std::string& date = "2026-02-03") {
    return {{"crm_case_id", case_id},
            {"service_type", "bulky_item"},
            {"address", "200 E Santa Clara St, San Jose, CA"},
            {"location", {{"lat", 37.33452}, {"lon", -121.88861}}},
            {"scheduled_date", date},
            {"window", {{"start", "07:00"}, {"end", "17:00"}}},
            {"items", {"sofa", "mattress"}},
            {"instructions", "at the curb"},
            {"customer",
             {{"name", "Ana Resident"}, {"phone", "408-555-0100"}, {"email", "ana@example.org"}}},
            {"vendor", vendor},
            {"route", {{"id", route}, {"date", date}, {"stop_seq", stop}}}};
}

}  // namespace fieldgate::test
