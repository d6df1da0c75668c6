// What was refused and kept for replay (quarantine), and the events given up on (dead
// letters): what staff list, inspect, replay and discard.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "records.h"

namespace fieldgate::store {

struct DeadLetter {
    std::int64_t id = 0;
    std::string destination;
    std::string work_order_id;
    std::string crm_case_id;
    std::string event_type;
    int attempts = 0;
    std::optional<std::int64_t> last_status;
    std::optional<std::string> last_error;
    std::string created_at;
    std::optional<std::string> dead_at;
};

struct QuarantineFilter {
    std::optional<std::string> vendor;
    std::optional<std::string> from;          // received_at >= from (RFC 3339 UTC)
    std::optional<std::string> to;            // received_at < to
    std::optional<std::string> state;         // open | replayed | discarded
    std::optional<std::string> problem_type;  // the whole type, e.g. unmapped-code
    std::int64_t after_id = 0;                // cursor: entries with a larger id
    int limit = 100;
};

struct QuarantineRow {
    QuarantineEntry entry;
    std::optional<std::string> replayed_at;
    std::int64_t replay_count = 0;
    std::optional<std::string> replay_verdict;
    std::optional<std::string> replay_detail;  // JSON
    std::optional<std::string> discarded_at;
    std::optional<std::string> discard_reason;
};

struct QuarantinedPayload {
    QuarantineRow row;
    RawPayload raw;
};

class QuarantineRepository {
  public:
    virtual ~QuarantineRepository() = default;

    // quarantine: the same body refused again for the same reason at the same place counts an
    // attempt instead of a new entry, and `raw_payload_id` is asked for only for a new entry.
    virtual std::int64_t quarantine(QuarantineEntry entry,
                                    const std::function<std::int64_t()>& raw_payload_id) = 0;
    virtual std::vector<DeadLetter> dead_letters(const std::optional<std::string>& destination,
                                                 std::int64_t after_id, int limit) = 0;
    // Puts dead letters back in line as new (attempts 0, due now). `ids` empty = every dead letter
    // (of `destination` when given). Rows that are not dead are left alone, so a replay repeated
    // changes nothing. Returns how many went back.
    virtual int replay_dead_letters(const std::vector<std::int64_t>& ids,
                                    const std::optional<std::string>& destination) = 0;
    virtual std::vector<QuarantineRow> list_quarantine(const QuarantineFilter& f) = 0;
    virtual std::optional<QuarantineRow> find_quarantine(std::int64_t id) = 0;
    virtual std::optional<QuarantinedPayload> find_quarantined_payload(std::int64_t id) = 0;
    // Every entry made from the same body of the same vendor (one per refused record of a batch).
    virtual std::vector<QuarantineRow> quarantine_of_body(const std::optional<std::string>& vendor,
                                                          const std::string& body_sha256) = 0;
    // state 'replayed' when the new verdict is not a refusal; otherwise the entry stays open and
    // only remembers the replay.
    virtual void record_replay(std::int64_t id, const std::string& verdict,
                               const std::string& detail_json, bool resolved,
                               const std::string& at) = 0;
    // Only open entries are discarded; returns false when the entry is not open.
    virtual bool discard_quarantine(std::int64_t id, const std::string& reason,
                                    const std::string& at) = 0;
    // Open entries per vendor (quarantine size).
    virtual std::int64_t open_quarantine_count() = 0;
    // A dead letter given up by staff: state 'discarded', kept with its reason. False when the row
    // is not a dead letter.
    virtual bool discard_dead_letter(std::int64_t id, const std::string& reason,
                                     const std::string& at) = 0;
};

}  // namespace fieldgate::store
