// One test per mapping feature, each through a real mapping.json loaded by the registry's loader.
#include "result_json.h"
#include "test_support.h"

namespace fieldgate::testing {
namespace {

using nlohmann::json;

NormalizedResult only_ok(const NormalizeOutput& out) {
    const NormalizedResult empty;
    EXPECT_FALSE(out.payload_error) << error_lines(out);
    EXPECT_EQ(out.records.size(), 1u);
    if (out.records.size() != 1 || !out.records[0].ok()) {
        ADD_FAILURE() << error_lines(out);
        return empty;
    }
    return *out.records[0].result;
}

RecordError only_error(const NormalizeOutput& out) {
    const RecordError none{"", "", "(none)", ""};
    EXPECT_EQ(out.records.size(), 1u);
    if (out.records.size() != 1 || out.records[0].errors.size() != 1) {
        ADD_FAILURE() << "expected one error, got: " << error_lines(out);
        return none;
    }
    return out.records[0].errors[0];
}

// A vendor payload with a number no double holds is a malformed payload, not an exception.
TEST(adapters_MappingJson, ANumberTooLargeForADoubleIsAPayloadError) {
    const auto out = run(base_mapping("v", "json"), R"({"id":"J1","weight":1e99999})");
    ASSERT_TRUE(out.payload_error) << error_lines(out);
    EXPECT_FALSE(out.payload_error->detail.empty());
}

TEST(adapters_MappingJson, ExtractsByJsonPointer) {
    auto m = base_mapping("v", "json");
    m["fields"]["truck"] = {{"from", "/truck/id"}};
    m["fields"]["driver"] = {{"from", "/truck/crew~1driver"}};
    const auto& r = only_ok(run(
        m, R"({"id":"J1","sr":"SR-1","status":"DONE","truck":{"id":"T-9","crew/driver":"D-1"}})"));
    EXPECT_EQ(r.vendor_ref, "J1");
    EXPECT_EQ(r.crm_case_id, "SR-1");
    EXPECT_EQ(r.truck, "T-9");
    EXPECT_EQ(r.driver, "D-1");
    EXPECT_EQ(r.pointer, "");
}

TEST(adapters_MappingJson, FirstPresentAlternativeWins) {
    auto m = base_mapping("v", "json");
    m["fields"]["detail"] = {{"from", {"/notes", "/exception/description"}}};
    const std::string both =
        R"({"id":"J1","sr":"S","status":"DONE","notes":"N","exception":{"description":"D"}})";
    const std::string fallback =
        R"({"id":"J1","sr":"S","status":"DONE","notes":"  ","exception":{"description":"D"}})";
    EXPECT_EQ(only_ok(run(m, both)).detail, "N");
    EXPECT_EQ(only_ok(run(m, fallback)).detail, "D");
}

TEST(adapters_MappingJson, BatchOfRecordsWithBatchLevelFields) {
    auto m = base_mapping("v", "json");
    m["fields"]["route_id"] = {{"from", "/route"}, {"scope", "batch"}};
    m["fields"]["route_date"] = {{"from", "/day"}, {"scope", "batch"}, {"format", "us_date"}};
    auto out = run(m, R"({"route":"R-1","day":"02/03/2026","results":[
        {"id":"A","sr":"S1","status":"DONE"},{"id":"B","sr":"S2","status":"DONE"}]})");
    ASSERT_EQ(out.records.size(), 2u);
    EXPECT_TRUE(out.batch);
    for (std::size_t i = 0; i < 2; ++i) {
        ASSERT_TRUE(out.records[i].ok()) << error_lines(out);
        EXPECT_EQ(out.records[i].result->route.id, "R-1");
        EXPECT_EQ(out.records[i].result->route.date, "2026-02-03");
        EXPECT_EQ(out.records[i].result->pointer, "/results/" + std::to_string(i));
    }
    // The same mapping on a single result: no batch, no route.
    const auto& single = only_ok(run(m, R"({"id":"A","sr":"S1","status":"DONE"})"));
    EXPECT_EQ(single.route.id, "");
}

TEST(adapters_MappingJson, OneObjectWhereAListIsExpected) {
    auto m = base_mapping("v", "json");
    m["fields"]["photos"] = {{"from", "/photos"}, {"type", "string_list"}};
    auto out = run(m, R"({"results":{"id":"A","sr":"S1","status":"DONE","photos":"p1.jpg"}})");
    EXPECT_TRUE(out.batch);
    const auto& r = only_ok(out);
    EXPECT_EQ(r.pointer, "/results");
    EXPECT_EQ(r.photos, std::vector<std::string>{"p1.jpg"});
    const auto& many =
        only_ok(run(m, R"({"id":"A","sr":"S1","status":"DONE","photos":["a","b"]})"));
    EXPECT_EQ(many.photos, (std::vector<std::string>{"a", "b"}));
}

