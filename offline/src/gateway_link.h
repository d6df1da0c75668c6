// The tablet's side of the sync API: one keep-alive connection, the device's credentials on
// every request, and gateway answers turned into JSON or the library's exceptions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "fieldgate/offline.h"
#include "http_client.h"

namespace fieldgate::offline {

struct Credentials {
    std::string device_id;
    std::string secret;
    GatewayAddress gateway;
};

struct ChunkReply {
    int status = 0;
    nlohmann::json body;
};

class GatewayLink {
  public:
    GatewayLink(const GatewayAddress& gateway, Credentials credentials,
                std::chrono::milliseconds timeout);

    // 2xx -> the JSON body; 5xx and transport failures -> Unreachable; other -> Refused.
    nlohmann::json get_json(const std::string& target);
    nlohmann::json post_json(const std::string& target, const std::string& body);
    // Any status but 5xx comes back (409 says where to resume, 422 that the hash was wrong).
    ChunkReply put_chunk(const std::string& sha256, std::int64_t offset, std::int64_t size,
                         const std::string& bytes);

  private:
    http::ClientResponse send(std::string_view method, const std::string& target,
                              const std::string& body, const std::string& content_type);
    http::HttpClient client_;
    Credentials credentials_;
    std::chrono::milliseconds timeout_;
};

}  // namespace fieldgate::offline
