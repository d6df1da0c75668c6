// Rows as the store keeps them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model.h"

namespace fieldgate::store {

struct WorkOrder {
    std::string id;
    std::string crm_case_id;
    std::string service_type;
    std::string address;
    std::optional<double> lat;
    std::optional<double> lon;
    std::string scheduled_date;
    std::optional<std::string> window_start;
    std::optional<std::string> window_end;
    std::string items_json = "[]";
    std::string instructions;
    std::string customer_json = "{}";
    std::optional<std::string> vendor;
    std::optional<std::string> route_id;
    std::optional<std::string> route_date;
    std::optional<std::string> stop_seq;
    std::string status;
    std::optional<std::int64_t> outcome_id;
    std::string content_hash;
    std::string created_at;
    std::string updated_at;
    std::optional<std::string> postal_code;  // ZIP or ZIP+4, given or taken from the address
};

struct HistoryEntry {
    std::string at;
    std::optional<std::string> from_status;
    std::string to_status;
    std::string source;
    std::optional<std::int64_t> outcome_id;
    std::optional<std::string> note;
};

// applied: changed the work order; late: an older progress event, recorded only;
// conflict: contradicts the terminal outcome already applied, kept for review.
struct OutcomeRow {
    std::int64_t id = 0;
    std::string work_order_id;
    std::string vendor;
    std::string source;  // vendor:<id> | crew:<id> | truck:<id>
    std::string vendor_ref;
    std::string content_hash;
    std::string disposition;
    NormalizedResult result;
    std::string received_at;
    std::string mapping_version;
    std::string catalog_version;
    std::optional<std::int64_t> raw_payload_id;
    std::string evidence_json = "{}";
    bool evidence_complete = true;
};

struct RawPayload {
    std::optional<std::string> vendor;
    std::string channel;  // http | mqtt | sync
    std::string received_at;
    std::string content_type;
    std::string request_id;
    std::string headers_json = "{}";  // redacted: no credentials
    std::string body;
    std::string body_sha256;  // computed off the writer thread when known; else by the store
    bool truncated = false;
};

struct QuarantineEntry {
    std::int64_t id = 0;
    std::optional<std::string> vendor;
    std::string channel;
    std::int64_t raw_payload_id = 0;
    std::string body_sha256;
    std::optional<std::string> record_pointer;
    std::string received_at;
    std::string last_seen_at;
    std::int64_t attempts = 1;
    int http_status = 0;
    std::string problem_type;
    std::string problem_json;
    std::string state;
};

struct StoredResponse {
    std::string request_sha256;
    int status = 0;
    std::string content_type;
    std::string body;
};

// A CRM event waiting in the outbox, written in the same transaction as its state change. It
// points at the immutable outcome instead of carrying a rendered copy, so the transaction stays
// small; the delivery worker renders the CloudEvent (events.h) and its id is "evt_<id>".
struct OutboxEvent {
    std::int64_t id = 0;
    std::string work_order_id;
    std::string event_type;
    std::string status;
    std::optional<std::int64_t> outcome_id;
    std::optional<std::string> extra_json;  // data beyond the outcome (e.g. overdue details)
    std::string created_at;
};

}  // namespace fieldgate::store