TEST(adapters_MappingJson, OneBadRecordDoesNotSpoilTheBatch) {
    auto m = base_mapping("v", "json");
    auto out =
        run(m, R"({"results":[{"id":"A","sr":"S1","status":"DONE"},{"sr":"S2","status":"DONE"},7,
        {"id":"C","sr":"S3","status":"DONE"}]})");
    ASSERT_EQ(out.records.size(), 4u);
    EXPECT_TRUE(out.records[0].ok());
    ASSERT_FALSE(out.records[1].ok());
    EXPECT_EQ(out.records[1].errors[0].pointer, "/results/1/id");
    ASSERT_FALSE(out.records[2].ok());
    EXPECT_EQ(out.records[2].errors[0].pointer, "/results/2");
    EXPECT_TRUE(out.records[3].ok());
}

TEST(adapters_MappingJson, MalformedJsonIsAPayloadErrorWithPosition) {
    auto out = run(base_mapping("v", "json"), "{\n  \"id\": \"A\",\n  \"sr\": \n}");
    ASSERT_TRUE(out.payload_error);
    EXPECT_EQ(out.payload_error->code, "malformed");
    EXPECT_NE(out.payload_error->detail.find("line 4, column 1"), std::string::npos)
        << out.payload_error->detail;
    EXPECT_TRUE(out.records.empty());
}

TEST(adapters_MappingJson, PayloadSchemaIsCheckedPerRecordWithItsOwnPointer) {
    TempDir dir;
    auto m = base_mapping("v", "json");
    m["payload_schema"] = "payload.schema.json";
    write_file(
        dir.path() / "v" / "payload.schema.json",
        R"({"type":"object","properties":{"gps":{"type":"object","properties":{"lat":{"type":"number","maximum":90}}}}})");
    auto load = load_mapping(dir, m);
    ASSERT_TRUE(load.vendor) << all_errors(load.errors);
    auto out = load.vendor->adapter->normalize(
        R"({"results":[{"id":"A","sr":"S","status":"DONE","gps":{"lat":12}},
        {"id":"B","sr":"S","status":"DONE"},{"id":"C","sr":"S","status":"DONE","gps":{"lat":120}}]})");
    ASSERT_EQ(out.records.size(), 3u);
    EXPECT_TRUE(out.records[0].ok());
    EXPECT_TRUE(out.records[1].ok());
    ASSERT_EQ(out.records[2].errors.size(), 1u) << error_lines(out);
    EXPECT_EQ(out.records[2].errors[0].pointer, "/results/2/gps/lat");
    EXPECT_EQ(out.records[2].errors[0].field, "gps.lat");
}

TEST(adapters_MappingXml, MatchesLocalNamesWhateverThePrefix) {
    auto m = base_mapping("v", "xml");
    const std::string a =
        R"(<soap:Envelope xmlns:soap="urn:s" xmlns:e="urn:e"><soap:Body><e:Notify><e:event>
        <e:Id>G1</e:Id><e:Sr>SR-1</e:Sr><e:State>DONE</e:State></e:event></e:Notify></soap:Body></soap:Envelope>)";
    const std::string b = R"(<S:Envelope xmlns:S="urn:s"><S:Body><Notify xmlns="urn:e"><event>
        <Id>G1</Id><x:Sr xmlns:x="urn:e">SR-1</x:Sr><State>DONE</State></event></Notify></S:Body></S:Envelope>)";
    for (const auto& body : {a, b}) {
        const auto& r = only_ok(run(m, body));
        EXPECT_EQ(r.vendor_ref, "G1");
        EXPECT_EQ(r.crm_case_id, "SR-1");
        EXPECT_EQ(r.outcome, "COMPLETED");
        EXPECT_EQ(r.pointer, "/Envelope/Body/Notify/event");
    }
}

TEST(adapters_MappingXml, RepeatedElementsMakeAListOfZeroOneOrMany) {
    auto m = base_mapping("v", "xml");
    m["fields"]["photos"] = {{"from", "Images/Image/Url"}, {"type", "string_list"}};
    auto body = [](const std::string& images) {
        return "<Envelope><Body><Notify><event><Id>G</Id><Sr>S</Sr><State>DONE</State>" + images +
               "</event></Notify></Body></Envelope>";
    };
    EXPECT_TRUE(only_ok(run(m, body(""))).photos.empty());
    EXPECT_TRUE(only_ok(run(m, body("<Images/>"))).photos.empty());
    EXPECT_EQ(only_ok(run(m, body("<Images><Image><Url>a</Url></Image></Images>"))).photos,
              std::vector<std::string>{"a"});
    EXPECT_EQ(
        only_ok(
            run(m, body("<Images><Image><Url>a</Url></Image><Image><Url>b</Url></Image></Images>")))
            .photos,
        (std::vector<std::string>{"a", "b"}));
}

