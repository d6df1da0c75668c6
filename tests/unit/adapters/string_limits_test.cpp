// Every text value a vendor hands the gateway has a longest length and no control character but
// TAB, LF and CR (adapters/string_limits.h): the defaults of the standard fields, max_length /
// max_items in a mapping, and the same defaults on what a C++ adapter produced.
#include "string_limits.h"
#include "cpp_adapters.h"
#include "result_json.h"
#include "test_support.h"

namespace fieldgate::testing {
namespace {

using nlohmann::json;

std::string repeat(const std::string& unit, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += unit;
    return out;
}

json record(const std::string& notes) {
    return {{"id", "J1"}, {"sr", "SR-1"}, {"status", "FAIL"}, {"reason", "MISC"}, {"notes", notes}};
}

// The one error of the one record; code "(none)" when there is not exactly one.
RecordError only_error(const NormalizeOutput& out) {
    if (out.records.size() != 1 || out.records[0].errors.size() != 1) {
        ADD_FAILURE() << "expected one error, got: " << error_lines(out);
        return RecordError{"", "", "(none)", ""};
    }
    return out.records[0].errors[0];
}

TEST(adapters_StringLimits, TextProblemCountsCharactersAndAllowsOnlyTabLfCr) {
    EXPECT_FALSE(text_problem(repeat("a", 10), 10));
    EXPECT_FALSE(text_problem(repeat("\xE2\x82\xAC", 10), 10));  // 30 bytes, 10 characters
    const auto over = text_problem(repeat("\xE2\x82\xAC", 11), 10);
    ASSERT_TRUE(over);
    EXPECT_EQ(over->code, "too_long");
    EXPECT_EQ(over->detail, "is 11 characters long; at most 10 are accepted");

    EXPECT_FALSE(text_problem("a\tb\nc\r\n", 100));
    EXPECT_FALSE(text_problem("a\x7F", 100));  // DEL is not C0
    for (const char c : {'\0', '\x01', '\x0B', '\x0C', '\x1B', '\x1F'}) {
        const auto p = text_problem(std::string("\xC3\xA9x") + c + "y", 100);
        ASSERT_TRUE(p) << int(c);
        EXPECT_EQ(p->code, "control_character");
        EXPECT_NE(p->detail.find("at character 3"), std::string::npos) << p->detail;
    }
    EXPECT_NE(text_problem(std::string("\0", 1), 100)->detail.find("U+0000"), std::string::npos);
}

TEST(adapters_StringLimits, DefaultsOfTheStandardFields) {
    EXPECT_EQ(default_max_length("detail"), 4000u);
    EXPECT_EQ(default_max_length("vendor_ref"), 128u);
    EXPECT_EQ(default_max_length("crm_case_id"), 128u);
    EXPECT_EQ(default_max_length("truck"), 128u);
    EXPECT_EQ(default_max_length("photos"), 2048u);
    EXPECT_EQ(default_max_length("event_type"), 128u);  // a check
    EXPECT_EQ(default_max_items("photos"), 50u);
}

TEST(adapters_StringLimits, DetailAtItsDefaultPassesAndOneMoreIsRefusedNamingTheField) {
    for (const auto& format : {"json", "csv"}) {
        SCOPED_TRACE(format);
        const auto m = base_mapping("v", format);
        const auto body = [&](const std::string& notes) {
            return std::string(format) == "json"
                       ? record(notes).dump()
                       : "id,sr,status,reason,notes\nJ1,SR-1,FAIL,MISC," + notes + "\n";
        };
        const auto ok = run(m, body(repeat("n", 4000)));
        ASSERT_EQ(ok.records.size(), 1u);
        EXPECT_TRUE(ok.records[0].ok()) << error_lines(ok);
        const auto e = only_error(run(m, body(repeat("n", 4001))));
        EXPECT_EQ(e.code, "too_long");
        EXPECT_EQ(e.field, "notes");
        EXPECT_EQ(e.detail, "'notes' is 4001 characters long; at most 4000 are accepted.");
        if (std::string(format) == "json") {
            EXPECT_EQ(e.pointer, "/notes");
        }
    }
}

TEST(adapters_StringLimits, IdentifiersAreLimitedTo128Characters) {
    auto m = base_mapping("v", "json");
    m["fields"]["truck"] = {{"from", "/truck"}};
    auto r = record("fine");
    r["truck"] = repeat("T", 129);
    const auto e = only_error(run(m, r.dump()));
    EXPECT_EQ(e.code, "too_long");
    EXPECT_EQ(e.pointer, "/truck");
    r["truck"] = repeat("T", 128);
    r["id"] = repeat("J", 200);
    EXPECT_EQ(only_error(run(m, r.dump())).pointer, "/id");
}

TEST(adapters_StringLimits, TheLimitAppliesToWhatIsKeptAfterTrimming) {
    const auto out = run(base_mapping("v", "json"), record("  " + repeat("n", 4000) + "  ").dump());
    ASSERT_EQ(out.records.size(), 1u);
    EXPECT_TRUE(out.records[0].ok()) << error_lines(out);
}

TEST(adapters_StringLimits, AJoinedValueIsLimitedToo) {
    auto m = base_mapping("v", "json");
    m["fields"]["vendor_ref"] = {{"join", {"/route", "/stop"}}, {"separator", "/"}};
    auto r = record("fine");
    r["route"] = repeat("R", 100);
    r["stop"] = repeat("7", 30);
    const auto e = only_error(run(m, r.dump()));
    EXPECT_EQ(e.code, "too_long");
    EXPECT_EQ(e.pointer, "/route");
}

TEST(adapters_StringLimits, MaxLengthInTheMappingOverridesTheDefault) {
    auto m = base_mapping("v", "json");
    m["fields"]["detail"]["max_length"] = 5;
    EXPECT_TRUE(run(m, record("12345").dump()).records[0].ok());
    EXPECT_NE(only_error(run(m, record("123456").dump())).detail.find("at most 5 are"),
              std::string::npos);
    m["fields"]["detail"]["max_length"] = 20000;
    EXPECT_TRUE(run(m, record(repeat("n", 20000)).dump()).records[0].ok());
}

TEST(adapters_StringLimits, PhotoListsHaveAnItemLimitAndAUrlLimit) {
    auto m = base_mapping("v", "json");
    m["fields"]["photos"] = {{"from", "/photos"}, {"type", "string_list"}};
    auto r = record("fine");
    r["photos"] = json::array();
    for (int i = 0; i < 51; ++i) r["photos"].push_back("https://p.example/" + std::to_string(i));
    auto e = only_error(run(m, r.dump()));
    EXPECT_EQ(e.code, "too_long");
    EXPECT_EQ(e.detail, "'photos' has 51 items; at most 50 are accepted.");

    m["fields"]["photos"]["max_items"] = 60;
    EXPECT_TRUE(run(m, r.dump()).records[0].ok());

    r["photos"] = {"https://p.example/" + repeat("u", 2100)};
    e = only_error(run(m, r.dump()));
    EXPECT_EQ(e.code, "too_long");
    EXPECT_NE(e.detail.find("item 1 is 2118 characters long; at most 2048"), std::string::npos)
        << e.detail;
}

TEST(adapters_StringLimits, ALimitOutsideItsRangeOrOnTheWrongFieldIsALoadError) {
    TempDir dir;
    auto m = base_mapping("v", "json");
    m["fields"]["detail"]["max_length"] = 0;
    auto load = load_mapping(dir, m);
    EXPECT_FALSE(load.vendor);
    ASSERT_FALSE(load.errors.empty());
    EXPECT_EQ(load.errors[0].pointer, "/fields/detail/max_length") << all_errors(load.errors);

    m = base_mapping("v", "json");
    m["fields"]["detail"]["max_items"] = 3;
    load = load_mapping(dir, m);
    EXPECT_FALSE(load.vendor);
    ASSERT_EQ(load.errors.size(), 1u) << all_errors(load.errors);
    EXPECT_EQ(load.errors[0].pointer, "/fields/detail/max_items");
}

TEST(adapters_StringLimits, ControlCharactersAreRefusedInEveryFormat) {
    const auto json_out = run(base_mapping("v", "json"), R"({"id":"J1","sr":"SR-1",
        "status":"FAIL","reason":"MISC","notes":"before\u0000after"})");
    auto e = only_error(json_out);
    EXPECT_EQ(e.code, "control_character");
    EXPECT_EQ(e.pointer, "/notes");
    EXPECT_NE(e.detail.find("U+0000 at character 7"), std::string::npos) << e.detail;

