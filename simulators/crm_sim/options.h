// Command line of fieldgate-crm-sim.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "schedule.h"

namespace fieldgate::crm_sim {

struct Options {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8090;  // events (and control); 0 = any free port
    std::string port_file;
    std::optional<std::uint16_t> control_port;  // control only, never down; 0 = any free port
    std::string control_port_file;
    std::string secret_file;
    int tolerance_s = 300;
    std::string schedule_text;
    std::vector<Phase> schedule;
    double duration_s = 0;  // 0 = until SIGINT/SIGTERM
    bool tally = false;
    std::string events_out;
};

// Parses argv. Returns the exit code to leave with when the program should stop now (--help,
// a bad option), nullopt when it should run.
std::optional<int> parse_options(int argc, char** argv, Options& out);

}  // namespace fieldgate::crm_sim
