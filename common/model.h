// The canonical model: what every vendor payload, MQTT event and crew sync is normalized into.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fieldgate {

// Standard outcome codes (catalog "outcomes").
inline constexpr const char* kCompleted = "COMPLETED";
inline constexpr const char* kPartiallyCompleted = "PARTIALLY_COMPLETED";
inline constexpr const char* kNotCollected = "NOT_COLLECTED";
inline constexpr const char* kCancelled = "CANCELLED";

// Where a route-level event applies: every open stop of that route and day.
struct RouteRef {
    std::string id;
    std::string date;      // YYYY-MM-DD
    std::string stop_seq;  // empty when unknown
};

// One vendor record after its mapping ran: canonical codes, vendor codes kept for audit.
struct NormalizedResult {
    std::string
        pointer;  // where the record sits in the payload: JSON pointer, XML path or "line N"
    std::string vendor_ref;   // the vendor's own job reference (ticket, guid, route/day/stop)
    std::string crm_case_id;  // the CRM service request number; empty for a route-level event
    // Exactly one of outcome / progress is set.
    std::string outcome;   // COMPLETED | PARTIALLY_COMPLETED | NOT_COLLECTED | CANCELLED
    std::string progress;  // acknowledged | en_route | on_site
    std::string reason;    // standard reason code; empty when the outcome is COMPLETED or progress
    std::string vendor_status;
    std::string vendor_reason;
    std::string detail;                      // free text from the field
    std::optional<std::string> occurred_at;  // RFC 3339 with the field's offset, or UTC 'Z'
    std::optional<double> lat;
    std::optional<double> lon;
    std::optional<double> gps_accuracy_m;
    std::string truck;
    std::string crew;
    std::string driver;
    std::vector<std::string> photos;
    std::optional<std::int64_t> items_collected;
    std::optional<std::string> service_date;  // YYYY-MM-DD
    RouteRef route;
    bool route_level = false;  // applies to every open stop of `route`
};

// Why one record (or the whole payload) was refused. `pointer` names the vendor's field.
struct RecordError {
    std::string pointer;  // JSON pointer (JSON), element path (XML) or "line N/column" (CSV)
    std::string field;    // the vendor's field name as the vendor knows it
    std::string code;  // machine code: malformed, missing_field, invalid_value, unmapped_code, ...
    std::string detail;  // a sentence a person at the vendor can act on
};

struct RecordResult {
    std::optional<NormalizedResult> result;  // set when the record normalized
    std::vector<RecordError> errors;         // set when it did not
    bool ok() const { return result.has_value() && errors.empty(); }
};

// What an adapter makes of one payload.
struct NormalizeOutput {
    std::vector<RecordResult> records;
    std::optional<RecordError> payload_error;  // the payload as a whole is unreadable
    bool batch = false;                        // the payload was a batch (even of one)
};

}  // namespace fieldgate
