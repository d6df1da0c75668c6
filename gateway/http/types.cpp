// Request helpers and percent decoding: plain string work, no Beast, so the core and the tests
// can use them without paying Beast's compile time.
#include "types.h"

#include <cctype>

#include "http_text.h"

namespace fieldgate::http {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::optional<std::string_view> Request::header(std::string_view name) const {
    for (const auto& h : headers) {
        if (iequals_ascii(h.name, name)) return std::string_view(h.value);
    }
    return std::nullopt;
}

std::optional<std::string> Request::query_param(std::string_view name) const {
    std::string_view rest = query;
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        const std::string_view raw_key = pair.substr(0, eq);
        if (percent_decode(raw_key, true) != name) continue;
        if (eq == std::string_view::npos) return std::string{};
        return percent_decode(pair.substr(eq + 1), true);
    }
    return std::nullopt;
}

// Malformed escapes ("%", "%4", "%zz") are kept literally rather than rejected: the path or
// value then simply fails to match, which is the caller's error to report.
std::string percent_decode(std::string_view in, bool plus_as_space) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '%' && i + 2 < in.size()) {
            const int hi = hex_value(in[i + 1]);
            const int lo = hex_value(in[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        if (c == '+' && plus_as_space) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::string media_type(std::optional<std::string_view> content_type) {
    if (!content_type) return {};
    std::string t(content_type->substr(0, content_type->find(';')));
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
    for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return t;
}

}  // namespace fieldgate::http
