// Deterministic JSON for normalized output (golden samples, `vendor check`, logs): every field
// always present, absent optionals as null, keys sorted.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "model.h"

namespace fieldgate {

nlohmann::json to_json(const NormalizedResult& r);
nlohmann::json to_json(const RecordError& e);
nlohmann::json to_json(const NormalizeOutput& out);  // {"batch", "payload_error", "records"}

// One line per error, payload error first: "<code> <pointer> [<field>]: <detail>".
std::string error_lines(const NormalizeOutput& out);

}  // namespace fieldgate
