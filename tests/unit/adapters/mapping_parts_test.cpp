// Taking values apart, each feature through a real mapping.json loaded by the registry's loader:
// epoch times (unix_seconds, unix_millis), numeric codes in value maps and one object where
// records are a list. `split` and `pattern` are in mapping_parts_split_test.cpp, `each` in
// mapping_parts_each_test.cpp.
#include "mapping_parts_support.h"

namespace fieldgate::testing {
namespace {

using nlohmann::json;

// --- epoch times ---------------------------------------------------------------------------

TEST(adapters_MappingParts, UnixSecondsFromANumberOrAStringOfDigits) {
    auto m = base_mapping("v", "json");
    m["fields"]["occurred_at"] = {{"from", "/t"}, {"format", "unix_seconds"}};
    EXPECT_EQ(only_ok(run(m, record(R"("t":1764672000)"))).occurred_at, "2025-12-02T10:40:00Z");
    EXPECT_EQ(only_ok(run(m, record(R"("t":"1764672000")"))).occurred_at, "2025-12-02T10:40:00Z");
    EXPECT_EQ(only_ok(run(m, record(R"("t":" 1764672000 ")"))).occurred_at, "2025-12-02T10:40:00Z");
}

TEST(adapters_MappingParts, UnixMillisFromANumberOrAStringOfDigitsKeepsTheMilliseconds) {
    auto m = base_mapping("v", "json");
    m["fields"]["occurred_at"] = {{"from", "/t"}, {"format", "unix_millis"}};
    EXPECT_EQ(only_ok(run(m, record(R"("t":1764672000123)"))).occurred_at,
              "2025-12-02T10:40:00.123Z");
    EXPECT_EQ(only_ok(run(m, record(R"("t":"1764672000123")"))).occurred_at,
              "2025-12-02T10:40:00.123Z");
    EXPECT_EQ(only_ok(run(m, record(R"("t":1764672000000)"))).occurred_at,
              "2025-12-02T10:40:00.000Z");
}

TEST(adapters_MappingParts, EpochTimesFromXmlAndCsvText) {
    auto x = base_mapping("v", "xml");
    x["fields"]["occurred_at"] = {{"from", "When"}, {"format", "unix_millis"}};
    EXPECT_EQ(only_ok(run(x,
                          "<Envelope><Body><Notify><event><Id>G</Id><Sr>S</Sr><State>DONE</State>"
                          "<When>1764672000123</When></event></Notify></Body></Envelope>"))
                  .occurred_at,
              "2025-12-02T10:40:00.123Z");
    auto c = base_mapping("v", "csv");
    c["fields"]["occurred_at"] = {{"from", "when"}, {"format", "unix_seconds"}};
    EXPECT_EQ(only_ok(run(c, "id,sr,status,when\nA,S,DONE,1764672000\n")).occurred_at,
              "2025-12-02T10:40:00Z");
}

TEST(adapters_MappingParts, AValueThatIsNotEpochDigitsNamesTheFieldAndTheFormatWithAnExample) {
    auto m = base_mapping("v", "json");
    m["fields"]["occurred_at"] = {{"from", "/done/at"}, {"format", "unix_millis"}};
    for (const std::string bad : {R"("2025-12-02T10:40:00Z")", "1764672000123.5", "1.764672e12",
                                  R"("17646x")", R"("0x1F")", "true"}) {
        SCOPED_TRACE(bad);
        const auto e = only_error(run(m, record(R"("done":{"at":)" + bad + "}")));
        EXPECT_EQ(e.pointer, "/done/at");
        EXPECT_EQ(e.field, "done.at");
        if (bad == "true") {
            EXPECT_EQ(e.code, "invalid_type");
            continue;
        }
        EXPECT_EQ(e.code, "invalid_value");
        EXPECT_TRUE(has(e.detail, "'done.at'")) << e.detail;
        EXPECT_TRUE(has(e.detail,
                        "unix_millis (whole milliseconds since 1970-01-01T00:00:00Z, "
                        "e.g. 1764672000123)"))
            << e.detail;
    }
    m["fields"]["occurred_at"]["format"] = "unix_seconds";
    const auto e = only_error(run(m, record(R"("done":{"at":"yesterday"})")));
    EXPECT_TRUE(has(e.detail, "e.g. 1764672000)")) << e.detail;
}

TEST(adapters_MappingParts, MillisecondsInAUnixSecondsFieldAreRefusedWithAHint) {
    auto m = base_mapping("v", "json");
    m["fields"]["occurred_at"] = {{"from", "/t"}, {"format", "unix_seconds"}};
    const auto e = only_error(run(m, record(R"("t":1764672000123)")));
    EXPECT_EQ(e.code, "invalid_value");
    EXPECT_EQ(e.pointer, "/t");
    EXPECT_TRUE(has(e.detail, "outside the years 0001 to 9999")) << e.detail;
    EXPECT_TRUE(has(e.detail, "looks like milliseconds")) << e.detail;
    EXPECT_TRUE(has(e.detail, "unix_millis")) << e.detail;
}

TEST(adapters_MappingParts, EpochTimesAreUtcWhateverTheZoneAndWithinFourDigitYears) {
    auto m = base_mapping("v", "json");
    m["time_zone"] = "Asia/Kolkata";
    m["fields"]["occurred_at"] = {{"from", "/t"}, {"format", "unix_seconds"}};
    EXPECT_EQ(only_ok(run(m, record(R"("t":0)"))).occurred_at, "1970-01-01T00:00:00Z");
    EXPECT_EQ(only_ok(run(m, record(R"("t":253402300799)"))).occurred_at, "9999-12-31T23:59:59Z");
    EXPECT_EQ(only_error(run(m, record(R"("t":253402300800)"))).code, "invalid_value");
    EXPECT_EQ(only_error(run(m, record(R"("t":"9999999999999999999999")"))).code, "invalid_value");
    m["fields"]["occurred_at"]["format"] = "unix_millis";
    EXPECT_EQ(only_ok(run(m, record(R"("t":"-1")"))).occurred_at, "1969-12-31T23:59:59.999Z");
}

TEST(adapters_MappingParts, BothEpochFormatsInOneListIsALoadError) {
    auto m = base_mapping("v", "json");
    m["fields"]["occurred_at"] = {{"from", "/t"}, {"format", {"unix_seconds", "unix_millis"}}};
    const auto errors = load_errors(m);
    EXPECT_TRUE(has(errors, "/fields/occurred_at/format: unix_seconds and unix_millis")) << errors;
    // One epoch format after a text one is fine: the digits never look like iso8601.
    m["fields"]["occurred_at"]["format"] = {"iso8601", "unix_millis"};
    EXPECT_EQ(only_ok(run(m, record(R"("t":"1764672000123")"))).occurred_at,
              "2025-12-02T10:40:00.123Z");
    EXPECT_EQ(only_ok(run(m, record(R"("t":"2025-12-02T10:40:00Z")"))).occurred_at,
              "2025-12-02T10:40:00Z");
}

// --- numeric codes, one object as the record list -----------------------------------------

TEST(adapters_MappingParts, AJsonNumberCodeLooksUpTheMapEntryKeyedByItsText) {
    auto m = base_mapping("v", "json");
    m["value_maps"]["status"]["entries"] = {{"1", "COMPLETED"}, {"2", "NOT_COLLECTED"}};
    m["value_maps"]["reason"]["entries"] = {{"11", "NOT_SET_OUT"}, {"99", "OTHER"}};
    const auto r = only_ok(run(m, R"({"id":"A","sr":"S","status":1})"));
    EXPECT_EQ(r.outcome, "COMPLETED");
    EXPECT_EQ(r.vendor_status, "1");
    const auto missed = only_ok(run(m, R"({"id":"A","sr":"S","status":2,"reason":11})"));
    EXPECT_EQ(missed.reason, "NOT_SET_OUT");
    EXPECT_EQ(missed.vendor_reason, "11");
    const auto e = only_error(run(m, R"({"id":"A","sr":"S","status":2,"reason":12})"));
    EXPECT_EQ(e.code, "unmapped_code");
    EXPECT_TRUE(has(e.detail, "value '12'")) << e.detail;
}

TEST(adapters_MappingParts, OneObjectWhereTheRecordListIsExpectedIsOneRecord) {
    auto m = base_mapping("v", "json");
    m["records"] = {{"path", "/pickups"}};
    auto out = run(m, R"({"pickups":{"id":"A","sr":"S","status":"DONE"},"links":{"next":null}})");
    EXPECT_TRUE(out.batch);
    const auto r = only_ok(out);
    EXPECT_EQ(r.pointer, "/pickups");
    EXPECT_EQ(r.vendor_ref, "A");
    out = run(m, R"({"pickups":[{"id":"A","sr":"S","status":"DONE"}]})");
    EXPECT_EQ(only_ok(out).pointer, "/pickups/0");
}

}  // namespace
}  // namespace fieldgate::testing
