// The real fieldgate-crm-sim binary on free loopback ports (events + control), with its own
// temporary secret file and --events-out file, for component tests.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "http_client.h"
#include "support/temp_dir.h"
#include "support/webhook_signer.h"

extern char** environ;

namespace fieldgate::test {

class CrmSimProcess {
  public:
    // `keys` are raw HMAC keys; the secret file gets them as whsec_<base64>.
    explicit CrmSimProcess(std::vector<std::string> extra_args = {},
                           std::vector<std::string> keys = {"crm-sim-test-key"})
        : keys_(std::move(keys)) {
        std::string secrets = "# test secrets\n";
        for (const auto& k : keys_) secrets += whsec(k) + "\n";
        dir_.write("secrets", secrets);
        start(std::move(extra_args));
    }
    ~CrmSimProcess() { stop(); }
    CrmSimProcess(const CrmSimProcess&) = delete;
    CrmSimProcess& operator=(const CrmSimProcess&) = delete;

    // SIGTERM and wait; returns the exit status.
    int stop() {
        if (pid_ <= 0) return 0;
        ::kill(pid_, SIGTERM);
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return status;
    }

    bool running() const { return pid_ > 0 && ::kill(pid_, 0) == 0; }
    std::uint16_t port() const { return port_; }
    std::uint16_t control_port() const { return control_port_; }
    sim::HttpClient events_client() const { return sim::HttpClient("127.0.0.1", port_); }
    sim::HttpClient control_client() const { return sim::HttpClient("127.0.0.1", control_port_); }
    const std::string& key() const { return keys_.front(); }

    std::string stdout_text() const { return read(dir_.file("stdout")); }
    std::string stderr_text() const { return read(dir_.file("stderr")); }
    std::string events_out_text() const { return read(dir_.file("events.jsonl")); }

  private:
    void start(std::vector<std::string> extra_args) {
        const std::string binary =
            std::string(FIELDGATE_BINARY_DIR) + "/simulators/crm_sim/fieldgate-crm-sim";
        std::vector<std::string> args = {binary,
                                         "--port",
                                         "0",
                                         "--port-file",
                                         dir_.file("port"),
                                         "--control-port",
                                         "0",
                                         "--control-port-file",
                                         dir_.file("control-port"),
                                         "--secret-file",
                                         dir_.file("secrets"),
                                         "--events-out",
                                         dir_.file("events.jsonl")};
        for (auto& a : extra_args) args.push_back(std::move(a));
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        const std::string out = dir_.file("stdout");
        const std::string err = dir_.file("stderr");
        posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0644);
        posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0644);
        const int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) {
            pid_ = -1;
            throw std::runtime_error("cannot start " + binary);
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (std::chrono::steady_clock::now() < deadline) {
            // The control port file is written first, so once the events port is there both are.
            port_ = read_port(dir_.file("port"));
            if (port_) {
                control_port_ = read_port(dir_.file("control-port"));
                if (control_port_) return;
            }
            int status = 0;
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                throw std::runtime_error("fieldgate-crm-sim exited at start:\n" + stderr_text());
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        throw std::runtime_error("fieldgate-crm-sim did not start listening:\n" + stderr_text());
    }

    static std::uint16_t read_port(const std::string& path) {
        std::ifstream in(path);
        int port = 0;
        return in >> port && port > 0 && port < 65536 ? static_cast<std::uint16_t>(port) : 0;
    }

    static std::string read(const std::string& path) {
        std::ifstream in(path);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

    std::vector<std::string> keys_;
    TempDir dir_;
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
    std::uint16_t control_port_ = 0;
};

}  // namespace fieldgate::test
