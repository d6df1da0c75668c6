// JSON payloads: records found by JSON pointer; one object where a list is expected counts as a
// one-element list; batch-level fields (e.g. route) stay reachable from each record.
#pragma once

#include <string_view>

#include "engine/records.h"

namespace fieldgate::engine {

Records read_json_records(std::string_view body, const RecordsSpec& spec);

}  // namespace fieldgate::engine
