// Turns a JSON Schema validator's terse messages ("Failed to match against any enum values.")
// into ones that help whoever sent the document: the pointer names the field itself (a missing
// property, an unknown key), and the detail says what was expected — the allowed values, the
// type, the pattern or format with an example — read from the schema at that place.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace fieldgate {

struct SchemaViolation;

// Rewrites `v` in place. `schema` is the whole schema document (local $refs are followed);
// `doc` the validated document.
void explain_violation(const nlohmann::json& schema, const nlohmann::json& doc, SchemaViolation& v);

}  // namespace fieldgate
