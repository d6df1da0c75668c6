// The benchmark load engine against the test server: counts and tags right, and a server that
// goes away (and comes back) mid-run costs errors, not a hang.
#if __has_include("load_engine.h")

#include "load_engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "http_test_support.h"

namespace fieldgate::bench {
namespace {

using namespace std::chrono_literals;
using http::testing::RunningServer;
using http::testing::test_options;
using http::testing::TestService;

RequestGenerator numbered(std::size_t limit) {
    return [limit](std::size_t i) -> std::optional<PreparedRequest> {
        if (i >= limit) return std::nullopt;
        PreparedRequest r;
        r.method = "POST";
        r.target = i % 3 == 0 ? "/async" : "/echo";
        r.headers = {{"Content-Type", "text/plain"}};
        r.body = "body-" + std::to_string(i);
        r.tag = "r" + std::to_string(i);
        return r;
    };
}

TEST(http_load_engine, counts_and_tags_every_request) {
    TestService service;
    RunningServer server(service);
    LoadOptions o;
    o.port = server.port();
    o.connections = 8;
    o.duration = 120s;  // a bound, not an expectation
    const auto result = run_load(o, numbered(500));

    EXPECT_EQ(result.summary.count, 500u);
    EXPECT_EQ(result.summary.ok, 500u);
    EXPECT_EQ(result.summary.errors, 0u);
    EXPECT_EQ(result.summary.other_status, 0u);
    EXPECT_EQ(result.summary.connects, 8u);
    EXPECT_GT(result.summary.requests_per_second, 0);
    EXPECT_LE(result.summary.p50_us, result.summary.p99_us);
    EXPECT_LE(result.summary.p99_us, result.summary.max_us);
    ASSERT_EQ(result.records.size(), 500u);
    std::set<std::string> tags;
    std::set<std::size_t> indexes;
    for (std::size_t i = 0; i < result.records.size(); ++i) {
        const auto& r = result.records[i];
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.failure, Failure::none);
        EXPECT_EQ(r.tag, "r" + std::to_string(r.index));
        tags.insert(r.tag);
        indexes.insert(r.index);
        if (i > 0) {
            EXPECT_LE(result.records[i - 1].completed, r.completed);
        }
    }
    EXPECT_EQ(tags.size(), 500u);
    EXPECT_EQ(indexes.size(), 500u);
    EXPECT_EQ(service.handled.load(), 500);
    EXPECT_FALSE(format_summary(result.summary).empty());
}

TEST(http_load_engine, non_2xx_and_connection_close_are_counted) {
    TestService service;
    RunningServer server(service);
    LoadOptions o;
    o.port = server.port();
    o.connections = 4;
    o.duration = 120s;
    const auto result = run_load(o, [](std::size_t i) -> std::optional<PreparedRequest> {
        if (i >= 100) return std::nullopt;
        PreparedRequest r;
        r.target = i % 2 ? "/throw" : "/close";
        r.tag = std::to_string(i);
        return r;
    });
    EXPECT_EQ(result.summary.count, 100u);
    EXPECT_EQ(result.summary.ok, 50u);
    EXPECT_EQ(result.summary.other_status, 50u);
    EXPECT_EQ(result.summary.errors, 0u);
    EXPECT_GE(result.summary.connects, 50u);  // every /close costs a reconnect
}

TEST(http_load_engine, paced_run_never_exceeds_its_schedule) {
    TestService service;
    RunningServer server(service);
    LoadOptions o;
    o.port = server.port();
    o.connections = 4;
    o.rate = 200;
    o.duration = 1s;
    const auto result = run_load(o, [](std::size_t i) -> std::optional<PreparedRequest> {
        PreparedRequest r;
        r.target = "/echo";
        r.tag = std::to_string(i);
        return r;
    });
    // Request i is not sent before start + i/rate, so at most rate * duration go out.
    EXPECT_GT(result.summary.count, 0u);
    EXPECT_LE(result.summary.count, 201u);
    EXPECT_EQ(result.summary.errors + result.summary.aborted + result.summary.ok,
              result.summary.count);
}

TEST(http_load_engine, survives_the_server_going_away_and_coming_back) {
    TestService service;
    auto server = std::make_unique<RunningServer>(service);
    const std::uint16_t port = server->port();
    std::atomic<std::size_t> generated{0};

    LoadOptions o;
    o.port = port;
    o.connections = 8;
    o.duration = 6s;
    o.request_timeout = 3s;
    std::atomic<bool> restarted{false};
    std::chrono::steady_clock::time_point restarted_at;  // read after join()
    std::thread chaos([&] {
        http::testing::eventually([&] { return generated.load() > 200; });
        server.reset();  // stopped: connections closed, then refused
        std::this_thread::sleep_for(1s);
        auto options = test_options();
        options.port = port;
        server = std::make_unique<RunningServer>(service, options);
        restarted_at = std::chrono::steady_clock::now();
        restarted = true;
    });
    const auto result = run_load(o, [&](std::size_t i) -> std::optional<PreparedRequest> {
        generated = i + 1;
        PreparedRequest r;
        r.method = "POST";
        r.target = "/echo";
        r.body = std::to_string(i);
        r.tag = std::to_string(i);
        return r;
    });
    chaos.join();
    ASSERT_TRUE(restarted.load());

    const auto& s = result.summary;
    EXPECT_GT(s.ok, 200u);
    EXPECT_GT(s.connect_failures, 0u);  // refused while the server was down
    EXPECT_EQ(s.count, s.ok + s.errors + s.aborted + s.other_status);
    EXPECT_EQ(s.other_status, 0u);
    // Every record is either a 2xx or a transport-level failure with status 0.
    std::set<std::size_t> indexes;
    for (const auto& r : result.records) {
        EXPECT_TRUE(r.status == 200 || (r.status == 0 && r.failure != Failure::none));
        indexes.insert(r.index);
    }
    EXPECT_EQ(indexes.size(), result.records.size());  // no index recorded twice
    // Requests were answered again after the restart.
    std::size_t ok_after_restart = 0;
    for (const auto& r : result.records) {
        if (r.status == 200 && r.completed > restarted_at) ++ok_after_restart;
    }
    EXPECT_GT(ok_after_restart, 0u);
}

TEST(http_load_engine, deadline_bounds_a_run_against_a_dead_port) {
    // Nothing listens: every connect is refused until the deadline.
    std::uint16_t port = 0;
    {
        TestService service;
        RunningServer server(service);
        port = server.port();
    }
    LoadOptions o;
    o.port = port;
    o.connections = 4;
    o.duration = 1s;
    const auto result = run_load(
        o, [](std::size_t) -> std::optional<PreparedRequest> { return PreparedRequest{}; });
    EXPECT_EQ(result.summary.count, 0u);
    EXPECT_EQ(result.summary.ok, 0u);
    EXPECT_GT(result.summary.connect_failures, 0u);
}

}  // namespace
}  // namespace fieldgate::bench

#endif  // __has_include("load_engine.h")
