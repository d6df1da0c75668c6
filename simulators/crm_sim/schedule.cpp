#include "schedule.h"

#include <charconv>
#include <stdexcept>
#include <string>
#include "http_text.h"

namespace fieldgate::crm_sim {

namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    for (;;) {
        const auto at = s.find(sep);
        out.push_back(s.substr(0, at));
        if (at == std::string_view::npos) return out;
        s = s.substr(at + 1);
    }
}

std::chrono::milliseconds parse_duration(std::string_view s, const std::string& where) {
    double value = 0;
    const auto* end = s.data() + s.size();
    const auto [ptr, ec] = std::from_chars(s.data(), end, value);
    const std::string_view unit(ptr, static_cast<std::size_t>(end - ptr));
    double ms_per_unit = 0;
    if (unit == "ms") ms_per_unit = 1;
    if (unit == "s") ms_per_unit = 1000;
    if (unit == "m") ms_per_unit = 60000;
    if (ec != std::errc() || ms_per_unit == 0 || value <= 0)
        throw std::invalid_argument(where + ": duration must be like 500ms, 30s or 2m");
    return std::chrono::milliseconds(static_cast<long long>(value * ms_per_unit));
}

int parse_count(std::string_view s, const std::string& where) {
    int value = 0;
    const auto* end = s.data() + s.size();
    const auto [ptr, ec] = std::from_chars(s.data(), end, value);
    if (ec != std::errc() || ptr != end || value < 0)
        throw std::invalid_argument(where + ": '" + std::string(s) + "' is not a whole number");
    return value;
}

}  // namespace

std::vector<Phase> parse_schedule(std::string_view text) {
    std::vector<Phase> phases;
    if (trim_ows(text).empty()) return phases;
    const auto items = split(text, ',');
    for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string where = "schedule phase " + std::to_string(i + 1) + " '" +
                                  std::string(trim_ows(items[i])) + "'";
        const auto parts = split(trim_ows(items[i]), ':');
        if (parts.size() < 2) throw std::invalid_argument(where + ": expected DURATION:MODE");
        Phase phase;
        phase.duration = parse_duration(trim_ows(parts[0]), where);
        const auto mode = parse_mode(trim_ows(parts[1]));
        if (!mode) throw std::invalid_argument(where + ": unknown mode");
        phase.fault.mode = *mode;
        for (std::size_t p = 2; p < parts.size(); ++p) {
            const auto param = trim_ows(parts[p]);
            const auto eq = param.find('=');
            const auto key = param.substr(0, eq);
            if (eq == std::string_view::npos)
                throw std::invalid_argument(where + ": parameter must be KEY=VALUE");
            const auto value = param.substr(eq + 1);
            if (key == "retry_after") {
                phase.fault.retry_after_s = parse_count(value, where);
            } else if (key == "delay_ms") {
                phase.fault.delay_ms = parse_count(value, where);
            } else {
                throw std::invalid_argument(where + ": unknown parameter '" + std::string(key) +
                                            "' (retry_after, delay_ms)");
            }
        }
        phases.push_back(phase);
    }
    return phases;
}

}  // namespace fieldgate::crm_sim
