#include "clock_skew.h"

namespace fieldgate::sync {

std::chrono::milliseconds clock_skew(SysMillis device_time, SysMillis received_at) {
    return device_time - received_at;
}

const char* to_string(TimeFlag flag) {
    switch (flag) {
        case TimeFlag::none:
            return "";
        case TimeFlag::corrected:
            return "clock_corrected";
        case TimeFlag::clamped_future:
            return "future_time_clamped";
        case TimeFlag::no_clock_sample:
            return "no_clock_sample";
    }
    return "";
}

EventTime correct_event_time(SysMillis device_at, std::optional<std::chrono::milliseconds> skew,
                             SysMillis received_at, std::chrono::milliseconds tolerance) {
    EventTime t{device_at, TimeFlag::none};
    if (skew && (*skew > tolerance || *skew < -tolerance)) {
        t.at = device_at - *skew;
        t.flag = TimeFlag::corrected;
    }
    if (t.at > received_at + tolerance) {
        // Still in the future: the device's clock moved between recording and syncing.
        t.at = received_at;
        t.flag = skew ? TimeFlag::clamped_future : TimeFlag::no_clock_sample;
    }
    return t;
}

}  // namespace fieldgate::sync
