#include "crew_pg.h"

#include "ids.h"

namespace fieldgate::store {

namespace {

constexpr const char* kDeviceColumns =
    "id, crew, name, token_sha256, secret_sha256, created_at, enrolled_at, last_seen_at, "
    "app_version, state";

DeviceRow read_device(const pg::Result& q, int i) {
    DeviceRow d;
    d.id = q.text(i, 0);
    d.crew = q.text(i, 1);
    d.name = q.text(i, 2);
    d.token_sha256 = q.optional_text(i, 3);
    d.secret_sha256 = q.optional_text(i, 4);
    d.created_at = q.text(i, 5);
    d.enrolled_at = q.optional_text(i, 6);
    d.last_seen_at = q.optional_text(i, 7);
    d.app_version = q.optional_text(i, 8);
    d.state = q.text(i, 9);
    return d;
}

// A crew's upload: its progress and the key its chunks are stored under.
struct Upload {
    PhotoState state;
    std::string chunks;
};

std::optional<Upload> find_upload(pg::Connection& db, const std::string& crew,
                                  const std::string& sha256) {
    const auto q = db.query(
        "SELECT size, received, state, chunks FROM crew_photos WHERE crew = $1 AND sha256 = $2",
        pg::Params().text(crew).text(sha256));
    if (q.rows() == 0) return std::nullopt;
    return Upload{{sha256, q.integer(0, 0), q.integer(0, 1), q.text(0, 2) == "complete"},
                  q.text(0, 3)};
}

// As in SQLite: under the hash itself for the first crew to upload those bytes, else under
// `<crew>:<hash>`.
std::string new_chunks_key(pg::Connection& db, const std::string& crew, const std::string& sha256) {
    const auto q =
        db.query("SELECT 1 FROM crew_photos WHERE chunks = $1", pg::Params().text(sha256));
    return q.rows() > 0 ? crew + ":" + sha256 : sha256;
}

std::string read_chunks(pg::Connection& db, const std::string& key, std::int64_t size) {
    std::string content;
    content.reserve(static_cast<std::size_t>(size));
    const auto q =
        db.query("SELECT bytes FROM crew_photo_chunks WHERE sha256 = $1 ORDER BY chunk_offset",
                 pg::Params().text(key));
    for (int i = 0; i < q.rows(); ++i) content += q.bytes(i, 0);
    return content;
}

Upload start_upload(pg::Connection& db, const PhotoUploader& by, const std::string& sha256,
                    std::int64_t size, const std::string& now) {
    Upload u{{sha256, size, 0, false}, new_chunks_key(db, by.crew, sha256)};
    db.query(
        "INSERT INTO crew_photos (crew, sha256, chunks, device_id, size, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        pg::Params()
            .text(by.crew)
            .text(sha256)
            .text(u.chunks)
            .text(by.device_id)
            .integer(size)
            .text(now));
    return u;
}

void set_received(pg::Connection& db, const PhotoUploader& by, const std::string& sha256,
                  std::int64_t received) {
    db.query("UPDATE crew_photos SET received = $1 WHERE crew = $2 AND sha256 = $3",
             pg::Params().integer(received).text(by.crew).text(sha256));
}

}  // namespace

std::optional<DeviceRow> PgCrewRepository::find_device(const std::string& id) {
    const auto q =
        db_->query(std::string("SELECT ") + kDeviceColumns + " FROM crew_devices WHERE id = $1",
                   pg::Params().text(id));
    if (q.rows() == 0) return std::nullopt;
    return read_device(q, 0);
}

bool PgCrewRepository::insert_device(const DeviceRow& row) {
    return db_->query(
                  "INSERT INTO crew_devices (id, crew, name, token_sha256, created_at) "
                  "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
                  pg::Params()
                      .text(row.id)
                      .text(row.crew)
                      .text(row.name)
                      .optional_text(row.token_sha256)
                      .text(row.created_at))
               .affected() == 1;
}

void PgCrewRepository::set_device_secret(const std::string& id, const std::string& secret_sha256,
                                         const std::string& app_version, const std::string& at) {
    db_->query(
        "UPDATE crew_devices SET secret_sha256 = $1, app_version = $2, enrolled_at = $3, "
        "last_seen_at = $3 WHERE id = $4",
        pg::Params().text(secret_sha256).text(app_version).text(at).text(id));
}

void PgCrewRepository::spend_enrollment_token(const std::string& id, const std::string& at) {
    db_->query("UPDATE crew_devices SET token_sha256 = NULL, last_seen_at = $1 WHERE id = $2",
               pg::Params().text(at).text(id));
}

void PgCrewRepository::touch_device(const std::string& id, const std::string& at) {
    db_->query("UPDATE crew_devices SET last_seen_at = $1 WHERE id = $2",
               pg::Params().text(at).text(id));
}

std::optional<CrewActionRow> PgCrewRepository::find_crew_action(const std::string& device_id,
                                                                const std::string& action_id) {
    const auto q = db_->query(
        "SELECT device_seq, work_order_id, type, request_sha256, device_time, occurred_at, "
        "clock_skew_ms, time_flag, verdict, result, received_at FROM crew_actions "
        "WHERE device_id = $1 AND action_id = $2",
        pg::Params().text(device_id).text(action_id));
    if (q.rows() == 0) return std::nullopt;
    CrewActionRow r;
    r.device_id = device_id;
    r.action_id = action_id;
    r.device_seq = q.integer(0, 0);
    r.work_order_id = q.optional_text(0, 1);
    r.type = q.text(0, 2);
    r.request_sha256 = q.text(0, 3);
    r.device_time = q.optional_text(0, 4);
    r.occurred_at = q.optional_text(0, 5);
    r.clock_skew_ms = q.optional_integer(0, 6);
    r.time_flag = q.optional_text(0, 7);
    r.verdict = q.text(0, 8);
    r.result_json = q.text(0, 9);
    r.received_at = q.text(0, 10);
    return r;
}

void PgCrewRepository::insert_crew_action(const CrewActionRow& r) {
    db_->query(
        "INSERT INTO crew_actions (device_id, action_id, device_seq, work_order_id, type, "
        "request_sha256, device_time, occurred_at, clock_skew_ms, time_flag, verdict, result, "
        "received_at, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        pg::Params()
            .text(r.device_id)
            .text(r.action_id)
            .integer(r.device_seq)
            .optional_text(r.work_order_id)
            .text(r.type)
            .text(r.request_sha256)
            .optional_text(r.device_time)
            .optional_text(r.occurred_at)
            .optional_integer(r.clock_skew_ms)
            .optional_text(r.time_flag)
            .text(r.verdict)
            .text(r.result_json)
            .text(r.received_at)
            .text(r.body));
}

std::vector<std::pair<DeviceRow, std::int64_t>> PgCrewRepository::list_devices() {
    // COLLATE "C" here and below: SQLite's byte order, whatever the database's locale.
    const auto q =
        db_->query(std::string("SELECT ") + kDeviceColumns +
                   ", (SELECT COUNT(*) FROM crew_actions a WHERE a.device_id = crew_devices.id) "
                   "FROM crew_devices ORDER BY created_at COLLATE \"C\", id COLLATE \"C\"");
    std::vector<std::pair<DeviceRow, std::int64_t>> out;
    for (int i = 0; i < q.rows(); ++i) out.emplace_back(read_device(q, i), q.integer(i, 10));
    return out;
}

std::vector<std::string> PgCrewRepository::crew_order_ids(const std::string& target,
                                                          const std::string& from,
                                                          const std::string& to) {
    const auto q = db_->query(
        "SELECT id FROM work_orders WHERE vendor = $1 "
        "AND scheduled_date COLLATE \"C\" BETWEEN $2 AND $3 "
        "ORDER BY scheduled_date COLLATE \"C\", id COLLATE \"C\"",
        pg::Params().text(target).text(from).text(to));
    std::vector<std::string> ids;
    for (int i = 0; i < q.rows(); ++i) ids.push_back(q.text(i, 0));
    return ids;
}

std::int64_t PgCrewRepository::crew_feed_head(const std::string& target) {
    return db_
        ->query("SELECT COALESCE(MAX(seq), 0) FROM vendor_feed WHERE vendor = $1",
                pg::Params().text(target))
        .integer(0, 0);
}

std::optional<PhotoState> PgCrewRepository::find_photo(const std::string& crew,
                                                       const std::string& sha256) {
    auto upload = find_upload(*db_, crew, sha256);
    if (!upload) return std::nullopt;
    return upload->state;
}

std::optional<std::string> PgCrewRepository::read_photo(const std::string& sha256,
                                                        const std::optional<std::string>& crew) {
    std::optional<Upload> upload;
    if (crew) {
        upload = find_upload(*db_, *crew, sha256);
    } else {
        const auto q = db_->query(
            "SELECT size, chunks FROM crew_photos WHERE sha256 = $1 AND state = 'complete' "
            "LIMIT 1",
            pg::Params().text(sha256));
        if (q.rows() > 0)
            upload = Upload{{sha256, q.integer(0, 0), q.integer(0, 0), true}, q.text(0, 1)};
    }
    if (!upload || !upload->state.complete) return std::nullopt;
    return read_chunks(*db_, upload->chunks, upload->state.size);
}

ChunkOutcome PgCrewRepository::append_photo_chunk(const PhotoUploader& by,
                                                  const std::string& sha256, std::int64_t size,
                                                  std::int64_t offset, std::string_view bytes,
                                                  const std::string& now) {
    auto found = find_upload(*db_, by.crew, sha256);
    Upload upload = found ? std::move(*found) : start_upload(*db_, by, sha256, size, now);
    auto& state = upload.state;
    if (state.complete) return {ChunkResult::already_complete, state};
    if (state.size != size) return {ChunkResult::size_mismatch, state};
    if (offset != state.received) return {ChunkResult::offset_mismatch, state};
    const auto length = static_cast<std::int64_t>(bytes.size());
    if (offset + length > size) return {ChunkResult::too_long, state};
    // Nothing to append: a row here would take the offset the next chunk needs.
    if (length == 0) return {ChunkResult::stored, state};

    db_->query("INSERT INTO crew_photo_chunks (sha256, chunk_offset, bytes) VALUES ($1, $2, $3)",
               pg::Params().text(upload.chunks).integer(offset).bytes(bytes));
    state.received = offset + length;
    if (state.received < size) {
        set_received(*db_, by, sha256, state.received);
        return {ChunkResult::stored, state};
    }
    if (sha256_hex(read_chunks(*db_, upload.chunks, size)) != sha256) {
        // Start over: a corrupted upload must not be completed by any later chunk.
        db_->query("DELETE FROM crew_photo_chunks WHERE sha256 = $1",
                   pg::Params().text(upload.chunks));
        set_received(*db_, by, sha256, 0);
        state.received = 0;
        return {ChunkResult::hash_mismatch, state};
    }
    db_->query(
        "UPDATE crew_photos SET received = $1, state = 'complete', completed_at = $2 "
        "WHERE crew = $3 AND sha256 = $4",
        pg::Params().integer(size).text(now).text(by.crew).text(sha256));
    state.complete = true;
    return {ChunkResult::completed, state};
}

}  // namespace fieldgate::store
