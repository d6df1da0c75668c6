// How the simulated CRM answers events right now: one mode and its parameters.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fieldgate::crm_sim {

enum class Mode {
    kOk,           // store and answer 200
    kDown,         // listener closed: connections refused
    kSlow,         // store, answer after delay_ms
    kError500,     // 500, nothing stored
    kThrottle429,  // 429 with Retry-After: retry_after_s, nothing stored
    kGone410,      // 410, nothing stored
    kReject400,    // 400 for every event, nothing stored
    kTooLarge413,  // 413 Content Too Large for every event, nothing stored
};

struct FaultMode {
    Mode mode = Mode::kOk;
    int delay_ms = 1000;
    int retry_after_s = 1;

    bool operator==(const FaultMode&) const = default;
};

std::string_view mode_name(Mode m);
std::optional<Mode> parse_mode(std::string_view name);
// "throttle429 retry_after=5" style, for logs and the report.
std::string describe(const FaultMode& f);

}  // namespace fieldgate::crm_sim
