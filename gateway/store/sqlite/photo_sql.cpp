#include "photo_sql.h"

#include <algorithm>

#include "ids.h"

namespace fieldgate::sync {

bool is_sha256_hex(std::string_view s) {
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

const char* to_string(ChunkResult r) {
    switch (r) {
        case ChunkResult::stored:
            return "stored";
        case ChunkResult::completed:
            return "completed";
        case ChunkResult::already_complete:
            return "already_complete";
        case ChunkResult::offset_mismatch:
            return "offset_mismatch";
        case ChunkResult::too_long:
            return "too_long";
        case ChunkResult::hash_mismatch:
            return "hash_mismatch";
        case ChunkResult::size_mismatch:
            return "size_mismatch";
    }
    return "stored";
}

namespace {

// A crew's upload: its progress and the key its chunks are stored under.
struct Upload {
    PhotoState state;
    std::string chunks;
};

std::optional<Upload> find_upload(sqlite::Connection& db, const std::string& crew,
                                  const std::string& sha256) {
    auto q = db.prepare(
        "SELECT size, received, state, chunks FROM crew_photos WHERE crew = ? AND sha256 = ?");
    q->bind(1, crew).bind(2, sha256);
    if (!q->step()) return std::nullopt;
    return Upload{{sha256, q->integer(0), q->integer(1), q->text(2) == "complete"}, q->text(3)};
}

// Where a new upload keeps its chunks: under the hash itself for the first crew to upload those
// bytes (as every upload did before uploads were the crew's), else under `<crew>:<hash>` (a crew
// id has no ':', a hash has none either, so the keys never meet).
std::string new_chunks_key(sqlite::Connection& db, const std::string& crew,
                           const std::string& sha256) {
    auto q = db.prepare("SELECT 1 FROM crew_photos WHERE chunks = ?");
    q->bind(1, sha256);
    return q->step() ? crew + ":" + sha256 : sha256;
}

std::string read_chunks(sqlite::Connection& db, const std::string& key, std::int64_t size) {
    std::string content;
    content.reserve(static_cast<std::size_t>(size));
    auto q = db.prepare("SELECT bytes FROM crew_photo_chunks WHERE sha256 = ? ORDER BY offset");
    q->bind(1, key);
    while (q->step()) content += q->text(0);
    return content;
}

Upload start_upload(sqlite::Connection& db, const PhotoUploader& by, const std::string& sha256,
                    std::int64_t size, const std::string& now) {
    Upload u{{sha256, size, 0, false}, new_chunks_key(db, by.crew, sha256)};
    db.prepare(
          "INSERT INTO crew_photos (crew, sha256, chunks, device_id, size, created_at) VALUES "
          "(?,?,?,?,?,?)")
        ->bind(1, by.crew)
        .bind(2, sha256)
        .bind(3, u.chunks)
        .bind(4, by.device_id)
        .bind(5, size)
        .bind(6, now)
        .run();
    return u;
}

void set_received(sqlite::Connection& db, const PhotoUploader& by, const std::string& sha256,
                  std::int64_t received) {
    db.prepare("UPDATE crew_photos SET received = ? WHERE crew = ? AND sha256 = ?")
        ->bind(1, received)
        .bind(2, by.crew)
        .bind(3, sha256)
        .run();
}

}  // namespace

std::optional<PhotoState> find_photo(sqlite::Connection& db, const std::string& crew,
                                     const std::string& sha256) {
    auto upload = find_upload(db, crew, sha256);
    if (!upload) return std::nullopt;
    return upload->state;
}

std::optional<std::string> read_photo(sqlite::Connection& db, const std::string& sha256,
                                      const std::optional<std::string>& crew) {
    std::optional<Upload> upload;
    if (crew) {
        upload = find_upload(db, *crew, sha256);
    } else {
        auto q = db.prepare(
            "SELECT size, chunks FROM crew_photos WHERE sha256 = ? AND state = 'complete' "
            "LIMIT 1");
        q->bind(1, sha256);
        if (q->step()) upload = Upload{{sha256, q->integer(0), q->integer(0), true}, q->text(1)};
    }
    if (!upload || !upload->state.complete) return std::nullopt;
    return read_chunks(db, upload->chunks, upload->state.size);
}

ChunkOutcome append_photo_chunk(sqlite::Connection& db, const PhotoUploader& by,
                                const std::string& sha256, std::int64_t size, std::int64_t offset,
                                std::string_view bytes, const std::string& now) {
    auto found = find_upload(db, by.crew, sha256);
    Upload upload = found ? std::move(*found) : start_upload(db, by, sha256, size, now);
    auto& state = upload.state;
    if (state.complete) return {ChunkResult::already_complete, state};
    if (state.size != size) return {ChunkResult::size_mismatch, state};
    if (offset != state.received) return {ChunkResult::offset_mismatch, state};
    const auto length = static_cast<std::int64_t>(bytes.size());
    if (offset + length > size) return {ChunkResult::too_long, state};
    // Nothing to append (the route refuses empty chunks): a row here would take the offset the
    // next chunk needs.
    if (length == 0) return {ChunkResult::stored, state};

    db.prepare("INSERT INTO crew_photo_chunks (sha256, offset, bytes) VALUES (?,?,?)")
        ->bind(1, upload.chunks)
        .bind(2, offset)
        .bind_blob_static(3, bytes)
        .run();
    state.received = offset + length;
    if (state.received < size) {
        set_received(db, by, sha256, state.received);
        return {ChunkResult::stored, state};
    }
    if (sha256_hex(read_chunks(db, upload.chunks, size)) != sha256) {
        // Start over: a corrupted upload must not be completed by any later chunk.
        db.prepare("DELETE FROM crew_photo_chunks WHERE sha256 = ?")->bind(1, upload.chunks).run();
        set_received(db, by, sha256, 0);
        state.received = 0;
        return {ChunkResult::hash_mismatch, state};
    }
    db.prepare(
          "UPDATE crew_photos SET received = ?, state = 'complete', completed_at = ? WHERE "
          "crew = ? AND sha256 = ?")
        ->bind(1, size)
        .bind(2, now)
        .bind(3, by.crew)
        .bind(4, sha256)
        .run();
    state.complete = true;
    return {ChunkResult::completed, state};
}

}  // namespace fieldgate::sync
