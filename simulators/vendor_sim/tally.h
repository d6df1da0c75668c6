// What was sent and what came back, per vendor; the readable table and the --json document.
#pragma once

#include <atomic>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "options.h"
#include "scenario.h"

namespace fieldgate::sim {

// Counters the live line reads while the vendor threads run.
struct LiveCounters {
    std::atomic<std::size_t> orders_total{0};
    std::atomic<std::size_t> orders_done{0};
    std::atomic<std::size_t> payloads_total{0};
    std::atomic<std::size_t> payloads_done{0};
    std::atomic<std::size_t> results{0};
    std::atomic<std::size_t> requests{0};
    std::atomic<std::size_t> s2xx{0};
    std::atomic<std::size_t> s4xx{0};
    std::atomic<std::size_t> s5xx{0};
    std::atomic<std::size_t> busy_retries{0};
    std::atomic<std::size_t> transport_errors{0};
    std::atomic<std::size_t> failures{0};
};

using Counts = std::map<std::string, std::size_t>;

struct BadTally {
    std::size_t sent = 0;
    std::size_t refused = 0;       // 4xx, or a SOAP Client fault
    std::size_t accepted = 0;      // 2xx: the gateway took it
    std::size_t server_error = 0;  // 5xx other than a SOAP Client fault
    std::size_t unanswered = 0;    // transport errors to the end
    Counts status_codes;
    Counts problems;  // problem type (or SOAP fault problem type)
};

// Filled by one vendor thread only; read after it joined.
struct VendorTally {
    std::string vendor;
    std::size_t routes = 0;
    std::size_t orders_planned = 0;
    std::size_t orders_created = 0;   // 201
    std::size_t orders_existing = 0;  // 200: same body already there
    std::size_t orders_failed = 0;
    Counts payloads;  // logical payloads by kind (single, batch, progress, close, ...)
    std::size_t results_sent = 0;
    std::size_t http_requests = 0;
    std::size_t busy_retries = 0;  // 503 / Retry-After answers retried
    std::size_t transport_errors = 0;
    Counts status_codes;  // final answers to good payloads
    Counts verdicts;    // records of good payloads: accepted, duplicate, late, conflict, rejected;
                        // soap_response, soap_fault
    Counts unexpected;  // "expected duplicate, got accepted" -> n
    std::map<std::string, Counts> intended;  // outcome -> reason ("" none) -> n
    std::vector<std::pair<std::string, Intent>> cases;
    std::map<std::string, BadTally> bad;
    std::vector<std::string> transport_error_samples;
    std::size_t failure_count = 0;
    std::vector<std::string> failures;  // the first ones, for the report

    void fail(std::string why);
};

struct RunInfo {
    const Options* options = nullptr;
    const Plan* plan = nullptr;
    double elapsed_s = 0;
    std::vector<std::string> failures;  // run-level (cannot reach gateway, ...)
};

bool run_ok(const RunInfo& run, const std::vector<VendorTally>& vendors);
std::string render_table(const RunInfo& run, const std::vector<VendorTally>& vendors);
nlohmann::ordered_json to_json(const RunInfo& run, const std::vector<VendorTally>& vendors);

}  // namespace fieldgate::sim
