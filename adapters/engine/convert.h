// One scalar turned into the value its field's type asks for (text, number, whole number,
// boolean, date, date-time), without knowing the record it came from: the evaluator reads the
// offset of a local time and names the vendor's field in the error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/mapping.h"
#include "model.h"

namespace fieldgate::engine {

struct Converted {
    std::string text;  // strings, dates (converted), numbers as written
    double number = 0;
    std::int64_t integer = 0;
    bool boolean = false;
    std::optional<std::string> expected;  // a type error: what the field must be ("a number")
    std::optional<std::string> invalid;   // an invalid value: why ("not a date ...")
};

// `t` is the trimmed text of `s`; `offset` the minutes east of UTC of a local date-time read
// from another field. Structures and `allowed` lists are the caller's.
Converted convert_scalar(const FieldSpec& f, const Scalar& s, const std::string& t,
                         std::optional<int> offset);

// Whether a scalar of this kind can be a date-time of this field (a number only as epoch time:
// unix_seconds or unix_millis).
bool datetime_kind(const FieldSpec& f, const Scalar& s);

// The offset of a local date-time read from the field's offset_from / offset_minutes_from;
// false (with an error naming that field) when it is there but is not an offset.
bool read_offset(const FieldSpec& f, const RecordView& record, std::optional<int>& offset,
                 std::vector<RecordError>& errors);

// "a number", "a date and time", ... for "must be ..." sentences.
std::string expected_name(FieldType t);

}  // namespace fieldgate::engine
