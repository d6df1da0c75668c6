// Text rules HTTP header values share, for the client, the server and the simulators alike.
#pragma once

#include <string_view>

namespace fieldgate {

// Without the optional whitespace (RFC 9110 OWS: space, tab) and a line's CR LF at either end.
std::string_view trim_ows(std::string_view s);

inline char lower_ascii(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// ASCII case-insensitive equality: header names, auth schemes.
bool iequals_ascii(std::string_view a, std::string_view b);

}  // namespace fieldgate
