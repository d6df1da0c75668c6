// Raw bytes on a socket to the real gateway, in this process so a sanitizer sees every thread:
// Beast's parser and our session (limits, timeouts, keep-alive, pipelining), the router, CRM and
// vendor authentication, the vendor adapters and the store writer. The seeds are well-formed
// requests for every route with valid credentials, so mutations reach past authentication.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <thread>

#include <spdlog/spdlog.h>

#include "app.h"
#include "config.h"
#include "fuzz_support.h"

namespace {

fieldgate::Gateway* gateway = nullptr;
std::uint16_t port = 0;

void write_file(const std::filesystem::path& p, const std::string& text) {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

// Sends the input, closes our side, reads the answer until the gateway closes or 2 s pass.
void exchange(const std::uint8_t* data, std::size_t size) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval timeout{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        // The gateway stopped accepting: that is a finding, not noise.
        std::abort();
    }
    std::size_t sent = 0;
    while (sent < size) {
        const auto n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
        if (n <= 0) break;  // the gateway may answer and close before reading everything
        sent += static_cast<std::size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
    char buffer[16384];
    while (::recv(fd, buffer, sizeof buffer, 0) > 0) {
    }
    ::close(fd);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    using namespace fieldgate;
    std::signal(SIGPIPE, SIG_IGN);
    const auto dir = fuzz::scratch_dir("http");
    // The credentials the committed seeds (seeds/http/*) use.
    write_file(dir / "secrets/crm/api-token", "fuzz-crm-token");
    write_file(dir / "secrets/bay-hauling/api-key", "fuzz-bay-key");
    write_file(dir / "secrets/bay-hauling/hmac-secret", "fuzz-bay-hmac");
    write_file(dir / "secrets/valley-disposal/password", "secret");
    write_file(dir / "secrets/curbside-coop/api-key", "fuzz-curb-key");
    write_file(dir / "secrets/admin/api-token", "fuzz-admin-token");
    const auto root = fuzz::source_root().string();
    write_file(dir / "gateway.json", R"({
  "listen": {"address": "127.0.0.1", "port": 0, "read_timeout_s": 2, "idle_timeout_s": 2},
  "store": {"path": "fuzz.db", "synchronous": "OFF"},
  "vendor_schemas": ")" + root + R"(/vendor_schemas",
  "secrets": {"dir": "secrets"},
  "assignment": {"rules": [{"service_type": "*", "vendor": "bay-hauling"}]},
  "log": {"level": "off"}
})");
    auto config = load_config((dir / "gateway.json").string());
    spdlog::set_level(spdlog::level::off);
    gateway = new Gateway(std::move(config));  // lives as long as the process
    gateway->start();
    port = gateway->port();
    std::thread([] { gateway->run(); }).detach();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    exchange(data, size);
    return 0;
}
