// What the simulated CRM has received: the stored events in arrival order, de-duplication by
// webhook-id, the per-subject ordering check and the counters. No I/O, not thread-safe (the
// Receiver locks around it).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "event_parser.h"

namespace fieldgate::crm_sim {

struct StoredEvent {
    std::string webhook_id;
    Profile profile = Profile::kCloudEvents;
    std::string subject;
    std::string sequence;
    std::string type_or_status;
    std::string received_at;  // RFC 3339 UTC with milliseconds
    nlohmann::json body;
};

struct Counters {
    std::size_t received = 0;  // every event request, whatever the answer
    std::size_t stored = 0;
    std::size_t duplicates = 0;            // webhook-id seen before: answered 2xx, not stored again
    std::size_t duplicate_mismatches = 0;  // ... and its body differs from the stored one
    std::size_t out_of_order = 0;          // stored with a sequence below its subject's highest
    std::size_t bad_signatures = 0;        // 401
    std::size_t bad_tokens = 0;            // 401: OAuth on and no valid bearer token; not looked at
    std::size_t malformed = 0;             // 400/415: not JSON, wrong content type, field missing
    std::size_t rejected = 0;              // 400 because the webhook-id is in reject_ids
    std::size_t faulted = 0;              // answered by a fault (mode, fail_first_n), not looked at
    std::map<int, std::size_t> answered;  // HTTP status -> count
    std::size_t subjects = 0;             // distinct subjects stored
};

enum class Admission { kStored, kDuplicate };

struct AdmitResult {
    Admission admission = Admission::kStored;
    bool out_of_order = false;
};

class EventBook {
  public:
    // Stores the event unless its webhook-id was stored before.
    AdmitResult admit(StoredEvent event);

    void count_received() { ++counters_.received; }
    void count_bad_signature() { ++counters_.bad_signatures; }
    void count_bad_token() { ++counters_.bad_tokens; }
    void count_malformed() { ++counters_.malformed; }
    void count_rejected() { ++counters_.rejected; }
    void count_faulted() { ++counters_.faulted; }
    void count_answer(int status) { ++counters_.answered[status]; }

    const std::vector<StoredEvent>& events() const { return events_; }
    const Counters& counters() const { return counters_; }
    void clear();

  private:
    std::vector<StoredEvent> events_;
    std::unordered_map<std::string, std::size_t> index_by_webhook_id_;
    std::unordered_map<std::string, std::string> highest_sequence_;
    Counters counters_;
};

nlohmann::ordered_json to_json(const StoredEvent& e);
nlohmann::ordered_json to_json(const Counters& c);

}  // namespace fieldgate::crm_sim
