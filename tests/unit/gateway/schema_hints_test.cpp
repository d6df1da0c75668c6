// Schema violations name the field and say what was expected (RFC 9457 problems carry them).
#include <gtest/gtest.h>

#include "json_schema.h"

namespace fieldgate {
namespace {

using json = nlohmann::json;

const json kSchema = json::parse(R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "required": ["status", "when"],
  "additionalProperties": false,
  "definitions": {
    "status": { "type": "string", "enum": ["COMPLETED", "NOT_COLLECTED"] }
  },
  "properties": {
    "status": { "$ref": "#/definitions/status" },
    "when": { "type": "string", "format": "date-time" },
    "zip": { "type": "string", "pattern": "^[0-9]{5}$", "examples": ["94110"] },
    "items": { "type": "array", "items": { "type": "object", "required": ["kind"],
               "properties": { "kind": { "enum": ["sofa", "mattress"] } } } },
    "count": { "type": "integer" }
  }
})");

SchemaViolation first_violation(const json& doc) {
    const auto violations = JsonSchema::from_json(kSchema).validate(doc);
    EXPECT_FALSE(violations.empty());
    return violations.empty() ? SchemaViolation{} : violations.front();
}

TEST(SchemaHints, EnumViolationListsTheAllowedValuesThroughARef) {
    const auto v = first_violation({{"status", "DONE"}, {"when", "2026-12-02T10:00:00Z"}});
    EXPECT_EQ(v.pointer, "/status");
    EXPECT_EQ(v.detail, R"(expected one of "COMPLETED", "NOT_COLLECTED"; got "DONE")");
}

TEST(SchemaHints, MissingRequiredFieldIsNamedInThePointerWithWhatItExpects) {
    const auto v = first_violation({{"status", "COMPLETED"}});
    EXPECT_EQ(v.pointer, "/when");
    EXPECT_NE(v.detail.find("required field 'when' is missing"), std::string::npos) << v.detail;
    EXPECT_NE(v.detail.find("2026-12-02T14:30:00Z"), std::string::npos) << v.detail;
}

TEST(SchemaHints, FormatViolationGivesAnExample) {
    const auto v = first_violation({{"status", "COMPLETED"}, {"when", "yesterday"}});
    EXPECT_EQ(v.pointer, "/when");
    EXPECT_NE(v.detail.find("RFC 3339 date-time, for example"), std::string::npos) << v.detail;
    EXPECT_NE(v.detail.find("got \"yesterday\""), std::string::npos) << v.detail;
}

TEST(SchemaHints, PatternViolationShowsThePatternAndAnExample) {
    const auto v = first_violation(
        {{"status", "COMPLETED"}, {"when", "2026-12-02T10:00:00Z"}, {"zip", "9411"}});
    EXPECT_EQ(v.pointer, "/zip");
    EXPECT_EQ(v.detail, R"(expected text matching ^[0-9]{5}$, for example "94110"; got "9411")");
}

TEST(SchemaHints, WrongTypeSaysWhichTypeWasExpectedAndWhichCame) {
    const auto v = first_violation(
        {{"status", "COMPLETED"}, {"when", "2026-12-02T10:00:00Z"}, {"count", "three"}});
    EXPECT_EQ(v.pointer, "/count");
    EXPECT_EQ(v.detail, R"(expected integer; got "three")");
}

TEST(SchemaHints, UnknownKeyIsNamedWithTheKnownOnes) {
    const auto v = first_violation(
        {{"status", "COMPLETED"}, {"when", "2026-12-02T10:00:00Z"}, {"colour", "red"}});
    EXPECT_EQ(v.pointer, "/colour");
    EXPECT_NE(v.detail.find("unknown key 'colour'"), std::string::npos) << v.detail;
    EXPECT_NE(v.detail.find("status"), std::string::npos) << v.detail;
}

TEST(SchemaHints, ViolationsInsideListItemsFollowItems) {
    const auto missing = first_violation({{"status", "COMPLETED"},
                                          {"when", "2026-12-02T10:00:00Z"},
                                          {"items", json::array({json::object()})}});
    EXPECT_EQ(missing.pointer, "/items/0/kind");
    EXPECT_NE(missing.detail.find(R"(one of "sofa", "mattress")"), std::string::npos)
        << missing.detail;
}

}  // namespace
}  // namespace fieldgate
