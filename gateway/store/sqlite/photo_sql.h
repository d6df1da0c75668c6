// Crew photos by content hash, uploaded in chunks that are committed one by one: an upload cut
// anywhere resumes at `received`. The last chunk is accepted only when the whole content hashes
// to the name it was uploaded under. Runs inside writer jobs (writes) or on a read connection.
//
// An upload belongs to the crew whose device started it: each crew has its own upload of a
// hash, and another crew's upload of the same hash is invisible to it (it reads, resumes, resets
// and completes only its own). Any tablet of the crew may resume the crew's upload.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crew_repository.h"
#include "sqlite.h"

namespace fieldgate::sync {

// The crew's own upload of `sha256`, or nullopt (also when only another crew has one).
std::optional<PhotoState> find_photo(sqlite::Connection& db, const std::string& crew,
                                     const std::string& sha256);

// Appends `bytes` at `offset` of the uploader's crew's upload of photo `sha256` of `size` bytes.
ChunkOutcome append_photo_chunk(sqlite::Connection& db, const PhotoUploader& by,
                                const std::string& sha256, std::int64_t size, std::int64_t offset,
                                std::string_view bytes, const std::string& now);

// The whole content of a complete photo (tests and staff tools): of `crew`'s own upload when a
// crew is given, else of any crew's complete upload (they all hash to the same bytes).
std::optional<std::string> read_photo(sqlite::Connection& db, const std::string& sha256,
                                      const std::optional<std::string>& crew = std::nullopt);

}  // namespace fieldgate::sync
