// The canonical rules the engine enforces with the catalog, whatever the mapping says.
#include "result_json.h"
#include "test_support.h"

namespace fieldgate::testing {
namespace {

NormalizeOutput run(const std::string& body) {
    static const auto adapter = adapter_for(base_mapping("v", "json"));
    return adapter->normalize(body);
}

TEST(adapters_CanonicalRules, AnUnmappedCodeIsAnErrorNamingCodeAndFieldNeverOther) {
    auto out = run(R"({"id":"A","sr":"S","status":"FAIL","reason":"DOG","notes":"barking"})");
    ASSERT_EQ(out.records.size(), 1u);
    ASSERT_FALSE(out.records[0].result);
    ASSERT_EQ(out.records[0].errors.size(), 1u);
    const auto& e = out.records[0].errors[0];
    EXPECT_EQ(e.code, "unmapped_code");
    EXPECT_EQ(e.pointer, "/reason");
    EXPECT_EQ(e.field, "reason");
    EXPECT_NE(e.detail.find("'DOG'"), std::string::npos) << e.detail;

    auto status = run(R"({"id":"A","sr":"S","status":"MAYBE"})");
    ASSERT_EQ(status.records[0].errors.size(), 1u);
    EXPECT_EQ(status.records[0].errors[0].code, "unmapped_code");
    EXPECT_EQ(status.records[0].errors[0].field, "status");
    EXPECT_NE(status.records[0].errors[0].detail.find("'MAYBE'"), std::string::npos);
}

TEST(adapters_CanonicalRules, OtherNeedsADetail) {
    auto without = run(R"({"id":"A","sr":"S","status":"FAIL","reason":"MISC"})");
    ASSERT_EQ(without.records[0].errors.size(), 1u);
    EXPECT_EQ(without.records[0].errors[0].code, "missing_field");
    EXPECT_EQ(without.records[0].errors[0].pointer, "/notes");
    auto with = run(
        R"({"id":"A","sr":"S","status":"FAIL","reason":"MISC","notes":"resident asked to wait"})");
    ASSERT_TRUE(with.records[0].ok()) << error_lines(with);
    EXPECT_EQ(with.records[0].result->reason, "OTHER");
}

TEST(adapters_CanonicalRules, AReasonIsRequiredUnlessCompleted) {
    auto out = run(R"({"id":"A","sr":"S","status":"FAIL"})");
    ASSERT_EQ(out.records[0].errors.size(), 1u);
    EXPECT_EQ(out.records[0].errors[0].code, "missing_field");
    EXPECT_EQ(out.records[0].errors[0].pointer, "/reason");
}

TEST(adapters_CanonicalRules, CompletedDropsTheReasonButKeepsTheVendorsCode) {
    auto out = run(R"({"id":"A","sr":"S","status":" DONE ","reason":"NSO"})");
    ASSERT_TRUE(out.records[0].ok()) << error_lines(out);
    const auto& r = *out.records[0].result;
    EXPECT_EQ(r.outcome, "COMPLETED");
    EXPECT_EQ(r.reason, "");
    EXPECT_EQ(r.vendor_reason, "NSO");
    EXPECT_EQ(r.vendor_status, "DONE");  // raw, trimmed
    // Even an unknown reason code does not matter once the job is completed.
    EXPECT_TRUE(run(R"({"id":"A","sr":"S","status":"DONE","reason":"???"})").records[0].ok());
}

TEST(adapters_CanonicalRules, ProgressIsNotAnOutcomeAndNeedsNoReason) {
    auto out = run(R"({"id":"A","sr":"S","status":"OTW"})");
    ASSERT_TRUE(out.records[0].ok()) << error_lines(out);
    EXPECT_EQ(out.records[0].result->progress, "en_route");
    EXPECT_EQ(out.records[0].result->outcome, "");
    EXPECT_EQ(out.records[0].result->reason, "");
}

TEST(adapters_CanonicalRules, VendorRefAndStatusAreAlwaysRequired) {
    auto m = base_mapping("v", "json");
    m["fields"]["vendor_ref"]["required"] = false;
    m["fields"]["status"]["required"] = false;
    auto adapter = adapter_for(m);
    ASSERT_TRUE(adapter);
    auto out = adapter->normalize(R"({"sr":"S"})");
    ASSERT_EQ(out.records[0].errors.size(), 2u) << error_lines(out);
    EXPECT_EQ(out.records[0].errors[0].pointer, "/id");
    EXPECT_EQ(out.records[0].errors[1].pointer, "/status");
}

TEST(adapters_CanonicalRules, NormalizeNeverThrowsOnGarbage) {
    for (const char* body :
         {"", "null", "[]", "42", "{\"results\":5}", "\xff\xfe", "{\"results\":[null]}"}) {
        NormalizeOutput out;
        EXPECT_NO_THROW(out = run(body)) << body;
        EXPECT_TRUE(out.payload_error || !out.records.empty()) << body;
        for (const auto& r : out.records) EXPECT_FALSE(r.ok()) << body;
    }
}

}  // namespace
}  // namespace fieldgate::testing
