// An async, closed-loop HTTP load engine for the benchmarks (and the crash tests): C keep-alive
// connections kept busy with requests from a generator until it runs dry or the deadline
// passes. Beast stays in load_engine.cpp.
//
// Connection failures do not end a run: the request in flight is recorded with status 0 and
// the connection reconnects with a growing backoff until the deadline, so a run against a
// server that is killed and restarted tells exactly which requests got an answer.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fieldgate::bench {

struct PreparedRequest {
    std::string method = "GET";
    std::string target = "/";
    std::vector<std::pair<std::string, std::string>> headers;  // Host/Content-Length added
    std::string body;
    std::string tag;  // copied into the request's record
};

// Called with 0, 1, 2, ... (one index per request, never twice); nullopt ends the run once the
// requests in flight are done. Calls are serialized, so it needs no locking of its own, but it
// runs on an I/O thread: keep it cheap (prepare payloads up front).
using RequestGenerator = std::function<std::optional<PreparedRequest>(std::size_t index)>;

enum class Failure : std::uint8_t {
    none,       // a response was read (any status)
    transport,  // connection refused/reset/closed while the request was in flight
    timeout,    // no response within LoadOptions::request_timeout
    deadline,   // still in flight when the run's deadline passed
};

struct RequestRecord {
    std::size_t index = 0;  // the generator index
    std::string tag;
    int status = 0;  // 0 = no response (see failure)
    Failure failure = Failure::none;
    std::uint64_t latency_us = 0;  // from send (or scheduled send, with a rate) to completion
    std::chrono::steady_clock::time_point completed;
};

struct LoadOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::size_t connections = 64;
    int threads = 1;                             // I/O threads on the one io_context
    std::chrono::milliseconds duration{10'000};  // the deadline, from the start of the run
    double rate = 0;                             // requests/s over all connections; 0 = closed loop
    std::chrono::milliseconds request_timeout{10'000};  // also bounds connect
    std::chrono::milliseconds reconnect_backoff{20};    // first wait after a failure, doubling
    std::chrono::milliseconds max_backoff{500};
    bool keep_records = true;  // false: only the summary (long benchmark runs)
};

struct LoadSummary {
    std::size_t count = 0;         // requests sent (records)
    std::size_t ok = 0;            // 2xx
    std::size_t other_status = 0;  // answered, not 2xx
    std::size_t errors = 0;        // status 0: transport failure or timeout
    std::size_t aborted = 0;       // status 0: still in flight at the deadline (not an error)
    std::size_t connects = 0;
    std::size_t connect_failures = 0;
    double duration_s = 0;
    double requests_per_second = 0;  // answered requests / duration
    // Over answered requests, microseconds.
    std::uint64_t p50_us = 0;
    std::uint64_t p90_us = 0;
    std::uint64_t p99_us = 0;
    std::uint64_t max_us = 0;
    double mean_us = 0;
};

struct LoadResult {
    std::vector<RequestRecord> records;  // ordered by completion time
    LoadSummary summary;
};

// Runs on the calling thread (plus threads - 1 more) until done. Throws std::runtime_error
// when the host cannot be resolved; a refused connection is not an error (it is retried).
LoadResult run_load(const LoadOptions& options, const RequestGenerator& generator);

// One line: "n=… ok=… other=… err=… aborted=… … rps=… p50=…us p90=… p99=… max=…".
std::string format_summary(const LoadSummary& summary);

}  // namespace fieldgate::bench
