// Debian's tinyproxy as a city's egress proxy: started in the foreground on a free loopback
// port with its own configuration, logging every CONNECT it tunnels. Test code only.
#pragma once

#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/listen_port.h"
#include "support/temp_dir.h"

extern char** environ;

namespace fieldgate::test {

class TinyproxyProcess {
  public:
    TinyproxyProcess() {
        port_ = listen_port();
        const auto conf = dir_.write("tinyproxy.conf", "Port " + std::to_string(port_) +
                                                           "\nListen 127.0.0.1\nTimeout 60\n"
                                                           "LogFile \"" +
                                                           dir_.file("tinyproxy.log") +
                                                           "\"\nLogLevel Connect\n"
                                                           "MaxClients 64\nAllow 127.0.0.1\n");
        std::string binary = "/usr/bin/tinyproxy";
        std::vector<std::string> args = {binary, "-d", "-c", conf};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        if (posix_spawn(&pid_, binary.c_str(), nullptr, nullptr, argv.data(), environ) != 0)
            throw std::runtime_error("cannot start tinyproxy (apt-get install tinyproxy)");
        for (int i = 0; i < 100 && !accepting(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ~TinyproxyProcess() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
    }
    TinyproxyProcess(const TinyproxyProcess&) = delete;
    TinyproxyProcess& operator=(const TinyproxyProcess&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    // The tunnels it opened: its log's "CONNECT host:port" request lines.
    int tunnels_to(const std::string& host_port) const {
        std::ifstream in(dir_.file("tinyproxy.log"));
        std::string line;
        int n = 0;
        while (std::getline(in, line))
            if (line.find("Request") != std::string::npos &&
                line.find("CONNECT " + host_port + " ") != std::string::npos)
                ++n;
        return n;
    }

  private:
    bool accepting() const {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port_);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        ::close(fd);
        return ok;
    }

    TempDir dir_;
    std::uint16_t port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace fieldgate::test
