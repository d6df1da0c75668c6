// Ingest through the gateway's own HTTP client, so that plain HTTP and HTTPS are measured with
// one and the same client (the load engine speaks plain TCP only): T threads, each with its own
// keep-alive fieldgate::http::HttpClient (libcurl), first create N work orders through the CRM
// API, then post one new Bay Hauling single result per order, closed loop, for at most D
// seconds. Prints accepted results/s and latency. run_tls_delivery.sh runs it against a plain
// and a TLS listener alternately.
#include <algorithm>
#include <atomic>
#include <fstream>
#include <iostream>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "bay_load.h"
#include "http_client.h"

namespace {

namespace fb = fieldgate::bench;
namespace fh = fieldgate::http;
using Clock = std::chrono::steady_clock;

std::string read_secret(const std::string& dir, const std::string& name) {
    std::ifstream in(dir + "/" + name);
    std::string value;
    std::getline(in, value);
    return value;
}

struct Phase {
    std::size_t ok = 0, refused = 0, errors = 0, connections = 0;
    double seconds = 0;
    std::vector<double> latency_ms;
};

double percentile(std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

// Runs make(i) for i = 0, 1, ... < n from `threads` threads, each with its own client, until
// every index is taken or `limit` passes.
template <typename Make>
Phase run_phase(const fh::ClientOptions& options, int threads, std::size_t n,
                std::chrono::seconds limit, Make make) {
    std::atomic<std::size_t> next{0};
    std::vector<Phase> parts(static_cast<std::size_t>(threads));
    const auto start = Clock::now();
    const auto deadline = start + limit;
    std::vector<std::thread> workers;
    for (auto& part : parts) {
        workers.emplace_back([&, p = &part] {
            fh::HttpClient client(options);
            for (std::size_t i; (i = next++) < n && Clock::now() < deadline;) {
                const auto r = make(i);
                fh::HeaderList headers(r.headers.begin(), r.headers.end());
                const auto t0 = Clock::now();
                try {
                    const auto answer = client.request(r.method, r.target, headers, r.body);
                    (answer.status >= 200 && answer.status < 300 ? p->ok : p->refused)++;
                } catch (const fh::TransportError&) {
                    p->errors++;
                }
                p->latency_ms.push_back(
                    std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
            }
            p->connections = client.connections_opened();
        });
    }
    for (auto& w : workers) w.join();
    Phase all;
    all.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    for (auto& part : parts) {
        all.ok += part.ok;
        all.refused += part.refused;
        all.errors += part.errors;
        all.connections += part.connections;
        all.latency_ms.insert(all.latency_ms.end(), part.latency_ms.begin(), part.latency_ms.end());
    }
    return all;
}

void print(const std::string& what, Phase& p) {
    std::cout << what << ": " << p.ok << " 2xx in " << p.seconds
              << " s = " << static_cast<long>(static_cast<double>(p.ok) / p.seconds)
              << " results/s  p50 " << percentile(p.latency_ms, 0.50) << " ms  p99 "
              << percentile(p.latency_ms, 0.99) << " ms  (other status " << p.refused << ", errors "
              << p.errors << ", connections opened " << p.connections << ")\n";
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"fieldgate ingest over the gateway's HTTP client (plain HTTP or HTTPS)"};
    fh::ClientOptions options;
    options.proxy = "";  // never through a proxy from the environment
    std::size_t orders = 40000;
    int threads = 16, duration_s = 10, settle_s = 3;
    std::string secrets_dir, prefix = "I" + std::to_string(::time(nullptr));
    app.add_option("--origin", options.origin, "http://127.0.0.1:PORT or https://...")->required();
    app.add_option("--ca-file", options.tls.ca_file,
                   "CA bundle the listener's certificate chains to");
    app.add_option("--secrets-dir", secrets_dir, "crm/api-token, bay-hauling/api-key")->required();
    app.add_option("--orders", orders, "work orders to create, one result each");
    app.add_option("--threads", threads, "client threads, one keep-alive client each");
    app.add_option("--duration", duration_s, "seconds at most for the result phase");
    app.add_option("--settle", settle_s, "seconds to wait after creating the orders");
    app.add_option("--prefix", prefix, "case id prefix");
    CLI11_PARSE(app, argc, argv);
    const auto crm = read_secret(secrets_dir, "crm/api-token");
    const auto bay = read_secret(secrets_dir, "bay-hauling/api-key");

    auto created = run_phase(options, threads, orders, std::chrono::minutes(10),
                             [&](auto i) { return fb::create_order_request(prefix, i, crm); });
    print("create work orders", created);
    if (created.ok != orders) {
        std::cerr << "only " << created.ok << " of " << orders << " work orders were created\n";
        return 1;
    }
    std::this_thread::sleep_for(std::chrono::seconds(settle_s));
    auto posted = run_phase(options, threads, orders, std::chrono::seconds(duration_s),
                            [&](auto i) { return fb::bay_result_request(prefix, i, bay); });
    print("ingest", posted);
    return posted.refused == 0 && posted.errors == 0 ? 0 : 2;
}
