#include "gateway_link.h"

namespace fieldgate::offline {

namespace {

nlohmann::json parse_body(const http::ClientResponse& r) {
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    return j.is_discarded() ? nlohmann::json::object() : j;
}

}  // namespace

GatewayLink::GatewayLink(const GatewayAddress& gateway, Credentials credentials,
                         std::chrono::milliseconds timeout)
    : client_(gateway.host, gateway.port),
      credentials_(std::move(credentials)),
      timeout_(timeout) {}

http::ClientResponse GatewayLink::send(std::string_view method, const std::string& target,
                                       const std::string& body, const std::string& content_type) {
    http::HeaderList headers;
    if (!credentials_.device_id.empty()) {
        headers.emplace_back("X-Device-Id", credentials_.device_id);
        headers.emplace_back("Authorization", "Bearer " + credentials_.secret);
    }
    if (!content_type.empty()) headers.emplace_back("Content-Type", content_type);
    http::ClientResponse r;
    try {
        r = client_.request(method, target, headers, body, timeout_);
    } catch (const std::exception& e) {
        client_.close();
        throw Unreachable(std::string(method) + " " + target + ": " + e.what());
    }
    if (r.status >= 500) {
        client_.close();
        throw Unreachable(std::string(method) + " " + target + ": gateway answered " +
                          std::to_string(r.status));
    }
    return r;
}

nlohmann::json GatewayLink::get_json(const std::string& target) {
    auto r = send("GET", target, "", "");
    if (r.status / 100 != 2)
        throw Refused(r.status,
                      "GET " + target + " answered " + std::to_string(r.status) + ": " + r.body);
    return parse_body(r);
}

nlohmann::json GatewayLink::post_json(const std::string& target, const std::string& body) {
    auto r = send("POST", target, body, "application/json");
    if (r.status / 100 != 2)
        throw Refused(r.status,
                      "POST " + target + " answered " + std::to_string(r.status) + ": " + r.body);
    return parse_body(r);
}

ChunkReply GatewayLink::put_chunk(const std::string& sha256, std::int64_t offset, std::int64_t size,
                                  const std::string& bytes) {
    auto r = send("PUT",
                  "/v1/sync/photos/" + sha256 + "?offset=" + std::to_string(offset) +
                      "&size=" + std::to_string(size),
                  bytes, "application/octet-stream");
    return {r.status, parse_body(r)};
}

}  // namespace fieldgate::offline
