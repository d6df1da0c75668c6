// --schedule: fault phases that run one after the other, then the CRM stays ok.
#pragma once

#include <chrono>
#include <string_view>
#include <vector>

#include "fault_mode.h"

namespace fieldgate::crm_sim {

struct Phase {
    std::chrono::milliseconds duration{0};
    FaultMode fault;
};

// "30s:ok,60s:error500,30s:throttle429:retry_after=5,500ms:slow:delay_ms=200,1m:down".
// Durations take ms, s or m (decimals allowed: "1.5s"); parameters are retry_after=N
// (seconds) and delay_ms=N. Throws std::invalid_argument naming the bad phase.
std::vector<Phase> parse_schedule(std::string_view text);

}  // namespace fieldgate::crm_sim
