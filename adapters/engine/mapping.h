// A mapping.json compiled for evaluation: record source, value maps and one FieldSpec per
// canonical field. Built by the loader, read-only afterwards.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog.h"
#include "engine/dates.h"
#include "engine/record_view.h"
#include "engine/records.h"
#include "engine/value_map.h"
#include "json_schema.h"

namespace re2 {
class RE2;
}

namespace fieldgate::engine {

enum class FieldType { kString, kNumber, kInteger, kDateTime, kDate, kStringList, kBoolean };

std::optional<FieldType> field_type_from_name(const std::string& name);
std::string field_type_name(FieldType t);
// The type of a canonical field ("vendor_ref", "occurred_at", ...); nullopt when unknown.
std::optional<FieldType> canonical_field_type(const std::string& target);
const std::vector<std::string>& canonical_fields();

// The canonical field a FieldSpec fills, decided once at load so that evaluating a record
// compares no names; kNone for a check.
enum class Standard {
    kNone,
    kVendorRef,
    kCrmCaseId,
    kStatus,
    kReason,
    kDetail,
    kOccurredAt,
    kServiceDate,
    kLat,
    kLon,
    kGpsAccuracy,
    kTruck,
    kCrew,
    kDriver,
    kPhotos,
    kItemsCollected,
    kRouteId,
    kRouteDate,
    kRouteStopSeq,
    kRouteLevel,
};
Standard standard_field(const std::string& target);

struct FieldSpec {
    std::string target;  // canonical field name, or the check's name
    Standard standard = Standard::kNone;
    std::string mapping_pointer;  // where it is declared in mapping.json, e.g. /fields/status
    FieldType type = FieldType::kString;
    std::vector<std::string> from;  // alternative paths, first present wins
    // string_list, json: the sub-pointer read in every element of the list at `from` (an
    // element with nothing there is skipped); empty: the list's elements are the values.
    std::string each;
    Scope scope = Scope::kRecord;
    std::vector<std::string> join;  // paths whose values are joined with `separator`
    std::string separator;
    std::optional<Scalar> constant;
    bool required = false;
    std::string map;                     // value map name
    std::vector<std::string> sentinels;  // values meaning "none"
    std::optional<std::string> equals;   // boolean: true when the value equals this
    std::vector<std::string> allowed;    // accepted values (a check)
    std::vector<TimeFormat> formats;
    // Part of the value read from `from` (engine/extract.h): first `split`, then `pattern`.
    struct Split {
        std::string separator;  // not empty
        int index = 0;          // 0 = first part; -1 = last
    };
    std::optional<Split> split;
    // Compiled at load, with exactly one capture group (the part kept).
    std::shared_ptr<const re2::RE2> pattern;
    std::string offset_from;          // path of an offset field ("-08:00")
    std::string offset_minutes_from;  // path of an offset-in-minutes field (east of UTC)
    const date::time_zone* zone = nullptr;
    // Longest value accepted, in characters (each item of a list); most items of a list.
    // Defaults per standard field (string_limits.h), max_length / max_items in mapping.json.
    std::size_t max_length = 128;
    std::size_t max_items = 50;
};

struct CompiledMapping {
    std::string vendor_id;
    std::string format;  // json | xml | csv
    RecordsSpec records;
    std::map<std::string, ValueMap> value_maps;
    std::vector<FieldSpec> fields;
    std::vector<FieldSpec> checks;
    std::shared_ptr<const JsonSchema> payload_schema;  // json only; checked per record
    std::shared_ptr<const Catalog> catalog;
};

}  // namespace fieldgate::engine