TEST(adapters_MappingXml, MalformedXmlIsAPayloadErrorWithPosition) {
    auto out = run(base_mapping("v", "xml"), "<Envelope>\n<Body></Bod>\n</Envelope>");
    ASSERT_TRUE(out.payload_error);
    EXPECT_EQ(out.payload_error->code, "malformed");
    EXPECT_NE(out.payload_error->detail.find("line 2"), std::string::npos)
        << out.payload_error->detail;
}

TEST(adapters_MappingXml, ErrorsNameTheElementPath) {
    auto m = base_mapping("v", "xml");
    const auto& e = only_error(run(m,
                                   "<Envelope><Body><Notify><event><Id>G</Id><State>DONE</State></"
                                   "event></Notify></Body></Envelope>"));
    EXPECT_EQ(e.code, "missing_field");
    EXPECT_EQ(e.pointer, "/Envelope/Body/Notify/event/Sr");
    EXPECT_EQ(e.field, "Sr");
}

TEST(adapters_MappingCsv, FieldsByHeaderNameInAnyColumnOrder) {
    auto m = base_mapping("v", "csv");
    auto out = run(m,
                   "\xEF\xBB\xBFnotes,status,sr,id\r\n\"a, b\",DONE,SR-1,J1\r\n\"say "
                   "\"\"x\"\"\",DONE,SR-2,J2\r\n");
    ASSERT_EQ(out.records.size(), 2u) << error_lines(out);
    ASSERT_TRUE(out.records[0].ok()) << error_lines(out);
    EXPECT_EQ(out.records[0].result->vendor_ref, "J1");
    EXPECT_EQ(out.records[0].result->detail, "a, b");
    EXPECT_EQ(out.records[0].result->pointer, "line 2");
    EXPECT_EQ(out.records[1].result->detail, "say \"x\"");
}

TEST(adapters_MappingCsv, ErrorsNameLineAndColumn) {
    auto m = base_mapping("v", "csv");
    m["fields"]["items_collected"] = {{"from", "items"}};
    auto out = run(m, "id,sr,status,items\nJ1,SR-1,DONE,2\nJ2,SR-2,DONE,two\n");
    ASSERT_EQ(out.records.size(), 2u);
    EXPECT_TRUE(out.records[0].ok());
    ASSERT_EQ(out.records[1].errors.size(), 1u);
    EXPECT_EQ(out.records[1].errors[0].pointer, "line 3, column items");
    EXPECT_EQ(out.records[1].errors[0].field, "items");
}

TEST(adapters_MappingCsv, AHeaderWithoutARequiredColumnIsAPayloadError) {
    auto out = run(base_mapping("v", "csv"), "id,status\nJ1,DONE\n");
    ASSERT_TRUE(out.payload_error);
    EXPECT_EQ(out.payload_error->field, "sr");
}

TEST(adapters_MappingFields, JoinBuildsAReferenceFromSeveralColumns) {
    auto m = base_mapping("v", "csv");
    m["fields"]["vendor_ref"] = {
        {"join", {"route", "day", "stop"}}, {"separator", "/"}, {"required", true}};
    const auto& r = only_ok(run(m, "route,day,stop,sr,status\nR1,2026-02-03,4,SR-1,DONE\n"));
    EXPECT_EQ(r.vendor_ref, "R1/2026-02-03/4");
    const auto& e = only_error(run(m, "route,day,stop,sr,status\nR1,,4,SR-1,DONE\n"));
    EXPECT_EQ(e.code, "missing_field");
    EXPECT_EQ(e.field, "day");
}

TEST(adapters_MappingFields, ConstantsNeedNoSource) {
    auto m = base_mapping("v", "json");
    m["fields"]["truck"] = {{"const", "CITY-1"}};
    m["fields"]["status"] = {{"const", "DONE"}, {"map", "status"}};
    const auto& r = only_ok(run(m, R"({"id":"A","sr":"S"})"));
    EXPECT_EQ(r.truck, "CITY-1");
    EXPECT_EQ(r.outcome, "COMPLETED");
}

