// XML text: element content and double-quoted attribute values, and element names.
#pragma once

#include <string>
#include <string_view>

namespace fieldgate {

// & < > " become entity references; everything else (apostrophes included) is copied as is.
std::string xml_escape(std::string_view text);

// "Password" for "wsse:Password": a name without its namespace prefix, which vendors vary.
std::string_view xml_local_name(std::string_view qualified_name);

}  // namespace fieldgate
