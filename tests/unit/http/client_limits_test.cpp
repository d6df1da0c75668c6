// Admission from the head and the per-client limits, on the real Server over loopback: a
// request refused from its head is answered without its body being read; one client's
// connections and requests in flight are capped without touching another's; a trusted proxy's
// clients are told apart by X-Forwarded-For, anyone else's header is ignored.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "client_address.h"
#include "http_client.h"
#include "http_test_support.h"
#include "log_throttle.h"
#include "support/raw_exchange.h"

namespace fieldgate::http {
namespace {

using namespace std::chrono_literals;
using sim::HttpClient;
using testing::RunningServer;
using testing::test_options;
using testing::TestService;

TEST(client_address, only_a_trusted_proxy_may_name_the_client) {
    const std::vector<std::string> proxies = {"10.0.0.1", "10.0.0.2"};
    EXPECT_EQ(client_address("10.9.9.9", "1.2.3.4", proxies), "10.9.9.9");
    EXPECT_EQ(client_address("10.0.0.1", std::nullopt, proxies), "10.0.0.1");
    EXPECT_EQ(client_address("10.0.0.1", "1.2.3.4", proxies), "1.2.3.4");
    // The rightmost hop that is not a proxy: what the client wrote on the left does not count.
    EXPECT_EQ(client_address("10.0.0.1", "6.6.6.6, 1.2.3.4, 10.0.0.2", proxies), "1.2.3.4");
    EXPECT_EQ(client_address("10.0.0.1", "not an address", proxies), "10.0.0.1");
}

TEST(log_throttle, lets_a_few_lines_through_per_period_and_counts_the_rest) {
    LogThrottle throttle(1000ms, 2);
    const auto t0 = LogThrottle::Clock::now();
    EXPECT_EQ(throttle.admit(t0), 0u);
    EXPECT_EQ(throttle.admit(t0), 0u);
    EXPECT_FALSE(throttle.admit(t0));
    EXPECT_FALSE(throttle.admit(t0 + 500ms));
    EXPECT_EQ(throttle.admit(t0 + 1001ms), 2u);  // the next line says two were held back
}

TEST(http_admission, a_refusal_from_the_head_never_reads_the_body) {
    TestService service;
    RunningServer server(service);
    // The head announces 1 MB that is never sent: the answer must come anyway.
    auto raw = test::raw_exchange_detailed(
        "127.0.0.1", server.port(),
        "POST /guarded HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n\r\n", 20s);
    EXPECT_EQ(raw.data.rfind("HTTP/1.1 401", 0), 0u) << raw.data;
    EXPECT_EQ(service.handled.load(), 0);
    EXPECT_EQ(service.refused_at_head.load(), 1);
    HttpClient c("127.0.0.1", server.port());
    EXPECT_EQ(c.post("/guarded", "x", "text/plain", {{"X-Key", "open"}}).status, 200);
}

TEST(http_client_limits, requests_in_flight_are_capped_per_client_behind_a_trusted_proxy) {
    TestService service;
    auto options = test_options();
    options.trusted_proxies = {"127.0.0.1"};
    options.max_requests_in_flight_per_client = 1;
    RunningServer server(service, options);
    HttpClient held("127.0.0.1", server.port());
    std::thread late([&] { held.get("/late", {{"X-Forwarded-For", "192.0.2.1"}}, 20s); });
    ASSERT_TRUE(testing::eventually([&] { return service.has_late(); }));

    HttpClient same("127.0.0.1", server.port());
    const auto refused = same.get("/echo", {{"X-Forwarded-For", "192.0.2.1"}});
    EXPECT_EQ(refused.status, 429);
    EXPECT_NE(refused.body.find("too-many-requests-in-flight"), std::string::npos);
    const auto other = same.get("/echo", {{"X-Forwarded-For", "192.0.2.2"}});
    EXPECT_EQ(other.status, 200);
    EXPECT_EQ(other.header("x-client").value_or(""), "192.0.2.2");

    service.answer_late();
    late.join();
    EXPECT_EQ(same.get("/echo", {{"X-Forwarded-For", "192.0.2.1"}}).status, 200);
}

TEST(http_client_limits, an_untrusted_peer_cannot_choose_its_client_address) {
    TestService service;
    RunningServer server(service);
    HttpClient c("127.0.0.1", server.port());
    const auto r = c.get("/echo", {{"X-Forwarded-For", "192.0.2.9"}});
    EXPECT_EQ(r.header("x-client").value_or(""), "127.0.0.1");
}

TEST(http_client_limits, one_clients_connections_are_capped_and_others_still_connect) {
    TestService service;
    auto options = test_options();
    options.max_connections_per_client = 2;
    RunningServer server(service, options);
    HttpClient a("127.0.0.1", server.port());
    HttpClient b("127.0.0.1", server.port());
    EXPECT_EQ(a.get("/echo").status, 200);
    EXPECT_EQ(b.get("/echo").status, 200);
    auto third = test::raw_exchange_detailed("127.0.0.1", server.port(),
                                             "GET /echo HTTP/1.1\r\nHost: t\r\n\r\n", 20s);
    EXPECT_EQ(third.data.rfind("HTTP/1.1 429", 0), 0u) << third.data;
    EXPECT_NE(third.data.find("too-many-connections-from-client"), std::string::npos);
    a.close();
    EXPECT_TRUE(testing::eventually([&] {
        try {
            return HttpClient("127.0.0.1", server.port()).get("/echo", {}, 5s).status == 200;
        } catch (const std::exception&) {
            return false;
        }
    }));
}

}  // namespace
}  // namespace fieldgate::http
