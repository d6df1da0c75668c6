#include "live_tally.h"

#include <chrono>
#include <cstdio>

namespace fieldgate::crm_sim {

LiveTally::LiveTally(const Receiver& receiver, bool enabled) : receiver_(receiver) {
    if (enabled) thread_ = std::thread([this] { run(); });
}

LiveTally::~LiveTally() {
    stop();
}

void LiveTally::stop() {
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

void LiveTally::run() {
    const auto start = std::chrono::steady_clock::now();
    std::unique_lock lock(mutex_);
    while (!cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) {
        const auto c = receiver_.counters();
        const auto mode = describe(receiver_.mode());
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::fprintf(stderr,
                     "\r[%6.1fs] received %zu  stored %zu  dup %zu  ooo %zu  badsig %zu  "
                     "malformed %zu  rejected %zu  faulted %zu  mode %s   ",
                     elapsed, c.received, c.stored, c.duplicates, c.out_of_order, c.bad_signatures,
                     c.malformed, c.rejected, c.faulted, mode.c_str());
        if (const auto* tokens = receiver_.tokens()) {
            const auto t = tokens->counters();
            std::fprintf(stderr, "badtoken %zu  tokens %zu  tokrefused %zu   ", c.bad_tokens,
                         t.tokens_issued, t.token_requests_refused);
        }
        std::fflush(stderr);
    }
}

}  // namespace fieldgate::crm_sim
