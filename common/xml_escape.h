// Text for XML element content and double-quoted attribute values.
#pragma once

#include <string>
#include <string_view>

namespace fieldgate {

// & < > " become entity references; everything else (apostrophes included) is copied as is.
std::string xml_escape(std::string_view text);

}  // namespace fieldgate
