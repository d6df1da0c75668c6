// The listener over real TLS on loopback (issue 16): versions, no plaintext fallback, client
// certificates reaching the service, and the certificate replaced under load without one failed
// request. The client side is OpenSSL directly (support/tls_test_client.h).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "http_client.h"
#include "http_test_support.h"
#include "support/temp_dir.h"
#include "support/test_certs.h"
#include "support/tls_test_client.h"

namespace fieldgate::http {
namespace {

using namespace std::chrono_literals;
using test::TestCerts;
using test::TlsClientOptions;
using test::TlsTestClient;
using testing::RunningServer;

// Answers with what the request knew about its transport.
class TlsEchoService : public Service {
  public:
    std::size_t body_limit(const Request&) const override { return 1024; }
    void handle(Request request, Respond respond) override {
        Response r;
        r.content_type = "text/plain";
        r.body = std::string("tls=") + (request.tls ? "1" : "0");
        if (const auto& c = request.client_certificate) {
            r.body += " sha256=" + c->sha256 + " subject=" + c->subject +
                      " verified=" + (c->verified ? "1" : "0");
        }
        respond(std::move(r));
    }
};

// Sends `bytes` over plain TCP and returns whatever comes back until the server closes.
std::string plain_exchange(std::uint16_t port, const std::string& bytes) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    const timeval timeout{20, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string received;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) > 0) {
        char chunk[4096];
        ssize_t n = 0;
        while ((n = ::recv(fd, chunk, sizeof chunk, 0)) > 0)
            received.append(chunk, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return received;
}

ServerOptions tls_options(const std::string& cert, const std::string& key) {
    auto o = testing::test_options();
    o.threads = 2;
    o.tls = ServerTls{cert, key, TestCerts::shared().path("ca.pem")};
    return o;
}

TlsClientOptions trusting_client() {
    TlsClientOptions o;
    o.ca_file = TestCerts::shared().path("ca.pem");
    return o;
}

class tls_server : public ::testing::Test {
  protected:
    const TestCerts& certs = TestCerts::shared();
    TlsEchoService service;
    RunningServer server{service, tls_options(certs.path("server.pem"), certs.path("server.key"))};
};

TEST_F(tls_server, answers_tls_1_2_and_1_3_clients) {
    for (const int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
        auto options = trusting_client();
        options.min_version = options.max_version = version;
        TlsTestClient client(server.port(), options);
        ASSERT_TRUE(client.connected()) << client.error();
        EXPECT_EQ(client.version(), version);
        EXPECT_EQ(client.peer_sha256(), certs.sha256("server"));
        const auto r = client.request("GET", "/hello");
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.body, "tls=1");
        EXPECT_EQ(client.request("GET", "/again").status, 200);  // keep-alive
    }
}

TEST_F(tls_server, plaintext_request_gets_no_http_answer) {
    const auto started = std::chrono::steady_clock::now();
    const auto answer = plain_exchange(server.port(), "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    EXPECT_LT(std::chrono::steady_clock::now() - started, 15s);  // closed, not timed out
    EXPECT_EQ(answer.find("HTTP/"), std::string::npos) << answer;
    EXPECT_EQ(answer.find("tls="), std::string::npos);
}

TEST_F(tls_server, tls_1_1_is_refused) {
    auto options = trusting_client();
    options.min_version = TLS1_VERSION;
    options.max_version = TLS1_1_VERSION;
    TlsTestClient client(server.port(), options);
    EXPECT_FALSE(client.connected());
}

TEST_F(tls_server, client_certificate_reaches_the_service) {
    auto bay = trusting_client();
    bay.cert_file = certs.path("client_bay.pem");
    bay.key_file = certs.path("client_bay.key");
    TlsTestClient with_bay(server.port(), bay);
    ASSERT_TRUE(with_bay.connected()) << with_bay.error();
    EXPECT_EQ(with_bay.request("GET", "/who").body,
              "tls=1 sha256=" + certs.sha256("client_bay") + " subject=CN=bay-hauling verified=1");

    auto self = trusting_client();
    self.cert_file = certs.path("client_self.pem");
    self.key_file = certs.path("client_self.key");
    TlsTestClient with_self(server.port(), self);
    ASSERT_TRUE(with_self.connected()) << with_self.error();
    EXPECT_EQ(with_self.request("GET", "/who").body,
              "tls=1 sha256=" + certs.sha256("client_self") +
                  " subject=CN=self-signed-client verified=0");

    TlsTestClient without(server.port(), trusting_client());
    EXPECT_EQ(without.request("GET", "/who").body, "tls=1");
}

TEST(tls_server_start, unreadable_key_is_refused_at_start) {
    const auto& certs = TestCerts::shared();
    TlsEchoService service;
    const auto start = [&] {
        Server server(tls_options(certs.path("server.pem"), certs.path("client_bay.key")), service);
        server.start();
    };
    EXPECT_THROW(start(), std::runtime_error);
}

void install(const std::filesystem::path& dir, const std::string& name) {
    const auto& certs = TestCerts::shared();
    // Replaced by rename, as deployment tools do, so a reload never reads half a file.
    for (const std::string ext : {".pem", ".key"}) {
        std::filesystem::copy_file(certs.path(name + ext), dir / ("next" + ext),
                                   std::filesystem::copy_options::overwrite_existing);
        std::filesystem::rename(dir / ("next" + ext), dir / ("live" + ext));
    }
}

TEST(tls_server_reload, certificate_replaced_under_load_without_a_failed_request) {
    const auto& certs = TestCerts::shared();
    test::TempDir dir;
    install(dir.path(), "server");
    TlsEchoService service;
    RunningServer server(service, tls_options(dir.file("live.pem"), dir.file("live.key")));

    std::atomic<bool> done{false};
    std::atomic<int> ok{0}, failed{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t) {
        clients.emplace_back([&, keep_alive = t % 2 == 0] {
            while (!done) {
                TlsTestClient client(server.port(), trusting_client());
                for (int i = 0; i < (keep_alive ? 50 : 1) && !done; ++i) {
                    const auto r = client.request("GET", "/load");
                    (r.status == 200 && r.body == "tls=1" ? ok : failed)++;
                }
            }
        });
    }
    for (int round = 0; round < 10; ++round) {
        std::this_thread::sleep_for(50ms);
        install(dir.path(), round % 2 == 0 ? "expiring" : "server");
        EXPECT_EQ(server.server().reload_tls(), std::nullopt);
    }
    std::this_thread::sleep_for(100ms);
    done = true;
    for (auto& c : clients) c.join();
    EXPECT_EQ(failed.load(), 0);
    EXPECT_GT(ok.load(), 100);
    std::cout << ok.load() << " requests during 10 reloads\n";

    TlsTestClient fresh(server.port(), trusting_client());
    EXPECT_EQ(fresh.peer_sha256(), certs.sha256("server"));  // the last one installed
    install(dir.path(), "expiring");
    EXPECT_EQ(server.server().reload_tls(), std::nullopt);
    TlsTestClient after(server.port(), trusting_client());
    EXPECT_EQ(after.peer_sha256(), certs.sha256("expiring"));
    EXPECT_EQ(after.request("GET", "/x").status, 200);
    const auto left = *server.server().certificate_not_after() - std::chrono::system_clock::now();
    EXPECT_GT(left, std::chrono::hours(24 * 4));
    EXPECT_LT(left, std::chrono::hours(24 * 5 + 1));
}

TEST(tls_server_reload, broken_files_keep_the_previous_certificate) {
    const auto& certs = TestCerts::shared();
    test::TempDir dir;
    install(dir.path(), "server");
    TlsEchoService service;
    RunningServer server(service, tls_options(dir.file("live.pem"), dir.file("live.key")));
    dir.write("live.pem", "not a certificate");
    const auto error = server.server().reload_tls();
    ASSERT_TRUE(error.has_value());
    EXPECT_NE(error->find("live.pem"), std::string::npos) << *error;
    TlsTestClient client(server.port(), trusting_client());
    ASSERT_TRUE(client.connected()) << client.error();
    EXPECT_EQ(client.peer_sha256(), certs.sha256("server"));
    EXPECT_EQ(client.request("GET", "/x").status, 200);
}

// The gateway's own outbound client against the TLS listener: mutual TLS and keep-alive.
TEST_F(tls_server, outbound_client_presents_its_certificate_over_one_kept_connection) {
    ClientOptions o;
    o.origin = "https://127.0.0.1:" + std::to_string(server.port());
    o.tls = {certs.path("ca.pem"), certs.path("client_bay.pem"), certs.path("client_bay.key")};
    o.proxy = "";
    HttpClient client(o);
    for (int i = 0; i < 3; ++i) {
        const auto r = client.get("/who");
        ASSERT_EQ(r.status, 200);
        EXPECT_NE(r.body.find("sha256=" + certs.sha256("client_bay.pem")), std::string::npos)
            << r.body;
        EXPECT_NE(r.body.find("verified=1"), std::string::npos) << r.body;
    }
    EXPECT_EQ(client.connections_opened(), 1u);
}

TEST_F(tls_server, outbound_client_without_the_ca_refuses_the_server) {
    ClientOptions o;
    o.origin = "https://127.0.0.1:" + std::to_string(server.port());
    o.tls.ca_file = certs.path("other_ca.pem");
    o.proxy = "";
    HttpClient client(o);
    try {
        client.get("/who");
        ADD_FAILURE() << "a server the CA did not sign was accepted";
    } catch (const TransportError& e) {
        EXPECT_EQ(e.failure(), Failure::tls_untrusted) << e.what();
    }
}

}  // namespace
}  // namespace fieldgate::http
