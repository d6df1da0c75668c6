#include "engine/mapping_adapter.h"

#include <utf8cpp/utf8.h>

#include <cstdio>
#include <optional>

#include <nlohmann/json.hpp>

#include "engine/csv_source.h"
#include "engine/evaluate.h"
#include "engine/json_source.h"
#include "engine/meta_schema.h"
#include "engine/text.h"
#include "engine/xml_source.h"
#include "input_limits.h"

namespace fieldgate::engine {

namespace {

std::string field_of(const std::string& pointer) {
    std::string out = pointer.empty() ? pointer : pointer.substr(1);
    for (auto& c : out) {
        if (c == '/') c = '.';
    }
    return out;
}

// The vendor's payload schema, per record, so each record's problems carry its own pointer.
void check_payload_schema(const JsonSchema& schema, const nlohmann::json& record,
                          const std::string& at, RecordResult& result) {
    const auto violations = condense(schema.validate(record));
    if (violations.empty()) return;
    result.result.reset();
    for (const auto& v : violations) {
        result.errors.push_back(RecordError{
            at + v.pointer, field_of(v.pointer), "invalid_value",
            "'" + field_of(v.pointer) + "' does not match the agreed format: " + v.detail});
    }
}

// Every vendor document says UTF-8. The JSON parser checks it; CSV and XML are read as bytes, and
// a value that is not UTF-8 could be stored but never sent on as JSON (the vendor's answer, the
// problem document, the CRM event).
std::optional<RecordError> not_utf8(std::string_view body) {
    const auto bad = utf8::find_invalid(body.begin(), body.end());
    if (bad == body.end()) return std::nullopt;
    const auto at = static_cast<std::size_t>(bad - body.begin());
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X",
                  static_cast<unsigned>(static_cast<unsigned char>(*bad)));
    return malformed("", "The body is not valid UTF-8 (" + line_column(body, at) + ", byte " +
                             std::to_string(at) + " is " + byte +
                             "); the interface document says UTF-8.");
}

}  // namespace

NormalizeOutput MappingAdapter::normalize(std::string_view body) const {
    NormalizeOutput out;
    try {
        const auto& m = *mapping_;
        if (m.format != "json") {
            if (auto error = not_utf8(body)) {
                out.batch = m.format == "csv";
                out.payload_error = std::move(error);
                return out;
            }
        }
        Records records = m.format == "json"  ? read_json_records(body, m.records)
                          : m.format == "xml" ? read_xml_records(body, m.records)
                                              : read_csv_records(body, m.records);
        out.batch = records.batch;
        out.payload_error = std::move(records.payload_error);
        if (records.slots.size() > kMaxResultsPerPayload) {
            out.payload_error = RecordError{
                "", "", "too_many_results",
                "The payload holds " + std::to_string(records.slots.size()) + " results; at most " +
                    std::to_string(kMaxResultsPerPayload) + " are taken in one request: split it."};
            return out;
        }
        for (auto& slot : records.slots) {
            if (!slot.view) {
                out.records.push_back(RecordResult{std::nullopt, std::move(slot.errors)});
                continue;
            }
            auto result = evaluate_record(m, *slot.view);
            // Mapping errors first (they name the field); the schema only speaks when they are
            // none.
            if (result.errors.empty() && m.payload_schema && slot.json) {
                check_payload_schema(*m.payload_schema, *slot.json, slot.view->pointer(), result);
            }
            out.records.push_back(std::move(result));
        }
    } catch (const std::exception& e) {
        out.records.clear();
        out.payload_error =
            RecordError{"", "", "internal",
                        std::string("The gateway could not read this payload: ") + e.what()};
    }
    return out;
}

}  // namespace fieldgate::engine