    auto csv = base_mapping("v", "csv");
    e = only_error(run(csv, "id,sr,status,reason,notes\nJ1,SR-1,FAIL,MISC,bell\x07here\n"));
    EXPECT_EQ(e.code, "control_character");
    EXPECT_EQ(e.field, "notes");

    // Line breaks and tabs are text.
    const auto fine = run(base_mapping("v", "json"), record("first line\r\nsecond\tline").dump());
    EXPECT_TRUE(fine.records[0].ok()) << error_lines(fine);
}

class DetailFromBody final : public VendorAdapter {
  public:
    NormalizeOutput normalize(std::string_view body) const override {
        NormalizeOutput out;
        NormalizedResult r;
        r.vendor_ref = "X-1";
        r.crm_case_id = "SR-1";
        r.outcome = kNotCollected;
        r.reason = "OTHER";
        r.detail = std::string(body);
        out.records.push_back(RecordResult{r, {}});
        return out;
    }
};

TEST(adapters_StringLimits, WhatACppAdapterProducesIsHeldToTheDefaults) {
    auto registry = std::make_shared<CppAdapterRegistry>();
    ASSERT_TRUE(registry->add("detail-from-body", [](const CppAdapterContext&) {
        return std::make_shared<DetailFromBody>();
    }));
    VendorLoader loader(LoaderOptions{catalog(), {}, registry});
    TempDir dir;
    auto m = base_mapping("odd-vendor", "json");
    m.erase("fields");
    m.erase("records");
    m.erase("value_maps");
    m["cpp_adapter"] = "detail-from-body";
    write_file(dir.path() / "odd-vendor" / "mapping.json", m.dump());
    auto load = loader.load_folder(dir.path() / "odd-vendor");
    ASSERT_TRUE(load.vendor) << all_errors(load.errors);
    const auto& adapter = *load.vendor->adapter;

    EXPECT_TRUE(adapter.normalize(repeat("d", 4000)).records[0].ok());
    auto e = only_error(adapter.normalize(repeat("d", 4001)));
    EXPECT_EQ(e.code, "too_long");
    EXPECT_EQ(e.field, "detail");
    e = only_error(adapter.normalize(std::string("nul\0inside", 10)));
    EXPECT_EQ(e.code, "control_character");
}

}  // namespace
}  // namespace fieldgate::testing
