// Crew photos by content hash, uploaded in chunks that are committed one by one: an upload cut
// anywhere resumes at `received`. The last chunk is accepted only when the whole content hashes
// to the name it was uploaded under. Runs inside writer jobs (writes) or on a read connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sqlite.h"

namespace fieldgate::sync {

inline constexpr std::int64_t kMaxPhotoBytes = 32 << 20;

struct PhotoState {
    std::string sha256;
    std::int64_t size = 0;
    std::int64_t received = 0;
    bool complete = false;
};

std::optional<PhotoState> find_photo(sqlite::Connection& db, const std::string& sha256);

enum class ChunkResult {
    stored,
    completed,
    already_complete,
    offset_mismatch,
    too_long,
    hash_mismatch,
    size_mismatch
};
const char* to_string(ChunkResult r);

struct ChunkOutcome {
    ChunkResult result;
    PhotoState state;
};

// Appends `bytes` at `offset` of photo `sha256` of `size` bytes.
ChunkOutcome append_photo_chunk(sqlite::Connection& db, const std::string& device_id,
                                const std::string& sha256, std::int64_t size, std::int64_t offset,
                                std::string_view bytes, const std::string& now);

// The whole content of a complete photo (tests and staff tools).
std::optional<std::string> read_photo(sqlite::Connection& db, const std::string& sha256);

bool is_sha256_hex(std::string_view s);

}  // namespace fieldgate::sync
