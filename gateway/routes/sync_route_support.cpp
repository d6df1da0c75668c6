#include "sync_route_support.h"

#include <openssl/crypto.h>

#include <charconv>

#include "ids.h"
#include "vendor_responses.h"

namespace fieldgate {

std::optional<sync::DeviceRow> verified_device(store::ReadPool& reads,
                                               const http::Request& request) {
    const auto id = request.header("x-device-id");
    const auto secret = bearer_token(request);
    if (!id || !secret) return std::nullopt;
    std::optional<sync::DeviceRow> device;
    {
        auto db = reads.acquire();
        device = db->find_device(std::string(*id));
    }
    if (!device || !device->secret_sha256 || device->state != "active") return std::nullopt;
    const std::string given = sha256_hex(*secret);
    if (device->secret_sha256->size() != given.size() ||
        CRYPTO_memcmp(device->secret_sha256->data(), given.data(), given.size()) != 0)
        return std::nullopt;
    return device;
}

std::optional<std::string> bearer_token(const http::Request& request) {
    const auto header = request.header("authorization");
    constexpr std::string_view kPrefix = "Bearer ";
    if (!header || header->size() <= kPrefix.size() || header->substr(0, kPrefix.size()) != kPrefix)
        return std::nullopt;
    return std::string(header->substr(kPrefix.size()));
}

http::Response unauthorized(const std::string& detail) {
    auto r = problem(401, "unauthorized", "Unauthorized", detail, "Authorization");
    r.headers.push_back({"www-authenticate", "Bearer"});
    return r;
}

std::optional<std::int64_t> integer_param(const http::Request& request, std::string_view name,
                                          std::int64_t fallback, std::int64_t min, std::int64_t max,
                                          http::Respond& respond) {
    const auto text = request.query_param(name);
    if (!text) return fallback;
    std::int64_t value = 0;
    const auto* end = text->data() + text->size();
    const auto [ptr, ec] = std::from_chars(text->data(), end, value);
    if (text->empty() || ec != std::errc() || ptr != end || value < min || value > max) {
        respond(problem(400, "invalid-parameter", "Bad request",
                        std::string(name) + " must be an integer from " + std::to_string(min) +
                            " to " + std::to_string(max),
                        std::string(name)));
        return std::nullopt;
    }
    return value;
}

void submit_write(store::Writer& writer, store::Writer::Job job,
                  std::function<http::Response()> answer, http::Respond& respond) {
    const bool queued = writer.submit(std::move(job), [answer, respond](std::exception_ptr error) {
        if (error) {
            respond(problem_response(store_unavailable(error)));
            return;
        }
        http::Response deferred;
        deferred.prepare = [answer](http::Response& r) { r = answer(); };
        respond(std::move(deferred));
    });
    if (!queued) {
        respond(problem(503, "overloaded", "Gateway overloaded",
                        "the write queue is full; retry later"));
    }
}

}  // namespace fieldgate
