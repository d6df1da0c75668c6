#include "pacer.h"

#include <thread>

namespace fieldgate::sim {

Pacer::Pacer(double results_per_second) : rate_(results_per_second), next_(Clock::now()) {}

void Pacer::wait(std::size_t results) {
    if (rate_ <= 0 || results == 0) return;
    Clock::time_point at;
    {
        std::lock_guard lock(mutex_);
        const auto now = Clock::now();
        // No bursts after an idle spell: the schedule never lags the clock.
        if (next_ < now) next_ = now;
        at = next_;
        next_ += std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(static_cast<double>(results) / rate_));
    }
    std::this_thread::sleep_until(at);
}

}  // namespace fieldgate::sim
