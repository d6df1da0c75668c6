// normalize -> check -> store + outbox: the one path every vendor result, MQTT stop event and
// crew sync takes. apply_ingest() runs inside the writer's transaction, so the raw payload,
// the outcomes, the status changes, the history and the outbox events commit together. Sources
// reach it only through IngestService (ingest_service.h), which the conventions test holds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api_error.h"
#include "catalog.h"
#include "events.h"
#include "model.h"
#include "records.h"
#include "transaction.h"

namespace fieldgate {

struct IngestContext {
    const Catalog* catalog = nullptr;
    EventContext events;
    std::string city_zone;
};

// corrected: a closed order's result sent again under the same vendor reference with the same
// outcome and reason but other details; recorded as the order's current outcome (correction.h).
enum class Verdict { accepted, corrected, duplicate, late, conflict, rejected };
const char* to_string(Verdict v);

struct RecordVerdict {
    std::size_t index = 0;
    std::string pointer;
    std::string vendor_ref;
    std::string crm_case_id;
    Verdict verdict = Verdict::rejected;
    bool route_level = false;
    std::vector<std::string> outcome_ids;  // "oc_<n>"
    std::vector<std::string> work_order_ids;
    std::vector<ApiError> errors;  // rejected / conflict: why
};

struct IngestReport {
    std::int64_t raw_payload_id = 0;
    bool batch = false;
    std::optional<ApiError> payload_error;  // the payload as a whole was refused
    std::vector<RecordVerdict> records;
    std::size_t count(Verdict v) const;
    bool all_good() const;  // nothing rejected and no conflict (a correction is good)
};

struct IngestRequest {
    std::string vendor;
    std::string source;  // vendor:<id>, truck:<id>, crew:<id>
    std::string mapping_version;
    store::RawPayload raw;
    NormalizeOutput normalized;
    std::optional<ApiError> refused;  // refused before normalization (auth, media type, size)
    std::vector<std::string> content_hashes;  // per record, filled by prepare_ingest()
    // A replay of a stored payload refers to its row instead of storing the body again.
    std::int64_t stored_raw_payload_id = 0;
};

// Everything that needs no database (hashes), done on the caller's thread so the writer's
// transaction only reads and writes.
void prepare_ingest(IngestRequest& req);

IngestReport apply_ingest(store::Transaction& db, const IngestContext& ctx,
                          const IngestRequest& req);

// Canonical content of a result, hashed for idempotency: what the field said, not where the
// record sat in the payload (a batch re-sending a single is the same result).
std::string content_hash(const NormalizedResult& r);

}  // namespace fieldgate
