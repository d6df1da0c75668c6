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
    // HTTPS on the events port when both are given; the control port stays plain HTTP.
    std::string tls_cert;
    std::string tls_key;
    // OAuth 2.0 client credentials when oauth_client_id is given.
    std::string oauth_client_id;
    std::string oauth_client_secret_file;
    int oauth_token_ttl_s = 300;
    std::string oauth_scope;
};

// Parses argv. Returns the exit code to leave with when the program should stop now (--help,
// a bad option), nullopt when it should run.
std::optional<int> parse_options(int argc, char** argv, Options& out);

}  // namespace fieldgate::crm_sim
