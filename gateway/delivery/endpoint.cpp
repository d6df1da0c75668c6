#include "endpoint.h"

#include <charconv>

namespace fieldgate::delivery {

std::optional<Url> parse_http_url(const std::string& url) {
    constexpr std::string_view kScheme = "http://";
    std::string_view rest(url);
    if (rest.substr(0, kScheme.size()) != kScheme) return std::nullopt;
    rest.remove_prefix(kScheme.size());
    Url out;
    const auto slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    if (slash != std::string_view::npos) out.target = std::string(rest.substr(slash));
    const auto colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
        const auto port = authority.substr(colon + 1);
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
            return std::nullopt;
        out.port = static_cast<std::uint16_t>(value);
        authority = authority.substr(0, colon);
    }
    if (authority.empty()) return std::nullopt;
    out.host = std::string(authority);
    return out;
}

}  // namespace fieldgate::delivery
