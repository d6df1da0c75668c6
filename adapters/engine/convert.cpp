#include "engine/convert.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "engine/text.h"

namespace fieldgate::engine {

namespace {

Converted type_error(FieldType t) {
    Converted c;
    c.expected = expected_name(t);
    return c;
}

Converted invalid(std::string why) {
    Converted c;
    c.invalid = std::move(why);
    return c;
}

}  // namespace

bool datetime_kind(const FieldSpec& f, const Scalar& s) {
    using K = Scalar::Kind;
    return s.kind == K::kString || s.kind == K::kText ||
           (s.kind == K::kNumber && std::any_of(f.formats.begin(), f.formats.end(), is_epoch));
}

Converted convert_scalar(const FieldSpec& f, const Scalar& s, const std::string& t,
                         std::optional<int> offset) {
    using K = Scalar::Kind;
    Converted c;
    switch (f.type) {
        case FieldType::kString:
            if (s.kind == K::kBoolean) return type_error(f.type);
            c.text = t;
            break;
        case FieldType::kNumber: {
            if (s.kind == K::kString || s.kind == K::kBoolean) return type_error(f.type);
            const auto r = std::from_chars(t.data(), t.data() + t.size(), c.number);
            if (r.ec != std::errc() || r.ptr != t.data() + t.size() || !std::isfinite(c.number))
                return type_error(f.type);
            c.text = t;
            break;
        }
        case FieldType::kInteger: {
            if (s.kind == K::kString || s.kind == K::kBoolean) return type_error(f.type);
            const auto r = std::from_chars(t.data(), t.data() + t.size(), c.integer);
            if (r.ec != std::errc() || r.ptr != t.data() + t.size()) return type_error(f.type);
            c.text = t;
            break;
        }
        case FieldType::kBoolean:
            if (t != "true" && t != "false") return type_error(f.type);
            c.boolean = t == "true";
            break;
        case FieldType::kDate: {
            if (s.kind != K::kString && s.kind != K::kText) return type_error(f.type);
            auto r = to_iso_date(t, f.formats);
            if (!r.value) return invalid(r.error);
            c.text = *r.value;
            break;
        }
        case FieldType::kDateTime: {
            if (!datetime_kind(f, s)) return type_error(f.type);
            auto r = to_rfc3339(t, f.formats, offset, f.zone);
            if (!r.value) return invalid(r.error);
            c.text = *r.value;
            break;
        }
        case FieldType::kStringList:
            break;  // lists are read item by item
    }
    return c;
}

bool read_offset(const FieldSpec& f, const RecordView& record, std::optional<int>& offset,
                 std::vector<RecordError>& errors) {
    auto fail = [&](const std::string& path, const std::string& must, const Scalar& s) {
        const auto where = record.locate(path, f.scope);
        errors.push_back(
            RecordError{where.pointer, where.field, "invalid_value",
                        "'" + where.field + "' must be " + must + "; got '" + s.text + "'."});
        return false;
    };
    if (!f.offset_from.empty()) {
        if (auto s = record.scalar(f.offset_from, f.scope)) {
            offset = parse_offset(trim(s->text));
            if (!offset) return fail(f.offset_from, "a UTC offset like -08:00", *s);
            return true;
        }
    }
    if (!f.offset_minutes_from.empty()) {
        if (auto s = record.scalar(f.offset_minutes_from, f.scope)) {
            const auto t = trim(s->text);
            int n = 0;
            const auto r = std::from_chars(t.data(), t.data() + t.size(), n);
            if (r.ec != std::errc() || r.ptr != t.data() + t.size() || n < -18 * 60 ||
                n > 18 * 60 || s->kind == Scalar::Kind::kString) {
                return fail(f.offset_minutes_from,
                            "whole minutes east of UTC between -1080 and 1080 (e.g. -480)", *s);
            }
            offset = n;
        }
    }
    return true;
}

std::string expected_name(FieldType t) {
    switch (t) {
        case FieldType::kNumber:
            return "a number";
        case FieldType::kInteger:
            return "a whole number";
        case FieldType::kDate:
            return "a date";
        case FieldType::kDateTime:
            return "a date and time";
        case FieldType::kBoolean:
            return "true or false";
        case FieldType::kStringList:
            return "a list of text values";
        case FieldType::kString:
            return "text";
    }
    return "a value";
}

}  // namespace fieldgate::engine
