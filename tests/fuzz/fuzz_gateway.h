// The real gateway in the fuzzer's own process, so a sanitizer sees every thread: Beast's parser
// and our session, the router, authentication, the adapters, the sync routes and the store
// writer. The request fuzzers send raw bytes to it on a loopback socket.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <thread>

#include "app.h"
#include "config.h"
#include "fuzz_support.h"

namespace fieldgate::fuzz {

// The credentials the committed seeds (seeds/http/*, seeds/sync/*) use.
inline constexpr const char* kCrmToken = "fuzz-crm-token";
inline constexpr const char* kAdminToken = "fuzz-admin-token";

// Starts a gateway on a free loopback port with a scratch store and the seeds' secrets; it lives
// as long as the process (fuzzers end by exit or by signal). Returns its port.
inline std::uint16_t start_gateway(const std::string& name) {
    std::signal(SIGPIPE, SIG_IGN);
    const auto dir = scratch_dir(name);
    write_file(dir / "secrets/crm/api-token", kCrmToken);
    write_file(dir / "secrets/bay-hauling/api-key", "fuzz-bay-key");
    write_file(dir / "secrets/bay-hauling/hmac-secret", "fuzz-bay-hmac");
    write_file(dir / "secrets/valley-disposal/password", "secret");
    write_file(dir / "secrets/curbside-coop/api-key", "fuzz-curb-key");
    write_file(dir / "secrets/admin/api-token", kAdminToken);
    const auto root = source_root().string();
    write_file(dir / "gateway.json", R"({
  "listen": {"address": "127.0.0.1", "port": 0, "read_timeout_s": 2, "idle_timeout_s": 2},
  "store": {"path": "fuzz.db", "synchronous": "OFF"},
  "vendor_schemas": ")" + root + R"(/vendor_schemas",
  "secrets": {"dir": "secrets"},
  "assignment": {"rules": [{"service_type": "*", "vendor": "bay-hauling"}]},
  "log": {"level": "off"}
})");
    auto config = load_config((dir / "gateway.json").string());
    abort_on_logged_error();
    auto* gateway = new Gateway(std::move(config));
    gateway->start();
    std::thread([gateway] { gateway->run(); }).detach();
    return gateway->port();
}

// Sends the bytes, closes our side, reads the answer until the gateway closes or 2 s pass;
// returns what the gateway sent.
inline std::string exchange(std::uint16_t port, std::string_view input) {
    const auto* data = input.data();
    const auto size = input.size();
    std::string reply;
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return reply;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // Generous (SO_SNDTIMEO bounds connect() too): on a busy machine a niced fuzzer's gateway
    // may wait for the CPU. libFuzzer's timers (SIGALRM) interrupt blocking calls: connect()
    // then goes on in the background, and the others are simply called again.
    constexpr int kConnectSeconds = 15;
    timeval connect_timeout{kConnectSeconds, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &connect_timeout, sizeof connect_timeout);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        int error = errno;
        if (error == EINTR) {
            pollfd p{fd, POLLOUT, 0};
            int ready;
            while ((ready = ::poll(&p, 1, kConnectSeconds * 1000)) < 0 && errno == EINTR) {
            }
            socklen_t length = sizeof error;
            error = ETIMEDOUT;
            if (ready == 1) ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
        }
        if (error != 0) {
            // The gateway stopped accepting: that is a finding, not noise.
            std::fprintf(stderr, "fuzz: cannot connect to the gateway: %s\n", std::strerror(error));
            std::abort();
        }
    }
    timeval timeout{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    std::size_t sent = 0;
    while (sent < size) {
        const auto n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // the gateway may answer and close before reading everything
        sent += static_cast<std::size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
    char buffer[16384];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0 || (n < 0 && errno == EINTR);)
        if (n > 0) reply.append(buffer, static_cast<std::size_t>(n));
    ::close(fd);
    return reply;
}

// A request the gateway could not process (500 internal-error), or one whose commit failed (503
// store-unavailable: the scratch store never fails on its own, so the request's content made the
// writer job throw; a tablet or vendor retrying it would be stuck forever), is a finding. The
// reply is walked response by response (Content-Length framing): a body may quote anything an
// earlier input stored. FUZZ_PRINT_REPLIES=1 prints every reply.
inline void check_reply(std::string_view reply) {
    static const bool print = std::getenv("FUZZ_PRINT_REPLIES") != nullptr;
    if (print) std::fprintf(stderr, "%.*s\n----\n", static_cast<int>(reply.size()), reply.data());
    std::size_t at = 0;
    while (at < reply.size() && reply.compare(at, 7, "HTTP/1.") == 0 && at + 12 <= reply.size()) {
        const auto status = reply.substr(at + 9, 3);
        const auto head_end = reply.find("\r\n\r\n", at);
        if (head_end == std::string_view::npos) return;
        std::string head(reply.substr(at, head_end - at));
        for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const auto length_at = head.find("\r\ncontent-length:");
        if (length_at == std::string::npos) return;
        const auto length = std::strtoull(head.c_str() + length_at + 17, nullptr, 10);
        const auto body = reply.substr(head_end + 4, length);
        if ((status == "500" && body.find("problems/internal-error") != std::string_view::npos) ||
            (status == "503" &&
             body.find("problems/store-unavailable") != std::string_view::npos)) {
            std::fprintf(stderr, "fuzz: the gateway answered:\n%.*s\n",
                         static_cast<int>(head_end + 4 + body.size() - at), reply.data() + at);
            std::abort();
        }
        at = head_end + 4 + length;
    }
}

}  // namespace fieldgate::fuzz
