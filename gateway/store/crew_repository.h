// Crew devices, the actions they pushed (idempotent by device and action id), and their
// photos, uploaded in chunks by content hash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "records.h"

namespace fieldgate::store {

struct DeviceRow {
    std::string id;
    std::string crew;
    std::string name;
    std::optional<std::string> token_sha256;   // set until the device first uses its secret
    std::optional<std::string> secret_sha256;  // set once enrolled
    std::string created_at;
    std::optional<std::string> enrolled_at;
    std::optional<std::string> last_seen_at;
    std::optional<std::string> app_version;
    std::string state;
};

struct CrewActionRow {
    std::string device_id;
    std::string action_id;
    std::int64_t device_seq = 0;
    std::optional<std::string> work_order_id;
    std::string type;
    std::string request_sha256;
    std::string body;  // the action as the device sent it (a note's text and photos live here)
    std::optional<std::string> device_time;
    std::optional<std::string> occurred_at;
    std::optional<std::int64_t> clock_skew_ms;
    std::optional<std::string> time_flag;
    std::string verdict;
    std::string result_json;  // the answer given the first time, given again to every repeat
    std::string received_at;
};

inline constexpr std::int64_t kMaxPhotoBytes = 32 << 20;

struct PhotoState {
    std::string sha256;
    std::int64_t size = 0;
    std::int64_t received = 0;
    bool complete = false;
};

// Who sends a chunk: the upload is the crew's; the device is recorded as the one that started it.
struct PhotoUploader {
    std::string crew;
    std::string device_id;
};

enum class ChunkResult {
    stored,
    completed,
    already_complete,
    offset_mismatch,
    too_long,
    hash_mismatch,
    size_mismatch
};

struct ChunkOutcome {
    ChunkResult result;
    PhotoState state;
};

class CrewRepository {
  public:
    virtual ~CrewRepository() = default;

    virtual std::optional<DeviceRow> find_device(const std::string& id) = 0;
    // False when the id is taken.
    virtual bool insert_device(const DeviceRow& row) = 0;
    virtual void set_device_secret(const std::string& id, const std::string& secret_sha256,
                                   const std::string& app_version, const std::string& at) = 0;
    // The enrollment token is spent once the device has used its secret.
    virtual void spend_enrollment_token(const std::string& id, const std::string& at) = 0;
    virtual std::optional<CrewActionRow> find_crew_action(const std::string& device_id,
                                                          const std::string& action_id) = 0;
    virtual void insert_crew_action(const CrewActionRow& row) = 0;
    virtual void touch_device(const std::string& id, const std::string& at) = 0;
    // Every device, oldest first, with how many actions each has pushed.
    virtual std::vector<std::pair<DeviceRow, std::int64_t>> list_devices() = 0;
    // Ids of `target`'s orders scheduled from `from` to `to` (YYYY-MM-DD, inclusive).
    virtual std::vector<std::string> crew_order_ids(const std::string& target,
                                                    const std::string& from,
                                                    const std::string& to) = 0;
    // The last feed seq of `target` (0 when none): the cursor an assignment download starts from.
    virtual std::int64_t crew_feed_head(const std::string& target) = 0;
    // The crew's own upload of `sha256`, or nullopt (also when only another crew has one).
    virtual std::optional<PhotoState> find_photo(const std::string& crew,
                                                 const std::string& sha256) = 0;
    // Appends `bytes` at `offset` of the uploader's crew's upload of photo `sha256` of `size`
    // bytes.
    virtual ChunkOutcome append_photo_chunk(const PhotoUploader& by, const std::string& sha256,
                                            std::int64_t size, std::int64_t offset,
                                            std::string_view bytes, const std::string& now) = 0;
    // The whole content of a complete photo (tests and staff tools): of `crew`'s own upload when a
    // crew is given, else of any crew's complete upload (they all hash to the same bytes).
    virtual std::optional<std::string> read_photo(
        const std::string& sha256, const std::optional<std::string>& crew = std::nullopt) = 0;
};

}  // namespace fieldgate::store

namespace fieldgate::sync {

using store::ChunkOutcome;
using store::ChunkResult;
using store::CrewActionRow;
using store::DeviceRow;
using store::kMaxPhotoBytes;
using store::PhotoState;
using store::PhotoUploader;

// The dispatch target of a crew's work orders (work_orders.vendor): "crew:<crew>".
std::string crew_target(const std::string& crew);
const char* to_string(ChunkResult r);
bool is_sha256_hex(std::string_view s);

}  // namespace fieldgate::sync
