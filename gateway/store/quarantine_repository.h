// SQL of the staff tools on quarantined payloads (list, inspect, replay bookkeeping, discard) and
// of the dead-letter discard. On a connection handed in by the caller; no transaction control.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "records.h"
#include "sqlite.h"

namespace fieldgate::store {

struct QuarantineFilter {
    std::optional<std::string> vendor;
    std::optional<std::string> from;   // received_at >= from (RFC 3339 UTC)
    std::optional<std::string> to;     // received_at < to
    std::optional<std::string> state;  // open | replayed | discarded
    std::int64_t after_id = 0;         // cursor: entries with a larger id
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

std::vector<QuarantineRow> list_quarantine(sqlite::Connection& db, const QuarantineFilter& f);
std::optional<QuarantineRow> find_quarantine(sqlite::Connection& db, std::int64_t id);
std::optional<QuarantinedPayload> find_quarantined_payload(sqlite::Connection& db, std::int64_t id);
// Every entry made from the same body of the same vendor (one per refused record of a batch).
std::vector<QuarantineRow> quarantine_of_body(sqlite::Connection& db,
                                              const std::optional<std::string>& vendor,
                                              const std::string& body_sha256);
// state 'replayed' when the new verdict is not a refusal; otherwise the entry stays open and
// only remembers the replay.
void record_replay(sqlite::Connection& db, std::int64_t id, const std::string& verdict,
                   const std::string& detail_json, bool resolved, const std::string& at);
// Only open entries are discarded; returns false when the entry is not open.
bool discard_quarantine(sqlite::Connection& db, std::int64_t id, const std::string& reason,
                        const std::string& at);
// Open entries per vendor (quarantine size).
std::int64_t open_quarantine_count(sqlite::Connection& db);

// A dead letter given up by staff: state 'discarded', kept with its reason. False when the row
// is not a dead letter.
bool discard_dead_letter(sqlite::Connection& db, std::int64_t id, const std::string& reason,
                         const std::string& at);

}  // namespace fieldgate::store
