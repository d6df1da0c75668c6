#include "retry_policy.h"

#include <date/date.h>

#include <charconv>
#include <sstream>
#include <string>

namespace fieldgate::delivery {

AttemptResult classify(int status) {
    if (status >= 200 && status < 300) return AttemptResult::delivered;
    if (status == 410) return AttemptResult::gone;
    if (status == 0 || status == 408 || status == 429 || status >= 500) return AttemptResult::retry;
    return AttemptResult::rejected;  // other 4xx, and 1xx/3xx we never asked for
}

bool endpoint_wide(int status) {
    return status == 0 || status == 429 || status == 502 || status == 503 || status == 504;
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now) {
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    if (value.empty()) return std::nullopt;
    long long seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc() && end == value.data() + value.size()) {
        if (seconds < 0) return std::nullopt;
        return std::chrono::seconds(seconds);
    }
    // IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT".
    std::istringstream in{std::string(value)};
    date::sys_seconds when{};
    in >> date::parse("%a, %d %b %Y %H:%M:%S GMT", when);
    if (in.fail()) return std::nullopt;
    const auto delta = std::chrono::duration_cast<std::chrono::seconds>(when - now);
    return delta.count() > 0 ? delta : std::chrono::seconds(0);
}

BackoffSchedule::BackoffSchedule()
    : steps_{std::chrono::seconds(0),  std::chrono::seconds(5), std::chrono::minutes(5),
             std::chrono::minutes(30), std::chrono::hours(2),   std::chrono::hours(5),
             std::chrono::hours(10),   std::chrono::hours(10)} {}

BackoffSchedule::BackoffSchedule(std::vector<std::chrono::seconds> steps)
    : steps_(std::move(steps)) {}

std::optional<std::chrono::seconds> BackoffSchedule::next_delay(
    int failed_attempts, std::optional<std::chrono::seconds> retry_after) const {
    // steps_[0] is the first attempt's delay (immediately); attempt n+1 waits steps_[n].
    if (failed_attempts < 1 || static_cast<std::size_t>(failed_attempts) >= steps_.size())
        return std::nullopt;
    auto delay = steps_[static_cast<std::size_t>(failed_attempts)];
    if (retry_after && *retry_after > delay) delay = *retry_after;
    return delay;
}

}  // namespace fieldgate::delivery
