// Private to gateway/http: small text helpers and the RFC 9457 problem answers the HTTP layer
// gives itself (malformed request, header too large, internal error).
#pragma once

#include <string>
#include <string_view>

#include "http_text.h"
#include "types.h"

namespace fieldgate::http {

inline char ascii_upper(char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

void json_escape_into(std::string& out, std::string_view s);
bool header_value_is_safe(std::string_view s);

Response problem(int status, std::string_view type, std::string_view title,
                 std::string_view detail);

}  // namespace fieldgate::http
