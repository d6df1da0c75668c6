#include "photo_upload_routes.h"

#include <memory>

#include "sync_route_support.h"
#include "time_util.h"
#include "transaction.h"
#include "vendor_responses.h"

namespace fieldgate {

namespace {

nlohmann::json state_json(const sync::PhotoState& s) {
    return {
        {"sha256", s.sha256}, {"size", s.size}, {"received", s.received}, {"complete", s.complete}};
}

http::Response chunk_answer(const sync::ChunkOutcome& outcome) {
    const auto& s = outcome.state;
    const auto state = state_json(s);
    switch (outcome.result) {
        case sync::ChunkResult::stored:
        case sync::ChunkResult::completed:
        case sync::ChunkResult::already_complete:
            return json_response(200, state);
        case sync::ChunkResult::offset_mismatch:
            return problem_response(ApiError{409, "offset-mismatch", "Offset mismatch",
                                             "the gateway holds " + std::to_string(s.received) +
                                                 " bytes of this photo; continue from there",
                                             "offset", state});
        case sync::ChunkResult::size_mismatch:
            return problem_response(ApiError{
                409, "size-mismatch", "Size mismatch",
                "this photo was started with size " + std::to_string(s.size), "size", state});
        case sync::ChunkResult::too_long:
            return problem_response(ApiError{422, "chunk-too-long", "Chunk too long",
                                             "the chunk ends past the photo's size", "offset",
                                             state});
        case sync::ChunkResult::hash_mismatch:
            return problem_response(
                ApiError{422, "photo-hash-mismatch", "Photo hash mismatch",
                         "the uploaded bytes do not hash to the photo's name; upload it again "
                         "from offset 0",
                         "sha256", state});
    }
    return json_response(200, state);
}

}  // namespace

PhotoUploadRoutes::PhotoUploadRoutes(store::Writer& writer, store::ReadPool& reads)
    : writer_(writer), reads_(reads) {}

void PhotoUploadRoutes::device_request(const sync::DeviceRow& device, const std::string& sha256,
                                       const http::Request& request, http::Respond& respond) {
    if (!sync::is_sha256_hex(sha256)) {
        respond(problem(400, "invalid-parameter", "Bad request",
                        "a photo is named by the lower-case SHA-256 hex of its content", "sha256"));
    } else if (request.method == "GET") {
        status(device, sha256, respond);
    } else if (request.method == "PUT") {
        chunk(device, sha256, request, respond);
    } else {
        respond(problem(405, "method-not-allowed", "Method not allowed", "use GET or PUT"));
    }
}

void PhotoUploadRoutes::admin_request(const std::string& sha256, const http::Request& request,
                                      http::Respond& respond) {
    // With ?crew=: only that crew's own complete upload (is this photo really that crew's?).
    const auto crew = request.query_param("crew");
    std::optional<std::string> content;
    if (sync::is_sha256_hex(sha256)) {
        auto db = reads_.acquire();
        content = db->read_photo(sha256, crew ? std::optional<std::string>(*crew) : std::nullopt);
    }
    if (!content) {
        respond(problem(404, "not-found", "Photo not found",
                        "no complete photo with SHA-256 " + sha256 +
                            (crew ? " uploaded by crew " + std::string(*crew) : std::string())));
        return;
    }
    http::Response r;
    r.status = 200;
    r.content_type = "application/octet-stream";
    r.body = std::move(*content);
    respond(std::move(r));
}

void PhotoUploadRoutes::status(const sync::DeviceRow& device, const std::string& sha256,
                               http::Respond& respond) {
    auto db = reads_.acquire();
    // Another crew's upload is not looked at: the answer is the one for a hash nobody has.
    const auto state = db->find_photo(device.crew, sha256);
    respond(
        json_response(200, {{"sha256", sha256},
                            {"size", state ? nlohmann::json(state->size) : nlohmann::json(nullptr)},
                            {"received", state ? state->received : 0},
                            {"complete", state && state->complete}}));
}

void PhotoUploadRoutes::chunk(const sync::DeviceRow& device, const std::string& sha256,
                              const http::Request& request, http::Respond& respond) {
    const auto offset = integer_param(request, "offset", -1, 0, INT64_MAX, respond);
    if (!offset) return;
    const auto size = integer_param(request, "size", -1, 1, sync::kMaxPhotoBytes, respond);
    if (!size) return;
    if (*offset < 0 || *size < 0) {
        respond(problem(400, "missing-field", "Bad request", "offset and size are required",
                        *offset < 0 ? "offset" : "size"));
        return;
    }
    if (request.body.empty()) {
        respond(problem(400, "missing-field", "Bad request",
                        "the chunk is empty: a chunk carries at least one byte of the photo",
                        "body"));
        return;
    }
    auto bytes = std::make_shared<std::string>(request.body);
    auto outcome = std::make_shared<sync::ChunkOutcome>();
    const sync::PhotoUploader by{device.crew, device.id};
    const std::string now = now_utc();
    const std::int64_t off = *offset;
    const std::int64_t total = *size;
    submit_write(
        writer_,
        [=](store::Transaction& db) {
            *outcome = db.append_photo_chunk(by, sha256, total, off, *bytes, now);
        },
        [outcome]() { return chunk_answer(*outcome); }, respond);
}

}  // namespace fieldgate
