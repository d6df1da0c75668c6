// fieldgate-tablet-sim: N city crews working their day on tablets against a running gateway:
// assignments issued through the CRM API, devices through the admin API, each tablet with a
// skewed clock behind its own fault-injecting proxy (offline spells, connections cut mid-sync).
// Prints one JSON summary; exits 1 when any action was left unsynced.
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "crew_day.h"

namespace {

std::string read_secret(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    auto text = s.str();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"fieldgate-tablet-sim: crews on tablets, offline spells, cut syncs"};
    fieldgate::sim::CrewDayOptions base;
    std::string gateway = "127.0.0.1:8080", admin_file, crm_file;
    int crews = 4;
    app.add_option("--gateway", gateway, "host:port")->capture_default_str();
    app.add_option("--admin-token-file", admin_file, "file with the admin bearer token")
        ->required();
    app.add_option("--crm-token-file", crm_file, "file with the CRM bearer token")->required();
    app.add_option("--crews", crews, "crews working at once")->capture_default_str();
    app.add_option("--orders", base.orders, "orders per crew")->capture_default_str();
    app.add_option("--seed", base.seed, "random seed")->capture_default_str();
    app.add_option("--dir", base.work_dir, "folder for tablet databases and photos")->required();
    app.add_option("--max-skew-minutes", base.max_skew_minutes)->capture_default_str();
    app.add_option("--offline-chance", base.offline_chance)->capture_default_str();
    app.add_option("--cut-chance", base.cut_chance)->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    const auto colon = gateway.rfind(':');
    base.gateway_host = gateway.substr(0, colon);
    base.gateway_port = static_cast<std::uint16_t>(std::stoi(gateway.substr(colon + 1)));
    base.admin_token = read_secret(admin_file);
    base.crm_token = read_secret(crm_file);

    std::vector<fieldgate::sim::CrewDayResult> results(static_cast<std::size_t>(crews));
    std::vector<std::thread> threads;
    for (int i = 0; i < crews; ++i) {
        threads.emplace_back([&, i] {
            auto o = base;
            o.crew = "sim-crew-" + std::to_string(i + 1);
            o.seed = base.seed * 1000 + static_cast<std::uint64_t>(i);
            results[static_cast<std::size_t>(i)] = fieldgate::sim::run_crew_day(o);
        });
    }
    for (auto& t : threads) t.join();

    nlohmann::json out = nlohmann::json::array();
    std::size_t pending = 0, errors = 0;
    for (const auto& r : results) {
        pending += r.pending_at_end;
        errors += r.error.empty() ? 0 : 1;
        out.push_back({{"crew", r.crew},
                       {"recorded", r.recorded},
                       {"photos", r.photos},
                       {"cancelled_orders", r.cancelled_orders},
                       {"clock_skew_minutes", r.skew_minutes},
                       {"sync_attempts", r.sync_attempts},
                       {"syncs_cut_short", r.syncs_cut_short},
                       {"connection_cuts", r.connection_cuts},
                       {"verdicts", r.verdicts},
                       {"pending_at_end", r.pending_at_end},
                       {"error", r.error}});
    }
    std::cout << nlohmann::json{{"crews", out}, {"pending", pending}, {"errors", errors}}.dump(2)
              << "\n";
    return pending == 0 && errors == 0 ? 0 : 1;
}
