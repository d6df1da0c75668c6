// Percent-encoding (RFC 3986 2.1) for query parameters and form values.
#pragma once

#include <string>
#include <string_view>

namespace fieldgate {

// Every byte but the unreserved ones (A-Z a-z 0-9 - . _ ~) as %XX with upper-case hex; a space
// is %20, never '+'. The same bytes as curl_easy_escape, which also serves
// application/x-www-form-urlencoded (RFC 6749 2.3.1), whose decoders read %20 as a space.
std::string url_escape(std::string_view text);

}  // namespace fieldgate
