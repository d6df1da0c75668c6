#include "client_address.h"

#include <algorithm>
#include "http_text.h"

namespace fieldgate::http {
namespace {

// An IPv4 or IPv6 address in text form, loosely: it only has to be safe to use as a map key
// and in a log line, and short.
bool looks_like_address(std::string_view s) {
    if (s.empty() || s.size() > 45) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
               c == '.' || c == ':';
    });
}

}  // namespace

bool is_trusted_proxy(std::string_view peer, const std::vector<std::string>& trusted) {
    return std::find(trusted.begin(), trusted.end(), peer) != trusted.end();
}

std::string client_address(std::string_view peer, std::optional<std::string_view> forwarded_for,
                           const std::vector<std::string>& trusted) {
    if (!forwarded_for || !is_trusted_proxy(peer, trusted)) return std::string(peer);
    std::string_view rest = *forwarded_for;
    while (!rest.empty()) {
        const auto comma = rest.rfind(',');
        const auto hop = trim_ows(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
        if (is_trusted_proxy(hop, trusted)) continue;
        if (!looks_like_address(hop)) break;
        return std::string(hop);
    }
    return std::string(peer);
}

}  // namespace fieldgate::http
