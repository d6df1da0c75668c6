// The staff console's sessions and the audit log of every change staff make. Sessions live in
// the store, not in a gateway's memory, so that behind a load balancer a session opened on one
// gateway is known to every other one on the same database, and signing out ends it everywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fieldgate::store {

struct ConsoleSession {
    std::string id_hash;  // hex SHA-256 of the session id: the id itself is never stored
    std::string account;
    std::string role;  // viewer | operator
    std::string created_at;
    std::string expires_at;  // RFC 3339 UTC
};

struct AuditEntry {
    std::int64_t id = 0;
    std::string at;
    std::string account;  // a console account, or "admin-token" for the staff bearer token
    std::string role;
    std::string action;  // "POST /v1/admin/quarantine/replay", "sign-in", ...
    std::string target;  // the request path
    int status = 0;      // the HTTP status answered
    std::string detail;  // the request body, cut short; never a credential
};

// A work order found by the console's search.
struct OrderMatch {
    std::string id;
    std::string crm_case_id;
    std::string address;
    std::string vendor;
    std::string scheduled_date;
    std::string status;
};

// One CRM (or push vendor) event of a work order and where its delivery stands.
struct OrderEvent {
    std::int64_t id = 0;
    std::string destination;
    std::string event_type;
    std::string state;  // pending | delivered | dead | discarded
    std::int64_t attempts = 0;
    std::optional<std::int64_t> last_status;
    std::string last_error;
    std::string created_at;
    std::string next_attempt_at;
    std::string delivered_at;
    std::string dead_at;
};

class ConsoleRepository {
  public:
    virtual ~ConsoleRepository() = default;

    // Also forgets sessions that expired before `session.created_at`.
    virtual void insert_console_session(const ConsoleSession& session) = 0;
    // The session when it exists, has not ended and expires after `now`.
    virtual std::optional<ConsoleSession> find_console_session(const std::string& id_hash,
                                                               const std::string& now) = 0;
    // False when there was no such session.
    virtual bool end_console_session(const std::string& id_hash) = 0;
    virtual void append_audit(const AuditEntry& entry) = 0;
    // Newest first; entries with an id below `before_id` (0: from the newest).
    virtual std::vector<AuditEntry> list_audit(std::int64_t before_id, int limit) = 0;
    // Work orders whose id or CRM case number is `text`, whose outcomes carry the vendor
    // reference `text`, or whose address contains it (any case); newest first. A staff search:
    // the address is matched by scanning the orders, which is fine at a person's pace.
    virtual std::vector<OrderMatch> search_work_orders(const std::string& text, int limit) = 0;
    // Every outbox event of the work order, oldest first.
    virtual std::vector<OrderEvent> list_order_events(const std::string& work_order_id) = 0;
};

}  // namespace fieldgate::store
