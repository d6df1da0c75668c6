#include "problem.h"

namespace fieldgate::http {
namespace {
constexpr std::string_view kProblemBase = "https://fieldgate.example/problems/";
}  // namespace

void json_escape_into(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (u < 0x20) {
            out += "\\u00";
            out.push_back(kHex[u >> 4]);
            out.push_back(kHex[u & 0xF]);
        } else {
            out.push_back(c);
        }
    }
}

bool header_value_is_safe(std::string_view s) {
    return s.find_first_of("\r\n") == std::string_view::npos && s.find('\0') == s.npos;
}

Response problem(int status, std::string_view type, std::string_view title,
                 std::string_view detail) {
    Response r;
    r.status = status;
    r.content_type = "application/problem+json";
    r.body = "{\"type\":\"";
    r.body += kProblemBase;
    json_escape_into(r.body, type);
    r.body += "\",\"title\":\"";
    json_escape_into(r.body, title);
    r.body += "\",\"status\":";
    r.body += std::to_string(status);
    r.body += ",\"detail\":\"";
    json_escape_into(r.body, detail);
    r.body += "\"}";
    return r;
}

}  // namespace fieldgate::http
