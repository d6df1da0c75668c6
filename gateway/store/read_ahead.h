// What a writer job is going to read, told when it is submitted, so that a networked store can
// fetch it for the whole batch in one round trip before the jobs run instead of one round trip
// per lookup per job. A hint only saves time: a job reads the same rows with or without it.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace fieldgate::store {

struct ReadAhead {
    // Work orders whose state the job reads by case id (and, in the writer, locks).
    std::vector<std::string> crm_case_ids;
    // Outcomes the job looks up by content hash on those work orders.
    std::vector<std::string> content_hashes;
    // At most how many outcomes and raw payloads the job inserts.
    std::size_t new_outcomes = 0;
    std::size_t new_raw_payloads = 0;
    // All the job changes is in the store and what it answers is set afresh each time it runs,
    // so a batch that failed as a whole may run it again (writer.h).
    bool repeatable = false;

    bool empty() const {
        return crm_case_ids.empty() && content_hashes.empty() && new_outcomes == 0 &&
               new_raw_payloads == 0;
    }
};

}  // namespace fieldgate::store
