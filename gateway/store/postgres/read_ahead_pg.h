// What the writer's batch read ahead on PostgreSQL (read_ahead.h): the work orders it locked,
// their outcomes by content, and ids reserved for the rows it will insert. A job's write drops
// what was read about the rows it touches, so the next read of them asks the server and sees
// the write; whatever a later batch needs is read again (forget()).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "records.h"

namespace fieldgate::store {

class PgReadAheadCache {
  public:
    void forget();

    // nullopt: not read ahead. An engaged empty optional: read ahead, no such work order.
    std::optional<std::optional<WorkOrder>> work_order_by_case(const std::string& case_id) const;
    // nullopt: not read ahead. Else the outcomes of that order with that content.
    const std::vector<OutcomeRow>* outcomes(const std::string& work_order_id,
                                            const std::string& content_hash) const;

    void add_missing_case(const std::string& case_id) { by_case_[case_id] = std::nullopt; }
    void add_work_order(WorkOrder wo);
    void cover_outcomes(const std::string& work_order_id, const std::string& content_hash) {
        outcomes_[{work_order_id, content_hash}];
    }
    void add_outcome(OutcomeRow row);
    void add_ids(std::int64_t outcome_id, std::int64_t raw_payload_id);

    // A write to the work order or a new one under that case id: its rows are read anew.
    void drop_work_order(const std::string& id);
    void drop_case(const std::string& case_id) { by_case_.erase(case_id); }
    void drop_outcomes(const std::string& work_order_id, const std::string& content_hash) {
        outcomes_.erase({work_order_id, content_hash});
    }

    // An outcome id reserved after the batch locked `work_order_id`, so outcome ids of an order
    // grow in the order its results were applied, whichever gateway applied them. nullopt when
    // the order was not locked ahead or none is left: the insert then asks the server.
    std::optional<std::int64_t> take_outcome_id(const std::string& work_order_id);
    std::optional<std::int64_t> take_raw_payload_id();

  private:
    std::unordered_map<std::string, std::optional<WorkOrder>> by_case_;
    std::unordered_set<std::string> locked_;  // work order ids read (and locked) ahead
    std::map<std::pair<std::string, std::string>, std::vector<OutcomeRow>> outcomes_;
    std::deque<std::int64_t> outcome_ids_;
    std::deque<std::int64_t> raw_payload_ids_;
};

}  // namespace fieldgate::store
