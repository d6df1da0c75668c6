// A delivery destination: the CRM, or a vendor that takes dispatch pushes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace fieldgate::delivery {

struct Url {
    std::string host;
    std::uint16_t port = 80;
    std::string target = "/";  // path and query
};
// http://host[:port][/path]; nullopt for anything else (https is not spoken yet).
std::optional<Url> parse_http_url(const std::string& url);

struct Endpoint {
    std::string name;  // outbox destination: "crm" or "vendor:<id>"
    std::string url;
    std::string secret_name;  // signing secrets (Standard Webhooks), from the secret store
};

}  // namespace fieldgate::delivery
