// CSV payloads: a header row, then one record per row; fields found by header name. Errors
// name the line and the column ("line 4, column reason").
#pragma once

#include <string_view>

#include "engine/records.h"

namespace fieldgate::engine {

Records read_csv_records(std::string_view body, const RecordsSpec& spec);

}  // namespace fieldgate::engine
