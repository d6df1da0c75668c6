// XML payloads (e.g. SOAP 1.1): records and fields found by element local names, so the
// vendor's namespace prefixes may differ from one message to the next.
#pragma once

#include <string_view>

#include "engine/records.h"

namespace fieldgate::engine {

Records read_xml_records(std::string_view body, const RecordsSpec& spec);

}  // namespace fieldgate::engine
