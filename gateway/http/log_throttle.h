// Bounded logging for what an outsider can cause in volume (refused connections, refused
// credentials): at most `lines` lines per `period` for one kind of event; the rest are counted,
// and the next line let through says how many were held back. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

namespace fieldgate::http {

class LogThrottle {
  public:
    using Clock = std::chrono::steady_clock;

    LogThrottle(std::chrono::milliseconds period, std::uint32_t lines)
        : period_(period), lines_(lines) {}

    // nullopt: do not log this one. Otherwise log it, with the returned number of events held
    // back since the last line that was let through.
    std::optional<std::uint64_t> admit(Clock::time_point now = Clock::now()) {
        std::lock_guard lock(mutex_);
        if (now - window_start_ >= period_) {
            window_start_ = now;
            in_window_ = 0;
        }
        if (in_window_ >= lines_) {
            ++held_back_;
            return std::nullopt;
        }
        ++in_window_;
        const std::uint64_t held = held_back_;
        held_back_ = 0;
        return held;
    }

  private:
    std::mutex mutex_;
    const std::chrono::milliseconds period_;
    const std::uint32_t lines_;
    Clock::time_point window_start_{};
    std::uint32_t in_window_ = 0;
    std::uint64_t held_back_ = 0;
};

}  // namespace fieldgate::http
