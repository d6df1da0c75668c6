// `fieldgate quarantine list|show|replay|discard` and `fieldgate dead-letters discard`.
// Quarantine commands go through the running gateway's staff API (admin_client.h): a replay
// must use the mapping the gateway serves right now and commit through its one writer, and
// the API is the same code, so the CLI and the API cannot disagree. Dead-letter discard works
// on the store file like its sibling dead-letters commands.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace fieldgate {

struct QuarantineArgs {
    std::string config_path;
    std::string gateway;  // host:port override
    std::string vendor;
    std::string from;
    std::string to;
    std::string state;
    std::string problem;  // problem type, e.g. unmapped-code
    int limit = 1000;
    std::vector<std::int64_t> ids;
    bool all = false;
    std::string reason;
};

int quarantine_list(const QuarantineArgs& args, std::ostream& out, std::ostream& err);
int quarantine_show(const QuarantineArgs& args, std::ostream& out, std::ostream& err);
int quarantine_replay(const QuarantineArgs& args, std::ostream& out, std::ostream& err);
int quarantine_discard(const QuarantineArgs& args, std::ostream& out, std::ostream& err);
int dead_letter_discard(const std::string& config_path, std::int64_t id, const std::string& reason,
                        std::ostream& out, std::ostream& err);

}  // namespace fieldgate
