#include "fault_mode.h"

#include <array>
#include <utility>

namespace fieldgate::crm_sim {

namespace {

constexpr std::array<std::pair<Mode, std::string_view>, 8> kNames = {{
    {Mode::kOk, "ok"},
    {Mode::kDown, "down"},
    {Mode::kSlow, "slow"},
    {Mode::kError500, "error500"},
    {Mode::kThrottle429, "throttle429"},
    {Mode::kGone410, "gone410"},
    {Mode::kReject400, "reject400"},
    {Mode::kTooLarge413, "too_large413"},
}};

}  // namespace

std::string_view mode_name(Mode m) {
    for (const auto& [mode, name] : kNames) {
        if (mode == m) return name;
    }
    return "unknown";
}

std::optional<Mode> parse_mode(std::string_view name) {
    for (const auto& [mode, n] : kNames) {
        if (n == name) return mode;
    }
    return std::nullopt;
}

std::string describe(const FaultMode& f) {
    std::string out(mode_name(f.mode));
    if (f.mode == Mode::kSlow) out += " delay_ms=" + std::to_string(f.delay_ms);
    if (f.mode == Mode::kThrottle429) out += " retry_after=" + std::to_string(f.retry_after_s);
    return out;
}

}  // namespace fieldgate::crm_sim
