// Command line of fieldgate-vendor-sim.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fieldgate::sim {

struct Options {
    std::string gateway = "127.0.0.1:8080";
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    std::string secrets_dir = "secrets";
    int orders = 100;  // per vendor
    std::vector<std::string> vendors = {"bay-hauling", "valley-disposal", "curbside-coop"};
    double rate = 0;  // results per second overall; 0 = as fast as possible
    double bad_share = 0.05;
    double retry_share = 0.1;
    std::uint64_t seed = 1;
    std::string date;  // YYYY-MM-DD, scheduled date of every order
    std::string case_prefix;
    int route_size = 8;  // stops per route
    int timeout_ms = 15000;
    int max_attempts = 10;  // per payload, for 503 / Retry-After / transport errors
    std::string json_path;
    bool quiet = false;
};

// Parses argv. Returns the exit code to leave with when the program should stop now (--help,
// a bad option), nullopt when it should run.
std::optional<int> parse_options(int argc, char** argv, Options& out);

}  // namespace fieldgate::sim
