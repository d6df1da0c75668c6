#include "gateway_metrics.h"

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <tuple>
#include <unordered_map>

#include "metrics_registry.h"
#include "time_util.h"

namespace fieldgate::metrics {

namespace {

std::string_view method_label(std::string_view m) {
    for (std::string_view known : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
        if (m == known) return known;
    return "other";
}

// `route` and `method` point into static storage (the route catalog, the literals above), so
// the per-thread cache is keyed by their addresses and the status: after a thread's first
// request of a kind, counting it builds no string and takes no lock.
void count_response(std::string_view route, std::string_view method, int status) {
    using Key = std::tuple<const char*, const char*, int>;
    thread_local std::map<Key, Counter*> cache;
    const Key key{route.data(), method.data(), status};
    auto it = cache.find(key);
    if (it == cache.end()) {
        auto& counter = Registry::global().counter("fieldgate_http_requests_total",
                                                   "HTTP requests answered, by route template",
                                                   {{"route", std::string(route)},
                                                    {"method", std::string(method)},
                                                    {"status", std::to_string(status)}});
        it = cache.emplace(key, &counter).first;
    }
    it->second->Increment();
}

// Label values as views: one key string is built per call to find the counter in the thread's
// cache; the label map only on a thread's first use of that label set.
Counter& cached_counter(const char* name, const char* help,
                        std::initializer_list<std::pair<const char*, std::string_view>> labels) {
    thread_local std::unordered_map<std::string, Counter*> cache;
    std::string key = name;
    for (const auto& [k, v] : labels) {
        key += '\x1f';
        key += v;
    }
    if (auto it = cache.find(key); it != cache.end()) return *it->second;
    Labels map;
    for (const auto& [k, v] : labels) map.emplace(k, std::string(v));
    auto& counter = Registry::global().counter(name, help, map);
    cache.emplace(std::move(key), &counter);
    return counter;
}

}  // namespace

http::Respond count_http(std::string_view route, std::string_view method, http::Respond respond) {
    // `route` is a catalog entry or a literal: static, captured as a view.
    return [route, method = method_label(method), respond = std::move(respond)](http::Response r) {
        if (r.prepare) {
            r.prepare = [route, method, prepare = std::move(r.prepare)](http::Response& out) {
                prepare(out);
                count_response(route, method, out.status);
            };
        } else {
            count_response(route, method, r.status);
        }
        respond(std::move(r));
    };
}

void count_ingest(const IngestRequest& request, const IngestReport& report) {
    auto refused = [&](std::string_view type) {
        cached_counter("fieldgate_vendor_rejections_total",
                       "results and payloads refused (and quarantined), by problem type",
                       {{"vendor", request.vendor}, {"type", type}})
            .Increment();
    };
    if (report.payload_error) {
        refused(report.payload_error->type);
        return;
    }
    for (const auto& r : report.records) {
        if (r.verdict == Verdict::rejected) {
            refused(r.errors.empty() ? "invalid-record" : r.errors.front().type);
            continue;
        }
        std::string_view outcome, reason;
        if (r.index < request.normalized.records.size()) {
            if (const auto& res = request.normalized.records[r.index].result) {
                outcome = res->outcome.empty() ? std::string_view(res->progress)
                                               : std::string_view(res->outcome);
                reason = res->reason;
            }
        }
        cached_counter("fieldgate_vendor_results_total",
                       "results received from vendors, by outcome, reason and verdict",
                       {{"vendor", request.vendor},
                        {"outcome", outcome},
                        {"reason", reason},
                        {"verdict", to_string(r.verdict)}})
            .Increment();
    }
}

void count_rate_limited(std::string_view vendor) {
    cached_counter("fieldgate_vendor_rate_limited_total",
                   "vendor requests answered 429 over the vendor's rate limit (not stored)",
                   {{"vendor", vendor}})
        .Increment();
}

void count_auth_refused(std::string_view route, std::string_view why) {
    cached_counter("fieldgate_auth_refused_total",
                   "requests refused for their credentials, or answered 429 after too many "
                   "refused credentials from the same client (nothing stored)",
                   {{"route", route}, {"why", why}})
        .Increment();
}

void observe_commit(double seconds, std::size_t jobs) {
    static auto& latency = Registry::global().histogram(
        "fieldgate_writer_commit_seconds", "time of one writer batch from BEGIN to COMMIT",
        latency_buckets());
    static auto& batch = Registry::global().histogram("fieldgate_writer_batch_jobs",
                                                      "jobs committed per writer batch",
                                                      {1, 2, 5, 10, 20, 50, 100, 200, 512});
    latency.Observe(seconds);
    batch.Observe(static_cast<double>(jobs));
}

void observe_delivery_lag(const std::string& endpoint, double seconds) {
    // From 50 ms (a healthy endpoint) to hours (one that was down, paused or disabled).
    static const std::vector<double> bounds = {0.05, 0.1, 0.25, 0.5, 1,   2.5,  5,
                                               10,   30,  60,   300, 900, 3600, 14400};
    Registry::global()
        .histogram("fieldgate_delivery_lag_seconds",
                   "time from an event's creation to its delivery, by endpoint", bounds,
                   {{"endpoint", endpoint}})
        .Observe(seconds);
}

namespace {

// Label values seen before: a vendor whose quarantine emptied must read 0, not its last value.
// Scrapes are serialized by the registry, so these need no lock of their own.
struct SeenLabels {
    std::set<std::string> vendors;
    std::set<std::string> dead;
    std::set<std::string> pending;
};

void collect_writer(Registry& registry, store::Writer& writer) {
    registry.gauge("fieldgate_writer_queue_depth", "jobs waiting for the store writer")
        .Set(static_cast<double>(writer.queue_depth()));
    const auto stats = writer.stats();
    set_total(registry.counter("fieldgate_writer_commits_total", "writer transactions committed"),
              static_cast<double>(stats.commits));
    set_total(registry.counter("fieldgate_writer_failed_commits_total",
                               "writer transactions that failed"),
              static_cast<double>(stats.failed_commits));
}

void collect_quarantine(Registry& registry, store::Transaction& db, SeenLabels& seen) {
    std::map<std::string, double> now_open;
    for (const auto& v : seen.vendors) now_open[v] = 0;
    for (const auto& [vendor, n] : db.open_quarantine_by_vendor())
        now_open[vendor] = static_cast<double>(n);
    for (const auto& [vendor, n] : now_open) {
        seen.vendors.insert(vendor);
        registry
            .gauge("fieldgate_quarantine_open", "quarantined entries waiting for staff",
                   {{"vendor", vendor}})
            .Set(n);
    }
}

void collect_pending(Registry& registry, store::Transaction& db, SeenLabels& seen) {
    const auto now = now_millis();
    std::map<std::string, std::pair<double, double>> figures;
    for (const auto& d : seen.pending) figures[d] = {0.0, 0.0};
    for (const auto& [destination, pending] : db.pending_by_destination()) {
        double age = 0;
        if (auto t = parse_rfc3339(pending.oldest_created_at))
            age = std::chrono::duration<double>(now - *t).count();
        figures[destination] = {static_cast<double>(pending.count), age};
    }
    figures.try_emplace("crm", 0.0, 0.0);
    for (const auto& [destination, v] : figures) {
        seen.pending.insert(destination);
        registry
            .gauge("fieldgate_outbox_pending", "events waiting for delivery",
                   {{"destination", destination}})
            .Set(v.first);
        registry
            .gauge("fieldgate_outbox_oldest_pending_age_seconds",
                   "age of the oldest event waiting for delivery (0 when none)",
                   {{"destination", destination}})
            .Set(v.second);
    }
}

void collect_dead(Registry& registry, store::Transaction& db, SeenLabels& seen) {
    std::map<std::string, double> dead;
    for (const auto& d : seen.dead) dead[d] = 0;
    dead.try_emplace("crm", 0.0);
    for (const auto& [destination, n] : db.dead_by_destination())
        dead[destination] = static_cast<double>(n);
    for (const auto& [destination, n] : dead) {
        seen.dead.insert(destination);
        registry
            .gauge("fieldgate_outbox_dead_letters", "events given up on, waiting for staff",
                   {{"destination", destination}})
            .Set(n);
    }
}

}  // namespace

std::uint64_t register_gateway_collectors(store::ReadPool& reads, store::Writer& writer) {
    auto& registry = Registry::global();
    auto seen = std::make_shared<SeenLabels>();
    return registry.on_scrape([&registry, &reads, &writer, seen] {
        collect_writer(registry, writer);
        auto db = reads.acquire();
        collect_quarantine(registry, *db, *seen);
        collect_pending(registry, *db, *seen);
        collect_dead(registry, *db, *seen);
    });
}

void count_sync_results(const nlohmann::json& answer) {
    const auto results = answer.find("results");
    if (results == answer.end() || !results->is_array()) return;
    std::map<std::string, double> by_verdict;
    for (const auto& r : *results) by_verdict[r.value("verdict", std::string("unknown"))] += 1;
    for (const auto& [verdict, n] : by_verdict) {
        Registry::global()
            .counter("fieldgate_sync_records_total", "actions received through crew sync",
                     {{"verdict", verdict}})
            .Increment(n);
    }
}

std::uint64_t register_mqtt_collector(std::function<bool()> connected,
                                      std::function<nlohmann::json()> stats) {
    auto& registry = Registry::global();
    return registry.on_scrape(
        [&registry, connected = std::move(connected), stats = std::move(stats)] {
            registry
                .gauge("fieldgate_mqtt_connected", "1 while connected to the broker",
                       {{"broker", "main"}})
                .Set(connected() ? 1 : 0);
            const auto s = stats();
            for (const char* kind : {"positions", "stop_events", "route_events", "statuses",
                                     "assignments", "quarantined"}) {
                set_total(registry.counter("fieldgate_mqtt_messages_total",
                                           "MQTT messages taken in, by kind", {{"kind", kind}}),
                          s.value(kind, 0.0));
            }
        });
}

}  // namespace fieldgate::metrics
