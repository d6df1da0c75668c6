// The gateway's metrics registry: prometheus-cpp (Debian prometheus-cpp-dev) keeps the metrics
// and renders Prometheus text format 0.0.4; this wrapper adds what the gateway needs on top:
// lookup by name and labels from any thread without a lock after a thread's first lookup (a
// thread-local cache, so hot paths never contend on prometheus-cpp's family mutex), and
// collectors run at scrape time for values read from elsewhere (the store, the writer).
// Counters and gauges are single atomics; prometheus-cpp's histogram takes an uncontended
// mutex per observation, so histograms are for per-batch events, not per request.
//
// Any part of the gateway registers into Registry::global():
//
//   auto& connected = metrics::Registry::global().gauge(
//       "fieldgate_mqtt_connected", "1 while connected to the broker", {{"broker", "main"}});
//   connected.Set(1);
//
// Every metric name must be documented in docs/metrics.md.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace fieldgate::metrics {

using Labels = std::map<std::string, std::string>;
using Counter = prometheus::Counter;
using Gauge = prometheus::Gauge;
using Histogram = prometheus::Histogram;

// Latency buckets in seconds: 1 ms to 60 s.
std::vector<double> latency_buckets();

// Copies a total kept elsewhere into a counter (totals only grow).
void set_total(Counter& counter, double total);

class Registry {
  public:
    Registry();
    static Registry& global();

    // The same name and labels always return the same metric. A name has one type; asking
    // for it as another throws std::logic_error.
    Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
    Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
    Histogram& histogram(const std::string& name, const std::string& help,
                         const std::vector<double>& bounds, const Labels& labels = {});

    // Runs before every render. Returns a handle for remove_collector(), for collectors that
    // refer to objects that go away.
    std::uint64_t on_scrape(std::function<void()> collect);
    void remove_collector(std::uint64_t handle);

    std::string render();

  private:
    enum class Type : char { counter = 'c', gauge = 'g', histogram = 'h' };
    void* find_or_create(Type type, const std::string& name, const std::string& help,
                         const Labels& labels, const std::vector<double>* bounds);

    const std::uint64_t id_;  // names this registry in the thread caches; never reused
    std::shared_ptr<prometheus::Registry> registry_;
    std::mutex mutex_;
    std::map<std::string, std::pair<Type, void*>> families_;  // name -> prometheus::Family<T>*
    std::map<std::uint64_t, std::function<void()>> collectors_;
    std::uint64_t next_collector_ = 1;
    std::mutex scrape_mutex_;  // one scrape at a time (collectors set shared gauges)
};

}  // namespace fieldgate::metrics
