// Where the gateway sends requests, and the one rule every outbound URL passes: HTTPS, or plain
// HTTP to this machine (loopback), or plain HTTP elsewhere only where the configuration says
// "allow_insecure_http": true for that endpoint. Nothing falls back to plaintext silently.
#pragma once

#include <optional>
#include <string>

namespace fieldgate::http {

struct EndpointUrl {
    std::string origin;  // scheme://host[:port], what an HttpClient is made for
    std::string target;  // path and query, at least "/"
    std::string host;
    bool https = false;
};

// An absolute http:// or https:// URL; nullopt with `error` set for anything else.
std::optional<EndpointUrl> parse_endpoint_url(const std::string& url, std::string& error);

// Why `url` may not be used (empty when it may): `setting` names the configuration field in
// the message, e.g. "crm.endpoint".
std::string refuse_plaintext(const EndpointUrl& url, bool allow_insecure_http,
                             const std::string& setting);

// localhost, 127.0.0.0/8 or ::1 (bracketed or not): an address or host name on this machine.
bool is_loopback_host(const std::string& host);

}  // namespace fieldgate::http
