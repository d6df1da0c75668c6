// The Beast server end to end on loopback, connections over time and under load: read and idle
// timeouts, handlers answering from another thread or failing, many clients, the connection
// cap, and stopping with work in flight. No timing assertions: only that things happen, within
// generous limits.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "http_client.h"
#include "server_fixture.h"
#include "support/raw_exchange.h"

namespace fieldgate::http {
namespace {

using namespace std::chrono_literals;
using sim::HttpClient;
using testing::test_options;

TEST_F(http_server, incomplete_request_is_closed_after_read_timeout) {
    auto options = test_options();
    options.read_timeout = 1s;
    start(options);

    // Header never finished.
    auto raw =
        test::raw_exchange_detailed("127.0.0.1", port(), "GET /echo HTTP/1.1\r\nHost: t\r\n", 30s);
    EXPECT_TRUE(raw.closed);
    EXPECT_TRUE(raw.data.empty()) << raw.data;

    // Body never finished.
    auto body = test::raw_exchange_detailed(
        "127.0.0.1", port(), "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc",
        30s);
    EXPECT_TRUE(body.closed);

    // Connected, nothing sent.
    RawSocket silent(port());
    ASSERT_TRUE(silent.connected());
    EXPECT_TRUE(silent.wait_closed(30s));
    EXPECT_EQ(service_.handled.load(), 0);
}

TEST_F(http_server, slowloris_trickle_is_closed) {
    auto options = test_options();
    options.read_timeout = 1s;
    start(options);
    RawSocket s(port());
    ASSERT_TRUE(s.connected());
    const std::string request =
        "GET /echo HTTP/1.1\r\nHost: t\r\nX-Slow: " + std::string(200, 's') + "\r\n\r\n";
    bool closed = false;
    for (char ch : request) {
        if (!s.send_all(std::string_view(&ch, 1))) {
            closed = true;
            break;
        }
        if (s.wait_closed(100ms)) {
            closed = true;
            break;
        }
    }
    EXPECT_TRUE(closed);
    EXPECT_EQ(service_.handled.load(), 0);
}

TEST_F(http_server, idle_keep_alive_closed_by_server_is_reconnected_transparently) {
    auto options = test_options();
    options.idle_timeout = 1s;
    start(options);
    auto c = client();
    EXPECT_EQ(c.get("/echo").status, 200);
    std::this_thread::sleep_for(2500ms);  // the server closes the idle connection meanwhile
    EXPECT_EQ(c.get("/echo").status, 200);
    EXPECT_EQ(c.connections_opened(), 2u);
}

TEST_F(http_server, respond_from_another_thread) {
    auto c = client();
    for (int i = 0; i < 10; ++i) {
        auto r = c.post("/async", "payload " + std::to_string(i), "text/plain");
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.header("x-async"), "1");
        EXPECT_EQ(r.body, "payload " + std::to_string(i));
    }
    EXPECT_EQ(c.connections_opened(), 1u);
}

TEST_F(http_server, handler_exception_gives_500_and_the_connection_keeps_working) {
    auto c = client();
    auto r = c.get("/throw");
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
    EXPECT_NE(r.body.find(R"("status":500)"), std::string::npos);
    auto ok = c.get("/echo");
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(c.connections_opened(), 1u);
}

TEST_F(http_server, dropped_respond_gives_500_and_double_respond_sends_once) {
    auto c = client();
    EXPECT_EQ(c.get("/drop").status, 500);
    auto first = c.get("/twice");
    EXPECT_EQ(first.status, 200);
    EXPECT_EQ(first.body, "");
    auto next = c.post("/echo", "after", "text/plain");
    EXPECT_EQ(next.body, "after");  // the second respond did not leak into this exchange
    EXPECT_EQ(c.connections_opened(), 1u);
}

TEST_F(http_server, many_concurrent_clients_are_all_answered) {
    constexpr int kClients = 200;
    constexpr int kEach = 4;
    std::atomic<int> ok{0};
    std::atomic<int> failed{0};
    std::vector<std::thread> threads;
    threads.reserve(kClients);
    for (int i = 0; i < kClients; ++i) {
        threads.emplace_back([&, i] {
            try {
                HttpClient c("127.0.0.1", port());
                for (int k = 0; k < kEach; ++k) {
                    const std::string body = std::to_string(i) + ":" + std::to_string(k);
                    auto r = c.post(k % 2 == 0 ? "/echo" : "/async", body, "text/plain", {}, 60s);
                    if (r.status == 200 && r.body == body) {
                        ++ok;
                    } else {
                        ++failed;
                    }
                }
            } catch (const std::exception&) {
                ++failed;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), kClients * kEach);
    EXPECT_EQ(failed.load(), 0);
}

// Answers settled together from one foreign thread (the store writer's batch) reach the I/O
// thread together; each must still land on its own connection, on one I/O thread or several.
TEST_F(http_server, a_batch_answered_at_once_from_another_thread_reaches_every_connection) {
    for (const int io_threads : {1, 2}) {
        auto options = test_options();
        options.threads = io_threads;
        start(options);
        service_.batch_of = 8;
        constexpr int kClients = 32;  // four batches a round: every request of a round is held
        constexpr int kRounds = 3;
        std::vector<std::unique_ptr<HttpClient>> clients;
        for (int i = 0; i < kClients; ++i)
            clients.push_back(std::make_unique<HttpClient>("127.0.0.1", port()));
        std::atomic<int> ok{0};
        for (int round = 0; round < kRounds; ++round) {
            std::vector<std::thread> threads;
            for (int i = 0; i < kClients; ++i) {
                threads.emplace_back([&, i] {
                    const std::string body = std::to_string(i) + ":" + std::to_string(round);
                    try {
                        if (clients[i]->post("/batch", body, "text/plain", {}, 60s).body == body)
                            ++ok;
                    } catch (const std::exception& e) {
                        ADD_FAILURE() << "client " << i << ": " << e.what();
                    }
                });
            }
            for (auto& t : threads) t.join();
        }
        EXPECT_EQ(ok.load(), kClients * kRounds) << io_threads << " I/O threads";
        for (const auto& c : clients) EXPECT_EQ(c->connections_opened(), 1u);
    }
}

TEST_F(http_server, connections_beyond_the_cap_are_refused) {
    auto options = test_options();
    options.max_connections = 2;
    start(options);
    auto a = client();
    auto b = client();
    EXPECT_EQ(a.get("/echo").status, 200);
    EXPECT_EQ(b.get("/echo").status, 200);
    auto raw = test::raw_exchange_detailed("127.0.0.1", port(),
                                           "GET /echo HTTP/1.1\r\nHost: t\r\n\r\n", 20s);
    EXPECT_TRUE(raw.closed);
    EXPECT_TRUE(raw.data.empty() || raw.data.rfind("HTTP/1.1 503", 0) == 0) << raw.data;
    a.close();
    // Once a slot is free again, connections are accepted.
    EXPECT_TRUE(testing::eventually([&] {
        try {
            return client().get("/echo", {}, 5s).status == 200;
        } catch (const std::exception&) {
            return false;
        }
    }));
}

TEST_F(http_server, multiple_io_threads_serve_correctly) {
    auto options = test_options();
    options.threads = 2;
    start(options);
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int i = 0; i < 16; ++i) {
        threads.emplace_back([&] {
            HttpClient c("127.0.0.1", port());
            for (int k = 0; k < 20; ++k) {
                if (c.post(k % 2 ? "/async" : "/echo", "x", "text/plain").body == "x") ++ok;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 16 * 20);
}

TEST_F(http_server, stop_returns_with_idle_connections_open) {
    std::vector<HttpClient> clients;
    for (int i = 0; i < 10; ++i) {
        clients.push_back(client());
        EXPECT_EQ(clients.back().get("/echo").status, 200);
    }
    server_->stop();  // joins run(); a hang here fails the test by its timeout
    RawSocket s(port());
    EXPECT_FALSE(s.connected() && s.send_all("GET / HTTP/1.1\r\n\r\n") && !s.wait_closed(5s));
}

TEST_F(http_server, late_respond_after_the_server_is_gone_is_harmless) {
    auto options = test_options();
    options.shutdown_grace = 200ms;
    start(options);
    std::atomic<bool> client_failed{false};
    std::thread t([&, p = port()] {
        try {
            HttpClient c("127.0.0.1", p);
            c.get("/late", {}, 30s);
        } catch (const std::exception&) {
            client_failed = true;
        }
    });
    ASSERT_TRUE(testing::eventually([&] { return service_.has_late(); }));
    server_.reset();  // stop (grace passes: the answer is still owed), run() returns, destroyed
    t.join();
    EXPECT_TRUE(client_failed.load());
    service_.answer_late();  // must not crash or touch freed memory
}

TEST_F(http_server, respond_after_stop_but_within_grace_is_written) {
    auto c = client();
    std::atomic<int> status{0};
    std::thread t([&, p = port()] {
        try {
            HttpClient late("127.0.0.1", p);
            status = late.get("/late", {}, 30s).status;
        } catch (const std::exception&) {
            status = -1;
        }
    });
    ASSERT_TRUE(testing::eventually([&] { return service_.has_late(); }));
    std::thread stopper([&] { server_->stop(); });
    std::this_thread::sleep_for(100ms);
    service_.answer_late();
    stopper.join();
    t.join();
    EXPECT_EQ(status.load(), 200);
}

}  // namespace
}  // namespace fieldgate::http
