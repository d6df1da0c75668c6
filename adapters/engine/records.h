// A payload split into records, ready for field evaluation. Each format's source
// (json_source, xml_source, csv_source) produces one of these; problems with the payload as a
// whole go to payload_error, problems with one record's shape go to that slot's errors.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "engine/record_view.h"
#include "input_limits.h"
#include "model.h"

namespace fieldgate::engine {

struct RecordsSpec {
    std::string path;             // json: pointer to the record list; xml: element path
    bool root_is_record = false;  // json: without `path`, the root is one record
    char delimiter = ',';         // csv
    std::vector<std::string> required_columns;  // csv: a header without one is a payload error
};

struct RecordSlot {
    std::unique_ptr<RecordView> view;      // null when the record's shape is wrong
    std::vector<RecordError> errors;       // why the record cannot be read
    const nlohmann::json* json = nullptr;  // json: the record, for the payload schema
};

struct Records {
    std::vector<RecordSlot> slots;
    std::optional<RecordError> payload_error;
    bool batch = false;
    std::shared_ptr<const void> keep_alive;  // the parsed document the views point into
};

RecordError malformed(const std::string& where, const std::string& detail);
// A body input_limits.h refuses (too deep, a NUL byte): malformed, naming line, column and byte.
RecordError refused_before_parsing(std::string_view body, const InputProblem& problem);

}  // namespace fieldgate::engine
