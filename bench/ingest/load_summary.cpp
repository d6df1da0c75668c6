// The load engine's summary of a run: counts by answer, throughput and latency percentiles.
#include "load_summary.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace fieldgate::bench {

void summarize(LoadResult& result, std::size_t connects, std::size_t connect_failures,
               double duration_s) {
    LoadSummary& s = result.summary;
    std::vector<std::uint64_t> latencies;
    latencies.reserve(result.records.size());
    double total = 0;
    for (const auto& r : result.records) {
        ++s.count;
        if (r.status == 0) {
            ++(r.failure == Failure::deadline ? s.aborted : s.errors);
            continue;
        }
        if (r.status >= 200 && r.status < 300) {
            ++s.ok;
        } else {
            ++s.other_status;
        }
        latencies.push_back(r.latency_us);
        total += static_cast<double>(r.latency_us);
    }
    s.connects = connects;
    s.connect_failures = connect_failures;
    s.duration_s = duration_s;
    if (s.duration_s > 0) {
        s.requests_per_second = static_cast<double>(latencies.size()) / s.duration_s;
    }
    if (latencies.empty()) return;
    std::sort(latencies.begin(), latencies.end());
    const auto pct = [&](double p) {
        const auto rank =
            static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(latencies.size())));
        return latencies[std::min(latencies.size() - 1, rank == 0 ? 0 : rank - 1)];
    };
    s.p50_us = pct(50);
    s.p90_us = pct(90);
    s.p99_us = pct(99);
    s.max_us = latencies.back();
    s.mean_us = total / static_cast<double>(latencies.size());
}

std::string format_summary(const LoadSummary& s) {
    char line[320];
    std::snprintf(
        line, sizeof line,
        "n=%zu ok=%zu other=%zu err=%zu aborted=%zu connects=%zu connect_failures=%zu "
        "duration=%.2fs rps=%.0f p50=%lluus p90=%lluus p99=%lluus max=%lluus",
        s.count, s.ok, s.other_status, s.errors, s.aborted, s.connects, s.connect_failures,
        s.duration_s, s.requests_per_second, static_cast<unsigned long long>(s.p50_us),
        static_cast<unsigned long long>(s.p90_us), static_cast<unsigned long long>(s.p99_us),
        static_cast<unsigned long long>(s.max_us));
    return line;
}

}  // namespace fieldgate::bench
