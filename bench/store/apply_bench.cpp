// The writer's share of one vendor result, without HTTP or a load generator: the Bay Hauling
// single result the ingest bench posts, normalized by the real mapping (untimed), then applied
// through the SQLite writer the way the gateway applies it (one repeatable job per result,
// `batch` jobs per transaction). Prints the writer's CPU per result (the process's CPU while the
// main thread only waits, the checkpointer's included) and the wall time per result. The
// end-to-end figure on a 2-core machine moves ±25% from run to run; this one moves a few
// percent, so a change to the writer's statements or schema can be judged here first.
// `shuffled`: results in random order of their work orders, as a city's day sends them.
// Usage: fieldgate-bench-store-apply [results] [batch] [synchronous] [shuffled]
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <latch>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "bay_load.h"
#include "catalog.h"
#include "ingest.h"
#include "registry.h"
#include "sqlite_writer.h"
#include "transaction.h"

namespace {

namespace fs = std::filesystem;
using namespace fieldgate;

double process_cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

store::WorkOrder order_for(std::size_t i) {
    store::WorkOrder wo;
    wo.id = "wo_" + std::to_string(i);
    wo.crm_case_id = bench::case_id("AP", i);
    wo.service_type = "bulky_item";
    wo.address = "200 E Santa Clara St, San Jose, CA";
    wo.lat = 37.33452;
    wo.lon = -121.88861;
    wo.scheduled_date = "2026-02-03";
    wo.vendor = "bay-hauling";
    wo.route_id = "R-" + std::to_string(i / 50);
    wo.route_date = "2026-02-03";
    wo.stop_seq = std::to_string(i % 50);
    wo.status = "dispatched";
    wo.content_hash = "h" + std::to_string(i);
    wo.created_at = wo.updated_at = "2026-02-01T00:00:00Z";
    return wo;
}

IngestRequest request_for(const VendorAdapter& adapter, std::size_t i) {
    IngestRequest req;
    req.vendor = "bay-hauling";
    req.source = "vendor:bay-hauling";
    req.mapping_version = "bench";
    req.raw.vendor = "bay-hauling";
    req.raw.channel = "http";
    req.raw.received_at = "2026-02-03T19:00:00Z";
    req.raw.content_type = "application/json";
    req.raw.request_id = "rt-AP-" + std::to_string(i);
    req.raw.body = bench::bay_result_request("AP", i, "key").body;
    req.normalized = adapter.normalize(req.raw.body);
    prepare_ingest(req);
    return req;
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t results = argc > 1 ? std::stoul(argv[1]) : 20000;
    const std::size_t batch = argc > 2 ? std::stoul(argv[2]) : 40;
    const std::string synchronous = argc > 3 ? argv[3] : "FULL";
    const bool shuffled = argc > 4 && std::string(argv[4]) == "shuffled";
    const fs::path root = FIELDGATE_SOURCE_ROOT;
    auto catalog = std::make_shared<const Catalog>(
        Catalog::load((root / "gateway/catalog/standard-codes.json").string(),
                      (root / "gateway/catalog/standard-codes.schema.json").string()));
    VendorLoader loader(LoaderOptions{catalog, {}, nullptr});
    auto loaded = loader.load_all(root / "vendor_schemas");
    const auto* bay = loaded.registry->find("bay-hauling");
    IngestContext ctx{catalog.get(), EventContext{"gov.sanjose.workorder", "urn:fieldgate"},
                      "America/Los_Angeles"};

    const fs::path dir =
        fs::temp_directory_path() / ("fieldgate-apply-" + std::to_string(getpid()));
    fs::create_directories(dir);
    {
        store::SqliteWriter writer(
            store::SqliteWriterOptions{(dir / "apply.db").string(), synchronous});
        for (std::size_t i = 0; i < results; i += 500)
            writer.run_sync([&](store::Transaction& db) {
                for (std::size_t j = i; j < std::min(results, i + 500); ++j)
                    db.insert_work_order(order_for(j));
            });
        std::vector<IngestRequest> requests;
        requests.reserve(results);
        for (std::size_t i = 0; i < results; ++i) requests.push_back(request_for(*bay->adapter, i));
        // Results arrive in no particular order of their work orders in a city's day; in the
        // order the orders were created every page the writer needs is the one it just used.
        if (shuffled) std::shuffle(requests.begin(), requests.end(), std::mt19937_64(311));

        std::vector<std::size_t> accepted_of(results, 0);
        // As the ingest service tells the writer: the job sets its answer afresh if run again.
        store::ReadAhead reads;
        reads.repeatable = true;
        const auto commits_before = writer.stats().commits;
        const double cpu_before = process_cpu_seconds();
        const auto start = std::chrono::steady_clock::now();
        for (std::size_t i = 0; i < results; i += batch) {
            const std::size_t n = std::min(batch, results - i);
            std::latch done(static_cast<std::ptrdiff_t>(n));
            // A first job holds the writer while the round queues, so the round is one batch,
            // as the gateway's writer finds ~40 results queued when its previous commit ends.
            std::latch started(1);
            std::latch queued(1);
            writer.submit(
                [&](store::Transaction&) {
                    started.count_down();
                    queued.wait();
                },
                nullptr);
            started.wait();
            for (std::size_t j = i; j < i + n; ++j)
                writer.submit(
                    [&, j](store::Transaction& db) {
                        accepted_of[j] =
                            apply_ingest(db, ctx, requests[j]).count(Verdict::accepted);
                    },
                    [&](std::exception_ptr) { done.count_down(); }, reads);
            queued.count_down();
            done.wait();
        }
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const double cpu = process_cpu_seconds() - cpu_before;
        // The batches it really committed, the holding jobs' own (empty) ones left out.
        const auto rounds = (results + batch - 1) / batch;
        const auto commits = writer.stats().commits - commits_before - rounds;
        const auto accepted =
            std::accumulate(accepted_of.begin(), accepted_of.end(), std::size_t{0});
        std::cout << "store apply (SQLite, synchronous=" << synchronous << ", rounds of " << batch
                  << " results, " << static_cast<double>(results) / static_cast<double>(commits)
                  << " per commit" << (shuffled ? ", orders in random order" : "")
                  << "): " << results << " results, " << accepted << " accepted; writer CPU "
                  << cpu / results * 1e6 << " us per result, wall " << wall / results * 1e6
                  << " us per result\n";
    }
    fs::remove_all(dir);
    return 0;
}
