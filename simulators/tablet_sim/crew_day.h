// One simulated crew: a tablet (its own database, its own skewed clock) behind its own fault
// proxy, working through its assignments with offline spells and syncs cut mid-way.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace fieldgate::sim {

struct CrewDayOptions {
    std::string gateway_host = "127.0.0.1";
    std::uint16_t gateway_port = 8080;
    std::string admin_token;
    std::string crm_token;
    std::string crew;
    std::string work_dir;  // tablet database and photos
    int orders = 8;
    std::uint64_t seed = 1;
    int max_skew_minutes = 240;   // the clock is off by up to this, either way (30% of crews)
    double offline_chance = 0.3;  // per sync attempt
    double cut_chance = 0.4;      // per sync attempt
    double photo_chance = 0.4;    // per order
    double cancel_chance = 0.1;   // per order: the CRM cancels it during the day
};

struct CrewDayResult {
    std::string crew;
    std::size_t recorded = 0;
    std::size_t sync_attempts = 0;
    std::size_t syncs_cut_short = 0;
    std::size_t connection_cuts = 0;
    std::size_t photos = 0;
    std::size_t cancelled_orders = 0;
    std::size_t pending_at_end = 0;
    long long skew_minutes = 0;
    std::map<std::string, std::size_t> verdicts;
    std::string error;  // set when the day could not be run at all
};

CrewDayResult run_crew_day(const CrewDayOptions& options);

}  // namespace fieldgate::sim
