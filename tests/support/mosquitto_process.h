// A real Mosquitto broker for tests: `mosquitto -c <generated conf>` on a free loopback port,
// persistence in its own temporary directory, restartable on the same port (queued QoS 1
// messages of persistent sessions survive a restart). Optionally with per-user passwords
// (made with mosquitto_passwd) and an ACL file.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/listen_port.h"
#include "support/temp_dir.h"

extern char** environ;

namespace fieldgate::test {

struct BrokerSecurity {
    std::map<std::string, std::string> users;  // user -> password
    std::string acl;                           // the acl_file's text
};

class MosquittoProcess {
  public:
    explicit MosquittoProcess(std::optional<BrokerSecurity> security = std::nullopt)
        : port_(listen_port()) {
        std::string conf = "listener " + std::to_string(port_) + " 127.0.0.1\n" +
                           "persistence true\n"
                           "persistence_location " +
                           dir_.path().string() +
                           "/\n"
                           "autosave_interval 1\n"
                           "max_queued_messages 0\n"
                           "max_inflight_messages 20\n"
                           "log_dest file " +
                           dir_.file("mosquitto.log") +
                           "\n"
                           "log_type error\nlog_type warning\nlog_type notice\n"
                           // Run as root, Mosquitto would switch to the `mosquitto` user, which
                           // cannot read the test's private temporary directory.
                           "user root\n";
        if (security) {
            const auto passwd = dir_.write("passwd", "");
            for (const auto& [user, password] : security->users) {
                const std::string cmd = "mosquitto_passwd -b '" + passwd + "' '" + user + "' '" +
                                        password + "' > /dev/null 2>&1";
                if (std::system(cmd.c_str()) != 0)
                    throw std::runtime_error("mosquitto_passwd failed for " + user);
            }
            conf += "allow_anonymous false\npassword_file " + passwd + "\nacl_file " +
                    dir_.write("acl", security->acl) + "\n";
        } else {
            conf += "allow_anonymous true\n";
        }
        conf_ = dir_.write("mosquitto.conf", conf);
        start();
    }
    ~MosquittoProcess() { stop(); }
    MosquittoProcess(const MosquittoProcess&) = delete;
    MosquittoProcess& operator=(const MosquittoProcess&) = delete;

    void start() {
        std::vector<std::string> args = {"mosquitto", "-c", conf_};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        const std::string out = dir_.file("stdout");
        posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                         0644);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        const int rc = posix_spawnp(&pid_, "mosquitto", &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) {
            pid_ = -1;
            throw std::runtime_error("cannot start mosquitto (is it installed?)");
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (std::chrono::steady_clock::now() < deadline) {
            if (accepts()) return;
            int status = 0;
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                throw std::runtime_error("mosquitto exited at start:\n" + log_text());
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        throw std::runtime_error("mosquitto did not start listening:\n" + log_text());
    }

    // SIGTERM: Mosquitto saves its persistence file (sessions, queued messages) and exits.
    void stop() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
    }
    void restart() {
        stop();
        start();
    }

    std::uint16_t port() const { return port_; }
    std::string uri() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
    std::string log_text() const {
        std::ifstream in(dir_.file("mosquitto.log"));
        std::stringstream s;
        s << in.rdbuf();
        std::ifstream out(dir_.file("stdout"));
        s << out.rdbuf();
        return s.str();
    }

  private:
    bool accepts() const {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(port_);
        const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        ::close(fd);
        return ok;
    }

    TempDir dir_;
    std::uint16_t port_;
    std::string conf_;
    pid_t pid_ = -1;
};

}  // namespace fieldgate::test
