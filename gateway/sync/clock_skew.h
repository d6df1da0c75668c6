// Device clocks on crew tablets drift or are set wrong. Each sync carries the device's clock at
// the moment it sent the request; the gateway compares it with its own receive time and, when
// the difference is beyond a tolerance, corrects the event times of that batch and flags them.
// Pure functions: no I/O.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "time_util.h"

namespace fieldgate::sync {

// Network and queueing delay stay well inside this; anything beyond is the device's clock.
inline constexpr std::chrono::milliseconds kClockTolerance{120000};

// device clock minus gateway clock (positive: the device runs ahead).
std::chrono::milliseconds clock_skew(SysMillis device_time, SysMillis received_at);

enum class TimeFlag { none, corrected, clamped_future, no_clock_sample };
const char* to_string(TimeFlag flag);

struct EventTime {
    SysMillis at;
    TimeFlag flag = TimeFlag::none;
};

// The event time to store for an action recorded at `device_at` (device clock):
// - skew known and within tolerance: kept as sent;
// - skew known and beyond tolerance: shifted by the skew (flag corrected);
// - no clock sample: kept, flagged no_clock_sample only when it lies in the future;
// - whatever the case, never later than `received_at` (flag clamped_future).
EventTime correct_event_time(SysMillis device_at, std::optional<std::chrono::milliseconds> skew,
                             SysMillis received_at,
                             std::chrono::milliseconds tolerance = kClockTolerance);

}  // namespace fieldgate::sync
