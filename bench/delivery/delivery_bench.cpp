// End-to-end delivery benchmark, against a running gateway and CRM simulator:
//   latency: Bay Hauling results posted at a fixed rate; for each, the time from the gateway's
//            2xx to the CRM simulator receiving its outcome event (both clocks are this
//            machine's), from the simulator's --events-out file;
//   drain:   the CRM is down while the results are posted (the backlog), then back; how fast
//            the gateway empties the backlog.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <thread>
#include <unordered_map>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "bay_load.h"
#include "http_client.h"
#include "load_engine.h"
#include "time_util.h"

namespace {

using namespace std::chrono_literals;
namespace fb = fieldgate::bench;

std::string read_secret(const std::string& dir, const std::string& name) {
    std::ifstream in(dir + "/" + name);
    std::string value;
    std::getline(in, value);
    return value;
}

struct Sim {
    std::uint16_t control_port;
    nlohmann::json get(const std::string& path) {
        fieldgate::http::HttpClient c("127.0.0.1", control_port);
        return nlohmann::json::parse(c.get(path).body);
    }
    void post(const std::string& path, const nlohmann::json& body) {
        fieldgate::http::HttpClient c("127.0.0.1", control_port);
        c.post(path, body.dump());
    }
    std::int64_t stored() { return get("/_report")["stored"].get<std::int64_t>(); }
    bool wait_stored(std::int64_t n, std::chrono::seconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            if (stored() >= n) return true;
            std::this_thread::sleep_for(20ms);
        }
        return false;
    }
};

std::optional<std::chrono::system_clock::time_point> parse_utc(const std::string& s) {
    const auto t = fieldgate::parse_rfc3339(s);
    if (!t) return std::nullopt;
    return std::chrono::time_point_cast<std::chrono::system_clock::duration>(*t);
}

