// Ingest benchmark: N work orders created through the CRM API, then one new Bay Hauling single
// result per order posted over C keep-alive connections; prints accepted results/s and latency.
#include <fstream>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "bay_load.h"
#include "load_engine.h"

namespace {

std::string read_secret(const std::string& dir, const std::string& name) {
    std::ifstream in(dir + "/" + name);
    std::string value;
    std::getline(in, value);
    return value;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"fieldgate ingest benchmark (Bay Hauling single results)"};
    fieldgate::bench::LoadOptions options;
    std::size_t orders = 100000;
    int duration_s = 30;
    std::string secrets_dir, acked_file, prefix = "B" + std::to_string(::time(nullptr));
    bool skip_create = false, create_only = false;
    int settle_s = 5;
    app.add_option("--port", options.port, "gateway port on 127.0.0.1")->required();
    app.add_option("--secrets-dir", secrets_dir,
                   "folder with crm/api-token and bay-hauling/api-key")
        ->required();
    app.add_option("--orders", orders, "work orders to create, one result each");
    app.add_option("--connections", options.connections, "keep-alive connections");
    app.add_option("--duration", duration_s, "seconds at most for the result phase");
    app.add_option("--rate", options.rate, "results/s (0 = as fast as answered)");
    app.add_option("--prefix", prefix, "case id prefix (reuse with --skip-create)");
    app.add_option("--acked", acked_file, "write the ticket of every 2xx answer here");
    app.add_flag("--skip-create", skip_create, "orders with this prefix exist already");
    app.add_flag("--create-only", create_only,
                 "create the orders and stop (results later with --skip-create --prefix)");
    app.add_option("--settle", settle_s,
                   "seconds to wait after creating orders (lets the WAL checkpoint finish)");
    CLI11_PARSE(app, argc, argv);

    const auto crm = read_secret(secrets_dir, "crm/api-token");
    const auto bay = read_secret(secrets_dir, "bay-hauling/api-key");

    if (!skip_create) {
        auto create = options;
        create.duration = std::chrono::minutes(10);
        create.rate = 0;
        create.keep_records = false;
        const auto created = fieldgate::bench::run_load(
            create, [&](std::size_t i) -> std::optional<fieldgate::bench::PreparedRequest> {
                if (i >= orders) return std::nullopt;
                return fieldgate::bench::create_order_request(prefix, i, crm);
            });
        std::cout << "create work orders: " << fieldgate::bench::format_summary(created.summary)
                  << "\n";
        if (created.summary.ok != orders) {
            std::cerr << "only " << created.summary.ok << " of " << orders
                      << " work orders were created\n";
            return 1;
        }
        if (create_only) return 0;
        // Measure the steady state, not the tail of the creation burst.
        std::this_thread::sleep_for(std::chrono::seconds(settle_s));
    }

    options.duration = std::chrono::seconds(duration_s);
    options.keep_records = !acked_file.empty();
    const auto result = fieldgate::bench::run_load(
        options, [&](std::size_t i) -> std::optional<fieldgate::bench::PreparedRequest> {
            if (i >= orders) return std::nullopt;
            return fieldgate::bench::bay_result_request(prefix, i, bay);
        });
    const auto& s = result.summary;
    std::cout << "ingest: " << fieldgate::bench::format_summary(s) << "\n";
    std::cout << "accepted results/s: "
              << static_cast<long>(s.ok / (s.duration_s > 0 ? s.duration_s : 1)) << "  p50 "
              << s.p50_us / 1000.0 << " ms  p99 " << s.p99_us / 1000.0 << " ms  (connections "
              << options.connections << ", results " << s.count << ", 2xx " << s.ok << ", other "
              << s.other_status << ", errors " << s.errors << ")\n";
    if (!acked_file.empty()) {
        std::ofstream out(acked_file);
        for (const auto& r : result.records) {
            if (r.status >= 200 && r.status < 300) out << r.tag << "\n";
        }
    }
    return s.other_status == 0 ? 0 : 2;
}
