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
};

}  // namespace fieldgate::store
