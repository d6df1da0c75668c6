// Limits on the text a vendor (or a crew tablet, or a C++ adapter) hands the gateway. Every text
// value that is kept has a longest length, and no C0 control character but TAB, LF and CR: a
// value over its limit is refused with a 422 naming the field, never cut. Without a limit a
// 1.9 MB note is accepted, the CRM event built from it is over the CRM's body limit, the CRM
// answers 413 and the order is closed in the gateway and never in the CRM.
//
// The mapping engine applies the default of each standard field (overridable with max_length /
// max_items on the field in mapping.json); check_result_strings applies the defaults to what
// bypasses the engine (C++ adapters, MQTT route events).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model.h"

namespace fieldgate {

// Characters (Unicode code points), not bytes.
inline constexpr std::size_t kMaxIdentifierLength = 128;  // references, codes, ids, dates
inline constexpr std::size_t kMaxFreeTextLength = 4000;   // detail: notes, reason text
inline constexpr std::size_t kMaxUrlLength = 2048;        // each photo URL
inline constexpr std::size_t kMaxListItems = 50;          // photos per result

// The default longest value of a standard field ("detail", "vendor_ref", ...; each item of
// "photos"); kMaxIdentifierLength for any other name (checks, unknown names).
std::size_t default_max_length(std::string_view field);
// The default most items of a list field.
std::size_t default_max_items(std::string_view field);

struct TextProblem {
    std::string code;    // too_long | control_character (RecordError codes)
    std::string detail;  // "is 1900000 characters long; at most 4000 are accepted"
};

// Number of code points in UTF-8 text (continuation bytes are not counted).
std::size_t utf8_length(std::string_view text);

// Why `text` cannot be kept, as the end of a sentence that starts with the field's name; nullopt
// when it can. A C0 control character (U+0000..U+001F) other than TAB, LF, CR is refused
// wherever it is; the length counts characters.
std::optional<TextProblem> text_problem(std::string_view text, std::size_t max_length);

// Every text field of a normalized result against its default limit, for results that did not
// come through a mapping. Each error's pointer is the record's pointer (the caller knows no
// better) and its field the standard field's name.
std::vector<RecordError> check_result_strings(const NormalizedResult& r);

}  // namespace fieldgate
