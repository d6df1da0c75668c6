#include "photo_store.h"

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

std::optional<PhotoState> find_photo(sqlite::Connection& db, const std::string& sha256) {
    auto q = db.prepare("SELECT size, received, state FROM crew_photos WHERE sha256 = ?");
    q->bind(1, sha256);
    if (!q->step()) return std::nullopt;
    return PhotoState{sha256, q->integer(0), q->integer(1), q->text(2) == "complete"};
}

std::optional<std::string> read_photo(sqlite::Connection& db, const std::string& sha256) {
    auto state = find_photo(db, sha256);
    if (!state || !state->complete) return std::nullopt;
    std::string content;
    content.reserve(static_cast<std::size_t>(state->size));
    auto q = db.prepare("SELECT bytes FROM crew_photo_chunks WHERE sha256 = ? ORDER BY offset");
    q->bind(1, sha256);
    while (q->step()) content += q->text(0);
    return content;
}

ChunkOutcome append_photo_chunk(sqlite::Connection& db, const std::string& device_id,
                                const std::string& sha256, std::int64_t size, std::int64_t offset,
                                std::string_view bytes, const std::string& now) {
    auto state = find_photo(db, sha256);
    if (!state) {
        db.prepare("INSERT INTO crew_photos (sha256, device_id, size, created_at) VALUES (?,?,?,?)")
            ->bind(1, sha256)
            .bind(2, device_id)
            .bind(3, size)
            .bind(4, now)
            .run();
        state = PhotoState{sha256, size, 0, false};
    }
    if (state->complete) return {ChunkResult::already_complete, *state};
    if (state->size != size) return {ChunkResult::size_mismatch, *state};
    if (offset != state->received) return {ChunkResult::offset_mismatch, *state};
    const auto length = static_cast<std::int64_t>(bytes.size());
    if (offset + length > size) return {ChunkResult::too_long, *state};
    // Nothing to append (the route refuses empty chunks): a row here would take the offset the
    // next chunk needs.
    if (length == 0) return {ChunkResult::stored, *state};

    db.prepare("INSERT INTO crew_photo_chunks (sha256, offset, bytes) VALUES (?,?,?)")
        ->bind(1, sha256)
        .bind(2, offset)
        .bind_blob_static(3, bytes)
        .run();
    state->received = offset + length;
    if (state->received < size) {
        db.prepare("UPDATE crew_photos SET received = ? WHERE sha256 = ?")
            ->bind(1, state->received)
            .bind(2, sha256)
            .run();
        return {ChunkResult::stored, *state};
    }
    std::string content;
    content.reserve(static_cast<std::size_t>(size));
    {
        auto q = db.prepare("SELECT bytes FROM crew_photo_chunks WHERE sha256 = ? ORDER BY offset");
        q->bind(1, sha256);
        while (q->step()) content += q->text(0);
    }
    if (sha256_hex(content) != sha256) {
        // Start over: a corrupted upload must not be completed by any later chunk.
        db.prepare("DELETE FROM crew_photo_chunks WHERE sha256 = ?")->bind(1, sha256).run();
        db.prepare("UPDATE crew_photos SET received = 0 WHERE sha256 = ?")->bind(1, sha256).run();
        state->received = 0;
        return {ChunkResult::hash_mismatch, *state};
    }
    db.prepare(
          "UPDATE crew_photos SET received = ?, state = 'complete', completed_at = ? WHERE "
          "sha256 = ?")
        ->bind(1, size)
        .bind(2, now)
        .bind(3, sha256)
        .run();
    state->complete = true;
    return {ChunkResult::completed, *state};
}

}  // namespace fieldgate::sync
