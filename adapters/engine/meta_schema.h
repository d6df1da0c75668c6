// Checking a document against a JSON Schema and reporting each problem once, at the most
// specific pointer (valijson also reports every enclosing level; those add nothing).
#pragma once

#include <string>
#include <vector>

#include "json_schema.h"
#include "load_error.h"

namespace fieldgate::engine {

// Drops violations whose pointer encloses another one; an unknown key is reported at its own
// pointer ("unknown key 'x'").
std::vector<SchemaViolation> condense(std::vector<SchemaViolation> violations);

std::vector<LoadError> check_against(const JsonSchema& schema, const nlohmann::json& doc,
                                     const std::string& file);

}  // namespace fieldgate::engine
