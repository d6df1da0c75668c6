// Taking values apart through a real mapping.json: `split` into parts, and `pattern` (RE2)
// keeping a capture group, alone or after a split.

#include "mapping_parts_support.h"

namespace fieldgate::testing {
namespace {

using nlohmann::json;

// --- split ---------------------------------------------------------------------------------

json position_mapping(const std::string& format = "json") {
    auto m = base_mapping("v", format);
    const std::string from = format == "json" ? "/position" : "position";
    m["fields"]["lat"] = {{"from", from}, {"split", {{"separator", ","}, {"index", 0}}}};
    m["fields"]["lon"] = {{"from", from}, {"split", {{"separator", ","}, {"index", 1}}}};
    return m;
}

TEST(adapters_MappingParts, SplitTakesOnePartTrimmedAndReadsItPerTheFieldsType) {
    const auto m = position_mapping();
    const auto r = only_ok(run(m, record(R"("position":" 37.77 , -122.41 ")")));
    EXPECT_EQ(r.lat, 37.77);
    EXPECT_EQ(r.lon, -122.41);
    // A part that is not a number is refused as one, naming the vendor's field.
    const auto e = only_error(run(m, record(R"("position":"37.77,west")")));
    EXPECT_EQ(e.code, "invalid_type");
    EXPECT_EQ(e.pointer, "/position");
    EXPECT_TRUE(has(e.detail, "'position' must be a number; got west")) << e.detail;
}

TEST(adapters_MappingParts, SplitInCsvAndXmlToo) {
    const auto c = only_ok(
        run(position_mapping("csv"), "id,sr,status,position\nA,S,DONE,\"37.77,-122.41\"\n"));
    EXPECT_EQ(c.lat, 37.77);
    EXPECT_EQ(c.lon, -122.41);
    const auto x = only_ok(run(position_mapping("xml"),
                               "<Envelope><Body><Notify><event><Id>G</Id><Sr>S</Sr><State>DONE"
                               "</State><position>37.77,-122.41</position></event></Notify>"
                               "</Body></Envelope>"));
    EXPECT_EQ(x.lon, -122.41);
}

TEST(adapters_MappingParts, AMissingOrEmptyPartLeavesTheFieldAbsentOrRefusesARequiredOne) {
    auto m = position_mapping();
    const auto r = only_ok(run(m, record(R"("position":"37.77")")));
    EXPECT_EQ(r.lat, 37.77);
    EXPECT_FALSE(r.lon);
    EXPECT_FALSE(only_ok(run(m, record(R"("position":"37.77, ")"))).lon);
    m["fields"]["lon"]["required"] = true;
    const auto e = only_error(run(m, record(R"("position":"37.77")")));
    EXPECT_EQ(e.code, "invalid_value");
    EXPECT_EQ(e.pointer, "/position");
    EXPECT_EQ(e.detail,
              "'position' is '37.77'; the mapping takes part 2 (index 1) of its ','-separated "
              "parts and it has 1 part, and every result must have it.");
    const auto empty = only_error(run(m, record(R"("position":"37.77,")")));
    EXPECT_TRUE(has(empty.detail, "which is empty")) << empty.detail;
}

TEST(adapters_MappingParts, ANegativeIndexCountsFromTheEnd) {
    auto m = base_mapping("v", "json");
    m["fields"]["truck"] = {{"from", "/vehicle"}, {"split", {{"separator", "/"}, {"index", -1}}}};
    EXPECT_EQ(only_ok(run(m, record(R"("vehicle":"fleet/west/EG-7")"))).truck, "EG-7");
    EXPECT_EQ(only_ok(run(m, record(R"("vehicle":"EG-7")"))).truck, "EG-7");
}

TEST(adapters_MappingParts, SentinelsApplyToTheValueAsSentBeforeTheSplit) {
    auto m = position_mapping();
    m["fields"]["lat"]["sentinels"] = {"N/A"};
    m["fields"]["lat"]["required"] = true;
    const auto e = only_error(run(m, record(R"("position":"N/A")")));
    EXPECT_EQ(e.code, "missing_field");
}

// --- pattern -------------------------------------------------------------------------------

TEST(adapters_MappingParts, PatternKeepsItsCaptureGroup) {
    auto m = base_mapping("v", "json");
    m["fields"]["crm_case_id"] = {
        {"from", "/ticket"}, {"pattern", R"(\b(SR-[0-9]{4}-[0-9]+)\b)"}, {"required", true}};
    EXPECT_EQ(only_ok(run(m, R"({"id":"A","status":"DONE","ticket":"city ticket SR-2026-1 ok"})"))
                  .crm_case_id,
              "SR-2026-1");
    const auto e =
        only_error(run(m, R"({"id":"A","status":"DONE","ticket":"resident called, no ticket"})"));
    EXPECT_EQ(e.code, "invalid_value");
    EXPECT_EQ(e.pointer, "/ticket");
    EXPECT_EQ(e.field, "ticket");
    EXPECT_TRUE(has(
        e.detail,
        R"('ticket' is 'resident called, no ticket'; it does not match the pattern '\b(SR-[0-9]{4}-[0-9]+)\b')"))
        << e.detail;
}

TEST(adapters_MappingParts, NoMatchLeavesAnOptionalFieldAbsent) {
    auto m = base_mapping("v", "json");
    m["fields"]["driver"] = {{"from", "/who"}, {"pattern", "^driver:(.*)$"}};
    EXPECT_EQ(only_ok(run(m, record(R"("who":"driver: Dana ")"))).driver, "Dana");
    EXPECT_EQ(only_ok(run(m, record(R"("who":"crew: 4")"))).driver, "");
    EXPECT_EQ(only_ok(run(m, record(R"("who":"driver:   ")"))).driver, "");  // empty group
}

TEST(adapters_MappingParts, PatternAfterSplitAndOnNumbers) {
    auto m = base_mapping("v", "json");
    m["fields"]["crew"] = {{"from", "/info"},
                           {"split", {{"separator", ";"}, {"index", 1}}},
                           {"pattern", "crew=([A-Z0-9-]+)"}};
    m["fields"]["items_collected"] = {{"from", "/count"}, {"pattern", "^([0-9]+)"}};
    const auto r = only_ok(run(m, record(R"("info":"truck=T1; crew=C-4 ;x","count":"3 bags")")));
    EXPECT_EQ(r.crew, "C-4");
    EXPECT_EQ(r.items_collected, 3);
    EXPECT_EQ(only_ok(run(m, record(R"("info":"a;b","count":17)"))).items_collected, 17);
}

TEST(adapters_MappingParts, PatternDrivesAValueMapLookup) {
    auto m = base_mapping("v", "csv");
    m["fields"]["status"] = {
        {"from", "status"}, {"map", "status"}, {"required", true}, {"pattern", "^([A-Z]+)/"}};
    const auto r = only_ok(run(m, "id,sr,status\nA,S,DONE/2026\n"));
    EXPECT_EQ(r.outcome, "COMPLETED");
    EXPECT_EQ(r.vendor_status, "DONE");
}

TEST(adapters_MappingParts, HostileValuesMatchInLinearTime) {
    // The pattern std::regex backtracks on exponentially (on 100,000 characters it would not end,
    // or would overflow its stack); RE2 does not. No clock here: a backtracking engine fails this
    // by never finishing, which ctest's timeout reports; the speed itself is bench/'s to measure.
    auto m = base_mapping("v", "json");
    m["transport"]["max_body_bytes"] = 1 << 20;
    m["fields"]["detail"] = {{"from", "/notes"}, {"pattern", "^((?:a+)+)b$"}};
    const std::string body = record(R"("notes":")" + std::string(100000, 'a') + "!\"");
    EXPECT_EQ(only_ok(run(m, body)).detail, "");
}

TEST(adapters_MappingParts, AnInvalidPatternOrOneWithoutExactlyOneGroupIsALoadError) {
    auto m = base_mapping("v", "json");
    m["fields"]["lat"] = {{"from", "/p"}, {"pattern", "([0-9.]+"}};
    auto errors = load_errors(m);
    EXPECT_TRUE(has(errors, "/fields/lat/pattern: '([0-9.]+' is not an RE2 regular expression: "))
        << errors;
    m["fields"]["lat"]["pattern"] = "[0-9.]+";
    errors = load_errors(m);
    EXPECT_TRUE(has(errors,
                    "/fields/lat/pattern: '[0-9.]+' has 0 capture groups; it needs "
                    "exactly one"))
        << errors;
    m["fields"]["lat"]["pattern"] = "(-?[0-9.]+),(-?[0-9.]+)";
    errors = load_errors(m);
    EXPECT_TRUE(has(errors, "/fields/lat/pattern: '(-?[0-9.]+),(-?[0-9.]+)' has 2 capture groups"))
        << errors;
    EXPECT_TRUE(has(errors, "(?:...)")) << errors;
    // Backreferences and lookarounds are not RE2: refused at load, not at run time.
    m["fields"]["lat"]["pattern"] = "(?=x)(a)";
    EXPECT_TRUE(has(load_errors(m), "/fields/lat/pattern: ")) << load_errors(m);
}

TEST(adapters_MappingParts, PartsOnlyWhereTheyMeanSomething) {
    auto m = base_mapping("v", "json");
    m["fields"]["truck"] = {{"const", "T"}, {"pattern", "(T)"}};
    m["fields"]["photos"] = {{"from", "/p"}, {"split", {{"separator", ","}, {"index", 0}}}};
    const auto errors = load_errors(m);
    EXPECT_TRUE(has(errors,
                    "/fields/truck/pattern: 'pattern' takes part of the value read with "
                    "'from'"))
        << errors;
    EXPECT_TRUE(has(errors, "/fields/photos/split: 'split' takes part of one value")) << errors;
    // The meta-schema asks a separator of at least one character.
    auto empty = base_mapping("v", "json");
    empty["fields"]["lat"] = {{"from", "/p"}, {"split", {{"separator", ""}, {"index", 0}}}};
    EXPECT_TRUE(has(load_errors(empty), "/fields/lat/split/separator")) << load_errors(empty);
}

}  // namespace
}  // namespace fieldgate::testing
