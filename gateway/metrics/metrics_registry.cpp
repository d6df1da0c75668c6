#include "metrics_registry.h"

#include <atomic>
#include <stdexcept>
#include <unordered_map>

#include <prometheus/family.h>
#include <prometheus/text_serializer.h>

namespace fieldgate::metrics {

std::vector<double> latency_buckets() {
    return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

void set_total(Counter& counter, double total) {
    const double delta = total - counter.Value();
    if (delta > 0) counter.Increment(delta);
}

Registry::Registry()
    : id_([] {
          static std::atomic<std::uint64_t> next{1};
          return next.fetch_add(1);
      }()),
      registry_(std::make_shared<prometheus::Registry>()) {}

Registry& Registry::global() {
    static Registry registry;
    return registry;
}

void* Registry::find_or_create(Type type, const std::string& name, const std::string& help,
                               const Labels& labels, const std::vector<double>* bounds) {
    // Per thread: (registry, type, name, labels) -> metric, so a repeat lookup takes no lock.
    thread_local std::unordered_map<std::string, void*> cache;
    std::string key;
    key.reserve(64);
    key.append(reinterpret_cast<const char*>(&id_), sizeof(id_));
    key += static_cast<char>(type);
    key += name;
    for (const auto& [k, v] : labels) {
        key += '\x1f';
        key += k;
        key += '\x1e';
        key += v;
    }
    if (auto it = cache.find(key); it != cache.end()) return it->second;

    std::lock_guard lock(mutex_);
    void* metric = nullptr;
    auto& [family_type, family] = families_[name];
    if (family && family_type != type)
        throw std::logic_error("metric " + name + " is registered with another type");
    family_type = type;
    switch (type) {
        case Type::counter: {
            if (!family)
                family = &prometheus::BuildCounter().Name(name).Help(help).Register(*registry_);
            metric = &static_cast<prometheus::Family<Counter>*>(family)->Add(labels);
            break;
        }
        case Type::gauge: {
            if (!family)
                family = &prometheus::BuildGauge().Name(name).Help(help).Register(*registry_);
            metric = &static_cast<prometheus::Family<Gauge>*>(family)->Add(labels);
            break;
        }
        case Type::histogram: {
            if (!family)
                family = &prometheus::BuildHistogram().Name(name).Help(help).Register(*registry_);
            metric = &static_cast<prometheus::Family<Histogram>*>(family)->Add(labels, *bounds);
            break;
        }
    }
    cache.emplace(std::move(key), metric);
    return metric;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
    return *static_cast<Counter*>(find_or_create(Type::counter, name, help, labels, nullptr));
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
    return *static_cast<Gauge*>(find_or_create(Type::gauge, name, help, labels, nullptr));
}

Histogram& Registry::histogram(const std::string& name, const std::string& help,
                               const std::vector<double>& bounds, const Labels& labels) {
    return *static_cast<Histogram*>(find_or_create(Type::histogram, name, help, labels, &bounds));
}

std::uint64_t Registry::on_scrape(std::function<void()> collect) {
    std::lock_guard lock(mutex_);
    collectors_.emplace(next_collector_, std::move(collect));
    return next_collector_++;
}

void Registry::remove_collector(std::uint64_t handle) {
    // Taken after the scrape lock, so a collector never runs after it was removed.
    std::lock_guard scrape(scrape_mutex_);
    std::lock_guard lock(mutex_);
    collectors_.erase(handle);
}

std::string Registry::render() {
    std::lock_guard scrape(scrape_mutex_);
    std::vector<std::function<void()>> collectors;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [handle, c] : collectors_) collectors.push_back(c);
    }
    for (auto& c : collectors) c();
    return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace fieldgate::metrics
