// Which client a request comes from, for per-client limits and for logs. Behind a load balancer
// every connection comes from the balancer; only a peer listed as a trusted proxy may name the
// client (X-Forwarded-For), and then the rightmost address that is not itself a trusted proxy
// counts: the leftmost entries are whatever the client chose to send.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fieldgate::http {

bool is_trusted_proxy(std::string_view peer, const std::vector<std::string>& trusted);

// `peer` when it is not a trusted proxy or the header names no usable address.
std::string client_address(std::string_view peer, std::optional<std::string_view> forwarded_for,
                           const std::vector<std::string>& trusted);

}  // namespace fieldgate::http
