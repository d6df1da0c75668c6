// What the mapping-parts tests share: a record of base_mapping("v", "json"), the one result or
// error a run gives, and the load errors of a mapping.
#pragma once

#include <string>

#include "test_support.h"

namespace fieldgate::testing {

inline std::string errors_of(const NormalizeOutput& out) {
    std::string s;
    if (out.payload_error) s += "payload: " + out.payload_error->detail + "\n";
    for (const auto& r : out.records)
        for (const auto& e : r.errors) s += e.code + " " + e.pointer + ": " + e.detail + "\n";
    return s;
}

inline NormalizedResult only_ok(const NormalizeOutput& out) {
    if (out.payload_error || out.records.size() != 1 || !out.records[0].ok()) {
        ADD_FAILURE() << "expected one good record, got: " << errors_of(out);
        return {};
    }
    return *out.records[0].result;
}

inline RecordError only_error(const NormalizeOutput& out) {
    if (out.records.size() != 1 || out.records[0].errors.size() != 1) {
        ADD_FAILURE() << "expected one error, got: " << errors_of(out);
        return {"", "", "(none)", ""};
    }
    return out.records[0].errors[0];
}

inline bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A record of base_mapping("v", "json") with `extra` members.
inline std::string record(const std::string& extra) {
    return R"({"id":"A","sr":"S","status":"DONE",)" + extra + "}";
}

// The load errors of a mapping, as "pointer: message" lines.
inline std::string load_errors(const nlohmann::json& mapping) {
    TempDir dir;
    auto load = load_mapping(dir, mapping);
    EXPECT_FALSE(load.vendor) << "the mapping was expected to be refused";
    std::string s;
    for (const auto& e : load.errors) s += e.pointer + ": " + e.message + "\n";
    return s;
}

}  // namespace fieldgate::testing