double percentile(std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

// The CRM simulator's arrival stamps, by subject (the events file is written after the answer).
std::vector<std::pair<std::string, std::chrono::system_clock::time_point>> read_received(
    const std::string& events_file) {
    std::this_thread::sleep_for(500ms);
    std::vector<std::pair<std::string, std::chrono::system_clock::time_point>> out;
    std::ifstream in(events_file);
    for (std::string line; std::getline(in, line);) {
        const auto e = nlohmann::json::parse(line);
        if (auto t = parse_utc(e["received_at"].get<std::string>()))
            out.emplace_back(e["subject"].get<std::string>(), *t);
    }
    return out;
}

// The CRM comes back; prints how fast the backlog of n events drains: from "back up" to the
// last event, and from the first delivered event to the last (without the wait for the
// circuit's next probe, which is the same over any transport).
int drain(Sim& sim, std::int64_t n, double down_s, const std::string& events_file) {
    std::cout << "backlog: " << n << " outcome events held while the CRM was down for " << down_s
              << " s\n";
    const auto back = std::chrono::system_clock::now();
    const auto t0 = std::chrono::steady_clock::now();
    sim.post("/_control", {{"mode", "ok"}});
    if (!sim.wait_stored(n, 3600s)) {
        std::cerr << "the backlog did not drain within an hour\n";
        return 1;
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto report = sim.get("/_report");
    std::cout << "drain: " << n << " events in " << s
              << " s = " << static_cast<long>(static_cast<double>(n) / s)
              << " events/s; duplicates " << report["duplicates"] << ", out of order "
              << report["out_of_order"] << ", bad signatures " << report["bad_signatures"] << "\n";
    const auto received = read_received(events_file);
    if (received.size() < 2) return 0;
    auto [first, last] = std::minmax_element(received.begin(), received.end(),
                                             [](auto& a, auto& b) { return a.second < b.second; });
    const double span = std::chrono::duration<double>(last->second - first->second).count();
    std::cout << "drain from the first delivered event: " << received.size() << " events in "
              << span
              << " s = " << static_cast<long>(static_cast<double>(received.size() - 1) / span)
              << " events/s; the first arrived "
              << std::chrono::duration<double>(first->second - back).count()
              << " s after the CRM was back\n";
    return 0;
}

// Prints vendor 2xx -> CRM received for every posted result; 2 when some did not arrive.
int latency(Sim& sim, const fb::LoadResult& posted, std::chrono::system_clock::duration offset,
            double rate, const std::string& events_file) {
    const auto n = static_cast<std::int64_t>(posted.summary.ok);
    if (!sim.wait_stored(n, 600s)) {
        std::cerr << "not every outcome event arrived\n";
        return 1;
    }
    std::unordered_map<std::string, std::chrono::system_clock::time_point> received;
    for (auto& [subject, t] : read_received(events_file)) received.emplace(subject, t);
    std::vector<double> lat_ms;
    for (const auto& r : posted.records) {
        if (r.status < 200 || r.status >= 300) continue;
        const auto it = received.find(r.tag);
        if (it == received.end()) continue;
        const auto accepted = std::chrono::system_clock::time_point(
            std::chrono::duration_cast<std::chrono::system_clock::duration>(
                r.completed.time_since_epoch() + offset));
        lat_ms.push_back(std::chrono::duration<double, std::milli>(it->second - accepted).count());
    }
    const auto report = sim.get("/_report");
    const std::size_t matched = lat_ms.size();
    std::cout << "end to end (vendor 2xx -> CRM received), " << matched << " of " << n
              << " events at " << rate << " results/s: p50 " << percentile(lat_ms, 0.50)
              << " ms  p90 " << percentile(lat_ms, 0.90) << " ms  p99 " << percentile(lat_ms, 0.99)
              << " ms  max " << percentile(lat_ms, 1.0) << " ms; duplicates "
              << report["duplicates"] << ", out of order " << report["out_of_order"]
              << ", bad signatures " << report["bad_signatures"] << "\n";
    return matched == static_cast<std::size_t>(n) ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"fieldgate end-to-end delivery benchmark"};
    fb::LoadOptions options;
    options.connections = 16;
    options.rate = 1000;
    std::size_t orders = 30000;
    std::string secrets_dir, events_file, mode = "latency",
                                          prefix = "D" + std::to_string(::time(nullptr));
    Sim sim{0};
    app.add_option("--port", options.port, "gateway port")->required();
    app.add_option("--secrets-dir", secrets_dir, "crm/api-token, bay-hauling/api-key")->required();
    app.add_option("--crm-control-port", sim.control_port, "the CRM simulator's control port")
        ->required();
    app.add_option("--events-file", events_file, "the CRM simulator's --events-out file");
    app.add_option("--orders", orders, "work orders, one result each");
    app.add_option("--rate", options.rate, "results/s");
    app.add_option("--connections", options.connections, "vendor connections");
    app.add_option("--mode", mode, "latency | drain")->check(CLI::IsMember({"latency", "drain"}));
    CLI11_PARSE(app, argc, argv);
    const auto crm = read_secret(secrets_dir, "crm/api-token");
    const auto bay = read_secret(secrets_dir, "bay-hauling/api-key");

    auto create = options;
    create.duration = std::chrono::minutes(30);
    create.rate = 0;
    create.keep_records = false;
    const auto created =
        fb::run_load(create, [&](std::size_t i) -> std::optional<fb::PreparedRequest> {
            if (i >= orders) return std::nullopt;
            return fb::create_order_request(prefix, i, crm);
        });
    std::cout << "create work orders: " << fb::format_summary(created.summary) << "\n";
    // Their `dispatched` events reach the CRM first; then start from a clean slate.
    if (!sim.wait_stored(static_cast<std::int64_t>(orders), 600s)) {
        std::cerr << "the dispatched events did not all arrive\n";
        return 1;
    }
    sim.post("/_reset", nlohmann::json::object());  // also empties the events file

    if (mode == "drain") sim.post("/_control", {{"mode", "down"}});
    options.duration = std::chrono::seconds(static_cast<long>(orders / options.rate) + 60);
    options.keep_records = mode == "latency";
    const auto offset = std::chrono::system_clock::now().time_since_epoch() -
                        std::chrono::steady_clock::now().time_since_epoch();
    const auto posted =
        fb::run_load(options, [&](std::size_t i) -> std::optional<fb::PreparedRequest> {
            if (i >= orders) return std::nullopt;
            auto r = fb::bay_result_request(prefix, i, bay);
            r.tag = fb::case_id(prefix, i);  // the CRM event's subject
            return r;
        });
    std::cout << "post results: " << fb::format_summary(posted.summary) << "\n";
    const auto n = static_cast<std::int64_t>(posted.summary.ok);

    if (mode == "drain") return drain(sim, n, posted.summary.duration_s, events_file);
    return latency(sim, posted, offset, options.rate, events_file);
}
