// Paces results to --rate across all vendor threads (0 = no pacing).
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>

namespace fieldgate::sim {

class Pacer {
  public:
    explicit Pacer(double results_per_second);
    // Blocks until `results` more results may go out.
    void wait(std::size_t results);

  private:
    using Clock = std::chrono::steady_clock;
    double rate_;
    std::mutex mutex_;
    Clock::time_point next_;
};

}  // namespace fieldgate::sim
