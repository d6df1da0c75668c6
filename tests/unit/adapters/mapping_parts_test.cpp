// Taking values apart, each feature through a real mapping.json loaded by the registry's loader:
// epoch times (unix_seconds, unix_millis), `split`, `pattern` (RE2), `each` for lists of
// objects, numeric codes in value maps and one object where records are a list.
#include <chrono>

#include "test_support.h"

namespace fieldgate::testing {
namespace {

using nlohmann::json;

std::string errors_of(const NormalizeOutput& out) {
    std::string s;
    if (out.payload_error) s += "payload: " + out.payload_error->detail + "\n";
    for (const auto& r : out.records)
        for (const auto& e : r.errors) s += e.code + " " + e.pointer + ": " + e.detail + "\n";
    return s;
}

NormalizedResult only_ok(const NormalizeOutput& out) {
    if (out.payload_error || out.records.size() != 1 || !out.records[0].ok()) {
        ADD_FAILURE() << "expected one good record, got: " << errors_of(out);
        return {};
    }
    return *out.records[0].result;
}

RecordError only_error(const NormalizeOutput& out) {
    if (out.records.size() != 1 || out.records[0].errors.size() != 1) {
        ADD_FAILURE() << "expected one error, got: " << errors_of(out);
        return {"", "", "(none)", ""};
    }
    return out.records[0].errors[0];
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A record of base_mapping("v", "json") with `extra` members.
std::string record(const std::string& extra) {
    return R"({"id":"A","sr":"S","status":"DONE",)" + extra + "}";
}

// The load errors of a mapping, as "pointer: message" lines.
std::string load_errors(const json& mapping) {
    TempDir dir;
    auto load = load_mapping(dir, mapping);
    EXPECT_FALSE(load.vendor) << "the mapping was expected to be refused";
    std::string s;
    for (const auto& e : load.errors) s += e.pointer + ": " + e.message + "\n";
    return s;
}

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
    // The pattern std::regex backtracks on exponentially; RE2 does not.
    auto m = base_mapping("v", "json");
    m["transport"]["max_body_bytes"] = 1 << 20;
    m["fields"]["detail"] = {{"from", "/notes"}, {"pattern", "^((?:a+)+)b$"}};
    const std::string body = record(R"("notes":")" + std::string(100000, 'a') + "!\"");
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(only_ok(run(m, body)).detail, "");
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
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

// --- each ----------------------------------------------------------------------------------

json photos_mapping() {
    auto m = base_mapping("v", "json");
    m["fields"]["photos"] = {{"from", "/photos"}, {"type", "string_list"}, {"each", "/href"}};
    return m;
}

TEST(adapters_MappingParts, EachTakesOneValueOutOfEveryElement) {
    const auto r = only_ok(
        run(photos_mapping(), record(R"("photos":[{"href":"a.jpg","w":1},{"href":" b.jpg "}])")));
    EXPECT_EQ(r.photos, (std::vector<std::string>{"a.jpg", "b.jpg"}));
    // A deeper pointer inside each element.
    auto m = photos_mapping();
    m["fields"]["photos"]["each"] = "/links/full";
    EXPECT_EQ(only_ok(run(m, record(R"("photos":[{"links":{"full":"f.jpg"}}])"))).photos,
              std::vector<std::string>{"f.jpg"});
}

TEST(adapters_MappingParts, EachOnASingleObjectIsAOneElementList) {
    EXPECT_EQ(only_ok(run(photos_mapping(), record(R"("photos":{"href":"only.jpg"})"))).photos,
              std::vector<std::string>{"only.jpg"});
}

TEST(adapters_MappingParts, EachSkipsElementsWithNothingThere) {
    const auto r = only_ok(run(
        photos_mapping(),
        record(
            R"("photos":[{"href":"a.jpg"},{"caption":"uploading"},{"href":null},null,{"href":""},{"href":"b.jpg"}])")));
    EXPECT_EQ(r.photos, (std::vector<std::string>{"a.jpg", "b.jpg"}));
    EXPECT_TRUE(
        only_ok(run(photos_mapping(), record(R"("photos":[{"caption":"x"}])"))).photos.empty());
    EXPECT_TRUE(only_ok(run(photos_mapping(), record(R"("photos":[])"))).photos.empty());
    EXPECT_TRUE(only_ok(run(photos_mapping(), record(R"("other":1)"))).photos.empty());
}

TEST(adapters_MappingParts, EachRefusesElementsThatAreNotObjectsAndValuesThatAreNotText) {
    auto e = only_error(run(photos_mapping(), record(R"("photos":[{"href":"a.jpg"},"b.jpg"])")));
    EXPECT_EQ(e.code, "invalid_type");
    EXPECT_EQ(e.pointer, "/photos/1");
    EXPECT_EQ(e.detail,
              "'photos.1' is \"b.jpg\"; each item of 'photos' must be an object holding '/href'.");
    e = only_error(run(photos_mapping(), record(R"("photos":[{"href":{"url":"a"}}])")));
    EXPECT_EQ(e.code, "invalid_type");
    EXPECT_EQ(e.pointer, "/photos/0/href");
    EXPECT_EQ(e.field, "photos.0.href");
    // Limits apply to each value, named by its own pointer.
    auto m = photos_mapping();
    m["fields"]["photos"]["max_length"] = 5;
    e = only_error(run(m, record(R"("photos":[{"href":"a.jpg"},{"href":"toolong.jpg"}])")));
    EXPECT_EQ(e.code, "too_long");
    EXPECT_EQ(e.pointer, "/photos/1/href");
    m["fields"]["photos"]["max_length"] = 100;
    m["fields"]["photos"]["max_items"] = 2;
    e = only_error(run(m, record(R"("photos":[{"href":"a"},{"href":"b"},{"x":1}])")));
    EXPECT_EQ(e.code, "too_long");
}

TEST(adapters_MappingParts, EachIsForJsonStringLists) {
    auto m = base_mapping("v", "json");
    m["fields"]["truck"] = {{"from", "/t"}, {"each", "/id"}};
    auto errors = load_errors(m);
    EXPECT_TRUE(has(errors, "/fields/truck/each: 'each' reads one value out of every element"))
        << errors;
    auto relative = photos_mapping();
    relative["fields"]["photos"]["each"] = "href";
    EXPECT_TRUE(has(load_errors(relative), "/fields/photos/each")) << load_errors(relative);
    auto x = base_mapping("v", "xml");
    x["fields"]["photos"] = {{"from", "Images/Image"}, {"type", "string_list"}, {"each", "/Url"}};
    errors = load_errors(x);
    EXPECT_TRUE(has(errors,
                    "/fields/photos/each: xml has no 'each': name the repeated "
                    "element's child in 'from'"))
        << errors;
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
