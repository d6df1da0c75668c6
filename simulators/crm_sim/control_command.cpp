#include "control_command.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace fieldgate::crm_sim {

namespace {

using json = nlohmann::json;

ControlParse refuse_control(std::string problem) {
    ControlParse r;
    r.problem = std::move(problem);
    return r;
}

// A whole number in [0, max]; nullopt otherwise.
std::optional<int> whole(const json& v, int max) {
    if (!v.is_number_integer()) return std::nullopt;
    const auto n = v.get<long long>();
    if (n < 0 || n > max) return std::nullopt;
    return static_cast<int>(n);
}

// "mode" and what goes with it; a problem, or empty when fine.
std::string parse_fault(const json& j, ControlCommand& cmd) {
    if (!j.contains("mode")) {
        for (const char* key : {"delay_ms", "retry_after_s", "for_s"}) {
            if (j.contains(key)) return std::string("'") + key + "' needs 'mode'";
        }
        return {};
    }
    const auto& m = j["mode"];
    const auto mode = m.is_string() ? parse_mode(m.get<std::string>()) : std::nullopt;
    if (!mode)
        return "'mode' must be one of ok, down, slow, error500, throttle429, gone410, reject400, "
               "too_large413";
    FaultMode fault;
    fault.mode = *mode;
    if (j.contains("delay_ms")) {
        const auto v = whole(j["delay_ms"], 3600 * 1000);
        if (!v) return "'delay_ms' must be a whole number 0..3600000";
        fault.delay_ms = *v;
    }
    if (j.contains("retry_after_s")) {
        const auto v = whole(j["retry_after_s"], 86400);
        if (!v) return "'retry_after_s' must be a whole number 0..86400";
        fault.retry_after_s = *v;
    }
    if (j.contains("for_s")) {
        const auto& f = j["for_s"];
        if (!f.is_number() || f.get<double>() <= 0 || f.get<double>() > 86400)
            return "'for_s' must be a number of seconds, 0 < for_s <= 86400";
        cmd.for_duration =
            std::chrono::milliseconds(static_cast<long long>(f.get<double>() * 1000));
    }
    cmd.fault = fault;
    return {};
}

std::string parse_tokens(const json& j, ControlCommand& cmd) {
    if (j.contains("expire_tokens")) {
        if (j["expire_tokens"] != true) return "'expire_tokens' must be true";
        cmd.expire_tokens = true;
    }
    if (j.contains("refuse_tokens")) {
        if (!j["refuse_tokens"].is_boolean()) return "'refuse_tokens' must be true or false";
        cmd.refuse_tokens = j["refuse_tokens"].get<bool>();
    }
    return {};
}

}  // namespace

ControlParse parse_control(std::string_view body) {
    const json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return refuse_control("body must be a JSON object");
    for (const auto& [key, value] : j.items()) {
        static const std::vector<std::string> kKnown = {
            "mode",       "delay_ms",     "retry_after_s", "for_s",
            "reject_ids", "fail_first_n", "expire_tokens", "refuse_tokens"};
        if (std::find(kKnown.begin(), kKnown.end(), key) == kKnown.end())
            return refuse_control(
                "unknown member '" + key +
                "' (mode, delay_ms, retry_after_s, for_s, reject_ids, fail_first_n, "
                "expire_tokens, refuse_tokens)");
    }
    ControlCommand cmd;
    if (auto problem = parse_fault(j, cmd); !problem.empty())
        return refuse_control(std::move(problem));
    if (auto problem = parse_tokens(j, cmd); !problem.empty())
        return refuse_control(std::move(problem));
    if (j.contains("reject_ids")) {
        const auto& ids = j["reject_ids"];
        if (!ids.is_array()) return refuse_control("'reject_ids' must be an array of webhook-ids");
        std::vector<std::string> out;
        for (const auto& id : ids) {
            if (!id.is_string()) return refuse_control("'reject_ids' must be an array of strings");
            out.push_back(id.get<std::string>());
        }
        cmd.reject_ids = std::move(out);
    }
    if (j.contains("fail_first_n")) {
        const auto v = whole(j["fail_first_n"], 1000);
        if (!v) return refuse_control("'fail_first_n' must be a whole number 0..1000");
        cmd.fail_first_n = *v;
    }
    ControlParse r;
    r.command = std::move(cmd);
    return r;
}

}  // namespace fieldgate::crm_sim
