// fieldgate_offline: the library a crew tablet app embeds. It keeps the crew's assignments, the
// code catalog and an outbox of crew actions in its own SQLite file, so a crew works with no
// signal, and syncs with the gateway when it can: push the outbox in batches (idempotent per
// client action id), upload photos in resumable chunks, pull changes since its cursor.
//
// Nothing recorded is ever dropped by the library: an action leaves the "pending" state only
// when the gateway has answered a verdict for it, and the gateway answers only after its commit.
// A sync cut anywhere is simply run again.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace fieldgate::offline {

using DeviceClock = std::function<std::chrono::system_clock::time_point()>;

// Bad input to the library (unknown action type, missing reason, unreadable photo...).
class InvalidArgument : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};
// The gateway refused a request for good (401, 4xx): the message says why.
class Refused : public std::runtime_error {
  public:
    Refused(int status, const std::string& what) : std::runtime_error(what), status_(status) {}
    int status() const { return status_; }

  private:
    int status_;
};
// The gateway could not be reached or the connection broke: try again later.
class Unreachable : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct GatewayAddress {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
};

struct Assignment {
    std::string work_order_id;
    std::string crm_case_id;
    std::string service_type;
    std::string address;
    std::optional<double> lat;
    std::optional<double> lon;
    std::string scheduled_date;
    std::string window_start;  // empty when the order has no window
    std::string window_end;
    std::string instructions;
    std::string items_json;  // the declared items, as a JSON array
    std::string status;      // the gateway's status when last pulled (cancelled included)
};

// One crew action. type: arrived | completed | partial | not_collected | note.
struct ActionInput {
    std::string type;
    std::string work_order_id;
    std::string reason;  // catalog reason code: required for partial and not_collected
    std::string detail;  // free text; the note's text for a note
    std::optional<double> lat;
    std::optional<double> lon;
    std::optional<double> gps_accuracy_m;
    std::vector<std::string> photo_paths;  // files on the device; uploaded at sync
    std::optional<std::int64_t> items_collected;
    // The device clock at the moment of recording when unset.
    std::optional<std::chrono::system_clock::time_point> occurred_at;
};

struct RecordedAction {
    std::string action_id;  // client-generated, the idempotency key at the gateway
    std::int64_t seq = 0;   // the device's own sequence
    std::vector<std::string> photo_sha256;
};

// An outbox entry: pending until the gateway answered, then settled with the verdict.
struct OutboxEntry {
    std::int64_t seq = 0;
    std::string action_id;
    std::string work_order_id;
    std::string type;
    std::string state;    // pending | settled
    std::string verdict;  // accepted | duplicate | late | conflict | cancelled | rejected | noted
    std::string result_json;
};

struct SyncOptions {
    std::size_t batch_size = 500;  // actions per push
    std::size_t photo_chunk_bytes = 256 * 1024;
    std::chrono::milliseconds timeout{30000};  // per request
};

struct SyncReport {
    std::size_t batches = 0;
    std::size_t settled = 0;  // actions answered in this sync
    std::size_t accepted = 0, duplicate = 0, late = 0, conflict = 0, cancelled = 0, rejected = 0,
                noted = 0;
    std::size_t photos_uploaded = 0;
    std::size_t changes_applied = 0;
    bool complete = false;  // everything pushed, uploaded and pulled
    std::string error;      // why not, when not
};

struct Status {
    std::string device_id;
    std::string crew;
    std::string gateway;  // host:port
    std::size_t assignments = 0;
    std::size_t pending_actions = 0;
    std::size_t settled_actions = 0;
    std::size_t pending_photos = 0;
    std::int64_t cursor = 0;
    std::int64_t next_seq = 1;
    std::string last_sync_at;  // empty before the first complete sync
};

class Tablet {
  public:
    // Opens (creating when needed) the tablet database at `db_path`.
    explicit Tablet(const std::string& db_path, DeviceClock clock = nullptr);
    ~Tablet();
    Tablet(const Tablet&) = delete;
    Tablet& operator=(const Tablet&) = delete;

    // Exchanges the one-time enrollment token staff issued for a device secret, kept locally.
    void enroll(const GatewayAddress& gateway, const std::string& device_id,
                const std::string& enrollment_token, const std::string& app_version = "1.0");
    bool enrolled() const;
    void set_gateway(const GatewayAddress& gateway);

    // Downloads the crew's assignments from yesterday to `days` ahead and the code catalog.
    std::size_t pull(int days = 7, std::chrono::milliseconds timeout = std::chrono::seconds(30));
    std::vector<Assignment> assignments() const;
    std::optional<Assignment> assignment(const std::string& work_order_id) const;
    std::string catalog_json() const;  // "" before the first pull

    // Stores the action in the outbox (durably, before returning). Checks what can be checked
    // offline: the type, the reason against the catalog, the photo files.
    RecordedAction record(const ActionInput& action);

    // Push, photos, pull. Never throws for network trouble: the report says how far it got.
    SyncReport sync(const SyncOptions& options = {});

    Status status() const;
    std::vector<OutboxEntry> outbox(bool pending_only = false) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace fieldgate::offline
