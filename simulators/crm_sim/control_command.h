// The body of POST /_control:
//   {"mode": "throttle429", "delay_ms": 200, "retry_after_s": 5, "for_s": 30,
//    "reject_ids": ["evt_12"], "fail_first_n": 2, "expire_tokens": true, "refuse_tokens": true}
// Every member is optional; absent ones leave the current setting alone. delay_ms,
// retry_after_s and for_s go with "mode". Unknown members are an error. The token members need
// OAuth on (the control plane checks that).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fault_mode.h"

namespace fieldgate::crm_sim {

struct ControlCommand {
    std::optional<FaultMode> fault;
    std::optional<std::chrono::milliseconds> for_duration;  // then back to ok
    std::optional<std::vector<std::string>> reject_ids;     // replaces the list
    std::optional<int> fail_first_n;                        // per webhook-id; 0 = off
    bool expire_tokens = false;                             // every issued token, now
    std::optional<bool> refuse_tokens;                      // token requests: invalid_client
};

struct ControlParse {
    std::optional<ControlCommand> command;
    std::string problem;  // when there is no command
};

ControlParse parse_control(std::string_view body);

}  // namespace fieldgate::crm_sim
