// fieldgate-vendor-sim: see options.cpp for the command line, script.h for what is sent.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <latch>
#include <mutex>
#include <thread>

#include "credentials.h"
#include "http_client.h"
#include "options.h"
#include "pacer.h"
#include "runner.h"
#include "scenario.h"
#include "script.h"
#include "tally.h"

namespace fs = fieldgate::sim;

namespace {

// Prints one status line a second to stderr until stopped.
class LiveLine {
  public:
    LiveLine(const fs::LiveCounters& c, bool enabled) : counters_(c) {
        if (enabled) thread_ = std::thread([this] { run(); });
    }
    ~LiveLine() { stop(); }
    void stop() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        cv_.notify_all();
        if (thread_.joinable()) {
            thread_.join();
            std::fputc('\n', stderr);
        }
    }

  private:
    void run() {
        const auto start = std::chrono::steady_clock::now();
        std::size_t last_results = 0;
        auto last = start;
        std::unique_lock lock(mutex_);
        while (!cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) {
            const auto now = std::chrono::steady_clock::now();
            const auto& c = counters_;
            const std::size_t results = c.results;
            const double dt = std::chrono::duration<double>(now - last).count();
            const double rate = dt > 0 ? static_cast<double>(results - last_results) / dt : 0;
            last_results = results;
            last = now;
            std::fprintf(stderr,
                         "\r[%6.1fs] orders %zu/%zu  payloads %zu/%zu  results %zu (%.0f/s)  2xx "
                         "%zu 4xx %zu 5xx %zu  "
                         "busy %zu  transport errors %zu  failures %zu   ",
                         std::chrono::duration<double>(now - start).count(), c.orders_done.load(),
                         c.orders_total.load(), c.payloads_done.load(), c.payloads_total.load(),
                         results, rate, c.s2xx.load(), c.s4xx.load(), c.s5xx.load(),
                         c.busy_retries.load(), c.transport_errors.load(), c.failures.load());
            std::fflush(stderr);
        }
    }

    const fs::LiveCounters& counters_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace

int main(int argc, char** argv) {
    fs::Options options;
    if (auto code = fs::parse_options(argc, argv, options)) return *code;

    fs::Credentials creds;
    try {
        creds = fs::load_credentials(options.secrets_dir, options.vendors);
    } catch (const std::exception& e) {
        std::cerr << "fieldgate-vendor-sim: " << e.what() << "\n";
        return 2;
    }

    try {
        fs::HttpClient probe(options.host, options.port);
        const auto r = probe.get("/healthz", {}, std::chrono::milliseconds(options.timeout_ms));
        if (r.status != 200)
            std::cerr << "fieldgate-vendor-sim: /healthz answered " << r.status << "; going on\n";
    } catch (const std::exception& e) {
        std::cerr << "fieldgate-vendor-sim: cannot reach the gateway at " << options.gateway << ": "
                  << e.what() << "\n";
        return 2;
    }

    const fs::Plan plan = fs::build_plan(options);
    std::vector<std::vector<fs::Payload>> scripts;
    std::vector<fs::VendorTally> tallies(plan.vendors.size());
    fs::LiveCounters live;
    for (std::size_t i = 0; i < plan.vendors.size(); ++i) {
        const auto& vp = plan.vendors[i];
        scripts.push_back(fs::build_script(plan, vp, creds, options));
        auto& t = tallies[i];
        t.vendor = fs::vendor_name(vp.vendor);
        t.routes = vp.routes.size();
        t.orders_planned = vp.orders.size();
        for (const auto& o : vp.orders) {
            ++t.intended[o.intent.outcome][o.intent.reason];
            t.cases.emplace_back(o.crm_case_id, o.intent);
        }
        live.orders_total += vp.orders.size();
        live.payloads_total += scripts.back().size();
    }

    fs::Pacer pacer(options.rate);
    const auto start = std::chrono::steady_clock::now();
    fs::RunInfo run;
    run.options = &options;
    run.plan = &plan;
    {
        LiveLine live_line(live, !options.quiet);
        // Every vendor's work orders exist before any result goes out.
        std::latch orders_created(static_cast<std::ptrdiff_t>(plan.vendors.size()));
        std::vector<std::thread> threads;
        std::mutex errors_mutex;
        for (std::size_t i = 0; i < plan.vendors.size(); ++i) {
            threads.emplace_back([&, i] {
                bool arrived = false;
                try {
                    fs::VendorRunner runner(options, creds, plan, plan.vendors[i],
                                            std::move(scripts[i]), pacer, live, tallies[i]);
                    runner.create_work_orders();
                    arrived = true;
                    orders_created.arrive_and_wait();
                    runner.post_results();
                } catch (const std::exception& e) {
                    if (!arrived) orders_created.count_down();  // never leave the others waiting
                    std::lock_guard lock(errors_mutex);
                    run.failures.push_back(tallies[i].vendor + ": " + e.what());
                }
            });
        }
        for (auto& t : threads) t.join();
        live_line.stop();
    }
    run.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    std::cout << fs::render_table(run, tallies) << std::flush;
    if (!options.json_path.empty()) {
        std::ofstream out(options.json_path);
        out << fs::to_json(run, tallies).dump(2) << "\n";
        if (!out) {
            std::cerr << "fieldgate-vendor-sim: cannot write " << options.json_path << "\n";
            return 1;
        }
    }
    return fs::run_ok(run, tallies) ? 0 : 1;
}
