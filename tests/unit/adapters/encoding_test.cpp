// Bodies that are not UTF-8 (every vendor document says UTF-8). Regression from
// tests/fuzz/http_request_fuzzer.cpp: a Curbside CSV with bytes that are not UTF-8 was read as
// bytes, the refusal quoted them, and the problem document could not be serialized, so the upload
// was answered 503 store-unavailable (retried forever) instead of a refusal.
#include <string>

#include "test_support.h"

namespace fieldgate::testing {
namespace {

using namespace std::string_literals;

TEST(adapters_Encoding, ACsvThatIsNotUtf8IsRefusedNamingWhereTheFirstBadByteIs) {
    // The fuzzer's file, cut short: its header's last name ends in 0x01 0x97.
    const auto body =
        "route_id,route_date,stop_seq,sr_number,result,reason,reason_text,event_time,truck,lat"
        "\0\0\0\0\0\0\x01\x97,lon\n"
        "R12,2026-02-09,1,SR-2026-119201,DONE,,,2026-02-09 07:30:00,CC-3,37.30121,-121.85112\n"s;
    const auto out = normalize_as("curbside-coop", body);
    ASSERT_TRUE(out.payload_error);
    EXPECT_EQ(out.payload_error->code, "malformed");
    EXPECT_NE(out.payload_error->detail.find("line 1, column 93, byte 92 is 0x97"),
              std::string::npos)
        << out.payload_error->detail;
    EXPECT_TRUE(out.records.empty());
}

TEST(adapters_Encoding, AnXmlBodyThatIsNotUtf8IsRefusedToo) {
    auto body = read_file(vendor_schemas_dir() / "valley-disposal/samples/doc-example/input.xml");
    const auto at = body.find("Car parked");
    ASSERT_NE(at, std::string::npos);
    body.replace(at, 3, "Caf\xe9");  // Latin-1, not UTF-8
    const auto out = normalize_as("valley-disposal", body);
    ASSERT_TRUE(out.payload_error);
    EXPECT_NE(out.payload_error->detail.find("is 0xE9"), std::string::npos)
        << out.payload_error->detail;
}

TEST(adapters_Encoding, ValidUtf8BeyondAsciiIsReadAsBefore) {
    auto body = read_file(vendor_schemas_dir() / "curbside-coop/samples/doc-example/input.csv");
    const auto at = body.find("called resident");
    ASSERT_NE(at, std::string::npos);
    body.replace(at, 6, "llam\xc3\xb3");  // "llamó"
    const auto out = normalize_as("curbside-coop", body);
    EXPECT_FALSE(out.payload_error);
    ASSERT_GE(out.records.size(), 2u);
    ASSERT_TRUE(out.records[1].result);
    EXPECT_NE(out.records[1].result->detail.find("llam\xc3\xb3"), std::string::npos);
}

}  // namespace
}  // namespace fieldgate::testing
