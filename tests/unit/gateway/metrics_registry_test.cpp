// The metrics registry over prometheus-cpp: one metric per name and labels from any thread,
// exact counts under concurrent updates, scrape-time collectors, and text format 0.0.4.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "metrics_registry.h"

namespace fieldgate::metrics {
namespace {

bool has_line(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

TEST(MetricsRegistry, RendersPrometheusTextWithHelpTypeAndLabels) {
    Registry r;
    r.counter("t_requests_total", "requests", {{"route", "/a"}, {"status", "200"}}).Increment(3);
    r.gauge("t_depth", "queue depth").Set(2.5);
    auto& h = r.histogram("t_seconds", "latency", {0.1, 1}, {{"op", "x"}});
    for (double v : {0.05, 0.1, 0.5, 7.0}) h.Observe(v);
    const auto text = r.render();
    EXPECT_TRUE(has_line(text, "# HELP t_requests_total requests")) << text;
    EXPECT_TRUE(has_line(text, "# TYPE t_requests_total counter")) << text;
    EXPECT_TRUE(has_line(text, "t_requests_total{route=\"/a\",status=\"200\"} 3")) << text;
    EXPECT_TRUE(has_line(text, "# TYPE t_depth gauge")) << text;
    EXPECT_TRUE(has_line(text, "t_depth 2.5")) << text;
    EXPECT_TRUE(has_line(text, "# TYPE t_seconds histogram")) << text;
    EXPECT_TRUE(has_line(text, "t_seconds_bucket{op=\"x\",le=\"0.1\"} 2")) << text;
    EXPECT_TRUE(has_line(text, "t_seconds_bucket{op=\"x\",le=\"+Inf\"} 4")) << text;
    EXPECT_TRUE(has_line(text, "t_seconds_count{op=\"x\"} 4")) << text;
}

TEST(MetricsRegistry, TheSameNameAndLabelsAreTheSameMetricAndANameHasOneType) {
    Registry r;
    auto& a = r.counter("t_total", "x", {{"k", "v"}});
    EXPECT_EQ(&a, &r.counter("t_total", "x", {{"k", "v"}}));
    EXPECT_NE(&a, &r.counter("t_total", "x", {{"k", "w"}}));
    EXPECT_THROW(r.gauge("t_total", "x"), std::logic_error);
}

TEST(MetricsRegistry, LabelValuesAreEscaped) {
    Registry r;
    r.gauge("t_g", "g", {{"v", "a\"b\\c\nd"}}).Set(1);
    EXPECT_TRUE(has_line(r.render(), "t_g{v=\"a\\\"b\\\\c\\nd\"} 1")) << r.render();
}

TEST(MetricsRegistry, ConcurrentIncrementsFromManyThreadsAreAllCounted) {
    Registry r;
    constexpr int kThreads = 8, kEach = 20000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&r, t] {
            for (int i = 0; i < kEach; ++i)
                r.counter("t_total", "x", {{"parity", (i + t) % 2 ? "odd" : "even"}}).Increment();
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(r.counter("t_total", "x", {{"parity", "odd"}}).Value() +
                  r.counter("t_total", "x", {{"parity", "even"}}).Value(),
              static_cast<double>(kThreads * kEach));
}

TEST(MetricsRegistry, CollectorsRunAtScrapeAndStopWhenRemoved) {
    Registry r;
    int runs = 0;
    const auto handle = r.on_scrape([&] { r.gauge("t_g", "g").Set(++runs); });
    EXPECT_TRUE(has_line(r.render(), "t_g 1"));
    EXPECT_TRUE(has_line(r.render(), "t_g 2"));
    r.remove_collector(handle);
    EXPECT_TRUE(has_line(r.render(), "t_g 2"));
    EXPECT_EQ(runs, 2);
}

TEST(MetricsRegistry, SetTotalNeverMovesACounterBack) {
    Registry r;
    auto& c = r.counter("t_total", "x");
    set_total(c, 10);
    set_total(c, 7);
    EXPECT_EQ(c.Value(), 10);
    set_total(c, 12);
    EXPECT_EQ(c.Value(), 12);
}

TEST(MetricsRegistry, TwoRegistriesNeverShareMetricsThroughTheThreadCache) {
    for (int i = 0; i < 3; ++i) {
        Registry r;  // often at the same address as the previous one
        r.counter("t_total", "x").Increment();
        EXPECT_EQ(r.counter("t_total", "x").Value(), 1);
    }
}

}  // namespace
}  // namespace fieldgate::metrics
