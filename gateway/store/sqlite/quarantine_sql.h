// SQL of the staff tools on quarantined payloads (list, inspect, replay bookkeeping, discard) and
// of the dead-letter discard. On a connection handed in by the caller; no transaction control.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sqlite.h"
#include "transaction.h"

namespace fieldgate::store {

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
