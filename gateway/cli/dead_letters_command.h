// `fieldgate dead-letters list|replay`: the staff API's dead-letter operations on the store
// file directly, so they work whether or not the gateway is running.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace fieldgate {

struct DeadLetterArgs {
    std::string config_path;
    std::string destination;  // empty = every destination
    int limit = 1000;
    std::vector<std::int64_t> ids;
    bool all = false;
};

int list_dead_letters(const DeadLetterArgs& args, std::ostream& out);
int replay_dead_letters(const DeadLetterArgs& args, std::ostream& out);

}  // namespace fieldgate