TEST(adapters_MappingFields, RequiredFieldsAreReportedWhenMissingOrEmpty) {
    auto m = base_mapping("v", "json");
    m["fields"]["truck"] = {{"from", "/truck"}, {"required", true}};
    const auto& e = only_error(run(m, R"({"id":"A","sr":"S","status":"DONE","truck":""})"));
    EXPECT_EQ(e.code, "missing_field");
    EXPECT_EQ(e.pointer, "/truck");
    m["fields"]["truck"]["required"] = false;
    EXPECT_EQ(only_ok(run(m, R"({"id":"A","sr":"S","status":"DONE"})")).truck, "");
}

TEST(adapters_MappingFields, TypesAreChecked) {
    auto m = base_mapping("v", "json");
    m["fields"]["lat"] = {{"from", "/lat"}};
    m["fields"]["items_collected"] = {{"from", "/n"}};
    m["fields"]["photos"] = {{"from", "/p"}};
    const auto& ok =
        only_ok(run(m, R"({"id":"A","sr":"S","status":"DONE","lat":37.5,"n":3,"p":["x"]})"));
    EXPECT_EQ(ok.lat, 37.5);
    EXPECT_EQ(ok.items_collected, 3);
    auto out = run(m, R"({"id":"A","sr":"S","status":"DONE","lat":"37.5","n":2.5,"p":[{"u":1}]})");
    ASSERT_EQ(out.records.size(), 1u);
    std::vector<std::string> pointers;
    for (const auto& e : out.records[0].errors) {
        EXPECT_EQ(e.code, "invalid_type");
        pointers.push_back(e.pointer);
    }
    EXPECT_EQ(pointers, (std::vector<std::string>{"/lat", "/p", "/n"}));
}

TEST(adapters_MappingFields, TextSourcesAreParsedPerType) {
    auto m = base_mapping("v", "csv");
    m["fields"]["lat"] = {{"from", "lat"}};
    m["fields"]["lon"] = {{"from", "lon"}};
    auto out = run(m, "id,sr,status,lat,lon\nA,S,DONE,37.25,\nB,S,DONE,north,1\n");
    ASSERT_EQ(out.records.size(), 2u);
    ASSERT_TRUE(out.records[0].ok());
    EXPECT_EQ(out.records[0].result->lat, 37.25);
    EXPECT_FALSE(out.records[0].result->lon);  // empty cell = absent
    ASSERT_EQ(out.records[1].errors.size(), 1u);
    EXPECT_EQ(out.records[1].errors[0].pointer, "line 3, column lat");
}

TEST(adapters_MappingFields, SentinelsMeanNone) {
    auto m = base_mapping("v", "json");
    m["fields"]["occurred_at"] = {
        {"from", "/t"}, {"format", "iso8601"}, {"sentinels", {"1900-01-01T00:00:00"}}};
    EXPECT_FALSE(only_ok(run(m, R"({"id":"A","sr":"S","status":"DONE","t":"1900-01-01T00:00:00"})"))
                     .occurred_at);
    EXPECT_EQ(only_ok(run(m, R"({"id":"A","sr":"S","status":"DONE","t":"2026-02-03T00:00:00"})"))
                  .occurred_at,
              "2026-02-03T00:00:00-08:00");
}

TEST(adapters_MappingFields, ZoneFromTheMappingOrTheField) {
    auto m = base_mapping("v", "json");
    m["fields"]["occurred_at"] = {{"from", "/t"}, {"format", "iso8601"}};
    const std::string body = R"({"id":"A","sr":"S","status":"DONE","t":"2026-07-01T12:00:00"})";
    EXPECT_EQ(only_ok(run(m, body)).occurred_at, "2026-07-01T12:00:00-07:00");
    m["fields"]["occurred_at"]["time_zone"] = "America/New_York";
    EXPECT_EQ(only_ok(run(m, body)).occurred_at, "2026-07-01T12:00:00-04:00");
}

TEST(adapters_MappingFields, OffsetFromAnotherField) {
    auto m = base_mapping("v", "json");
    m["fields"]["occurred_at"] = {
        {"from", "/t"}, {"format", "iso8601_local"}, {"offset_from", "/tz"}};
    EXPECT_EQ(
        only_ok(
            run(m,
                R"({"id":"A","sr":"S","status":"DONE","t":"2026-07-01T12:00:00","tz":"-08:00"})"))
            .occurred_at,
        "2026-07-01T12:00:00-08:00");
    const auto& e = only_error(
        run(m, R"({"id":"A","sr":"S","status":"DONE","t":"2026-07-01T12:00:00","tz":"PST"})"));
    EXPECT_EQ(e.pointer, "/tz");
}

