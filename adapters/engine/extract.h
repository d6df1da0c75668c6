// Taking part of a field's value, as mapping.json declares it: `split` (one part of the text cut
// at a separator) and `pattern` (capture group 1 of an RE2 regular expression), split first.
// The pattern is compiled once, when the mapping loads. RE2 matches in time linear in the
// value's length whatever the pattern (no backtracking), so a hostile value cannot stall a
// worker; std::regex is never used for vendor text.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "engine/mapping.h"

namespace fieldgate::engine {

struct CompiledPattern {
    std::shared_ptr<const re2::RE2> re;  // null when the pattern was refused
    std::string error;                   // why, phrased for the mapping's author
};

// A pattern with exactly one capture group, or why not (RE2's own message for bad syntax).
CompiledPattern compile_pattern(const std::string& pattern);

// Compiles `each`, `split` and `pattern` of the field declared as `f` at `where` into `s` (its
// type already set); each problem goes to `fail(mapping pointer, message)`.
void compile_parts(FieldSpec& s, const nlohmann::json& f, const std::string& where,
                   const std::string& format,
                   const std::function<void(const std::string&, const std::string&)>& fail);

struct Part {
    std::optional<std::string> text;  // the part, trimmed and not empty; nullopt: there is none
    std::string why;                  // when there is none: why, e.g. "it has 1 ','-separated part"
};

// The part of `value` the field takes (its split, then its pattern). A field with neither takes
// the whole value, trimmed.
Part extract_part(const FieldSpec& f, std::string_view value);

// Whether the field takes only part of its value.
inline bool takes_part(const FieldSpec& f) {
    return f.split.has_value() || f.pattern != nullptr;
}

// `value` cut to about `max_bytes` at a UTF-8 character boundary, with "..." when cut: long
// vendor values are quoted in refusals, not echoed whole.
std::string excerpt(std::string_view value, std::size_t max_bytes = 100);

}  // namespace fieldgate::engine