TEST(adapters_MappingFields, OffsetMinutesFromAnotherField) {
    auto m = base_mapping("v", "xml");
    m["fields"]["occurred_at"] = {{"from", "When/DateTime"},
                                  {"format", "iso8601_local"},
                                  {"offset_minutes_from", "When/OffsetMinutes"}};
    auto body = [](const std::string& when) {
        return "<Envelope><Body><Notify><event><Id>G</Id><Sr>S</Sr><State>DONE</State><When>" +
               when + "</When></event></Notify></Body></Envelope>";
    };
    EXPECT_EQ(
        only_ok(
            run(m,
                body(
                    "<DateTime>2026-07-01T09:15:02</DateTime><OffsetMinutes>-480</OffsetMinutes>")))
            .occurred_at,
        "2026-07-01T09:15:02-08:00");
    EXPECT_EQ(
        only_ok(
            run(m,
                body("<DateTime>2026-07-01T09:15:02</DateTime><OffsetMinutes>60</OffsetMinutes>")))
            .occurred_at,
        "2026-07-01T09:15:02+01:00");
    // No offset field: the mapping's zone applies.
    EXPECT_EQ(only_ok(run(m, body("<DateTime>2026-07-01T09:15:02</DateTime>"))).occurred_at,
              "2026-07-01T09:15:02-07:00");
    const auto& e = only_error(
        run(m, body("<DateTime>2026-07-01T09:15:02</DateTime><OffsetMinutes>-8h</OffsetMinutes>")));
    EXPECT_EQ(e.field, "When/OffsetMinutes");
}

TEST(adapters_MappingFields, DatesInNamedFormats) {
    auto m = base_mapping("v", "json");
    m["fields"]["service_date"] = {{"from", "/d"}, {"format", {"us_date", "iso_date"}}};
    EXPECT_EQ(
        only_ok(run(m, R"({"id":"A","sr":"S","status":"DONE","d":"02/03/2026"})")).service_date,
        "2026-02-03");
    EXPECT_EQ(
        only_ok(run(m, R"({"id":"A","sr":"S","status":"DONE","d":"2026-02-04"})")).service_date,
        "2026-02-04");
    const auto& e = only_error(run(m, R"({"id":"A","sr":"S","status":"DONE","d":"3 Feb 2026"})"));
    EXPECT_EQ(e.code, "invalid_value");
    EXPECT_EQ(e.pointer, "/d");
}

TEST(adapters_MappingFields, RouteLevelRecordsNeedNoCaseId) {
    auto m = base_mapping("v", "csv");
    m["fields"]["crm_case_id"] = {{"from", "sr"}};
    m["fields"]["route_id"] = {{"from", "route"}};
    m["fields"]["route_date"] = {{"from", "day"}, {"format", "iso_date"}};
    m["fields"]["route_stop_seq"] = {{"from", "stop"}, {"sentinels", {"*"}}};
    m["fields"]["route_level"] = {{"from", "stop"}, {"equals", "*"}};
    auto out = run(m,
                   "id,sr,status,route,day,stop\nA,,DONE,R1,2026-02-03,*\nB,,DONE,R1,2026-02-03,"
                   "4\nC,SR-3,DONE,R1,2026-02-03,5\n");
    ASSERT_EQ(out.records.size(), 3u);
    ASSERT_TRUE(out.records[0].ok()) << error_lines(out);
    EXPECT_TRUE(out.records[0].result->route_level);
    EXPECT_EQ(out.records[0].result->route.stop_seq, "");
    EXPECT_EQ(out.records[0].result->route.id, "R1");
    ASSERT_EQ(out.records[1].errors.size(), 1u);
    EXPECT_EQ(out.records[1].errors[0].pointer, "line 3, column sr");
    ASSERT_TRUE(out.records[2].ok());
    EXPECT_FALSE(out.records[2].result->route_level);
    EXPECT_EQ(out.records[2].result->route.stop_seq, "5");
}

TEST(adapters_MappingFields, ChecksRefuseValuesOutsideTheAllowedList) {
    auto m = base_mapping("v", "json");
    m["checks"] = {
        {"event_type", {{"from", "/type"}, {"required", true}, {"allowed", {"943", "944"}}}}};
    only_ok(run(m, R"({"id":"A","sr":"S","status":"DONE","type":"944"})"));
    const auto& e = only_error(run(m, R"({"id":"A","sr":"S","status":"DONE","type":"950"})"));
    EXPECT_EQ(e.code, "invalid_value");
    EXPECT_EQ(e.pointer, "/type");
}

}  // namespace
}  // namespace fieldgate::testing
