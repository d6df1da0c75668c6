// The structural checks on network input before any parser reads it (common/input_limits.h)
// and how each vendor format refuses what they find (a hostile network, findings 6 and 8):
// nesting past kMaxJsonDepth / kMaxXmlDepth, raw NUL bytes (which the parsers take for the end),
// XML character references to characters XML 1.0 forbids, NUL inside a CSV field.
#include <string>

#include "engine/csv_reader.h"
#include "input_limits.h"
#include "test_support.h"

namespace fieldgate::testing {
namespace {

using namespace std::string_literals;

std::string repeat(const std::string& s, std::size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
}

// ---- JSON ----

TEST(adapters_InputLimits, JsonNestedToTheLimitPassesOneLevelMoreIsRefusedWhereItOpens) {
    EXPECT_EQ(kMaxJsonDepth, 64u);
    EXPECT_FALSE(scan_json(repeat("[", 64) + repeat("]", 64)));
    EXPECT_FALSE(scan_json(repeat("{\"a\":", 63) + "[1]" + repeat("}", 63)));
    const auto problem = scan_json(repeat("[", 65) + repeat("]", 65));
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->offset, 64u);
    EXPECT_NE(problem->detail.find("the limit of 64 levels (level 65 opens here)"),
              std::string::npos)
        << problem->detail;
    // Siblings do not add up: depth is what is open at once.
    EXPECT_FALSE(scan_json("[" + repeat("[[]],", 10000) + "[]]"));
}

TEST(adapters_InputLimits, JsonScanStopsAtTheFirstLevelOverTheLimit) {
    // Four million '[' (the finding): refused at byte 64 without reading the rest.
    const std::string body = "{\"service_request\":\"SR-1\",\"x\":" + std::string(4'000'000, '[');
    const auto problem = scan_json(body);
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->offset, body.find('[') + 63);
}

TEST(adapters_InputLimits, JsonBracketsInsideStringsAndEscapesDoNotCount) {
    const std::string deep_text = "\"" + repeat("[{", 100) + "\\\"" + repeat("[", 100) + "\"";
    EXPECT_FALSE(scan_json("{\"notes\":" + deep_text + "}"));
    EXPECT_FALSE(scan_json("[\"\\\\\"," + repeat("[", 63) + repeat("]", 63) + "]"));
    // After an escaped backslash the quote closes the string: the brackets count again.
    const auto problem = scan_json("[\"\\\\\"" + repeat("[", 64));
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->offset, 5u + 63u);
}

TEST(adapters_InputLimits, JsonRawNulIsRefusedWhereverItIsNamingItsByte) {
    const auto after = scan_json("{\"a\":1}\0 trailing"s);
    ASSERT_TRUE(after);
    EXPECT_EQ(after->offset, 7u);
    EXPECT_NE(after->detail.find("NUL byte"), std::string::npos) << after->detail;
    const auto in_string = scan_json("{\"a\":\"x\0y\"}"s);
    ASSERT_TRUE(in_string);
    EXPECT_EQ(in_string->offset, 7u);
    const auto escaped = scan_json("{\"a\":\"x\\\0\"}"s);
    ASSERT_TRUE(escaped);
    EXPECT_EQ(escaped->offset, 8u);
    EXPECT_FALSE(scan_json("{\"a\":\"x\\u0000y\"}"));  // escaped, as JSON says: fine
}

TEST(adapters_InputLimits, JsonBodyProblemIsTheDetailOfA400) {
    EXPECT_FALSE(json_body_problem("{\"crm_case_id\":\"SR-1\"}"));
    const auto detail = json_body_problem(repeat("[", 70));
    ASSERT_TRUE(detail);
    EXPECT_EQ(*detail,
              "the body is refused before parsing, at byte 64: it nests arrays and objects "
              "deeper than the limit of 64 levels (level 65 opens here)");
}

// ---- XML ----

std::string nested_xml(std::size_t levels, const std::string& inner = "x") {
    return repeat("<a>", levels) + inner + repeat("</a>", levels);
}

TEST(adapters_InputLimits, XmlNestedToTheLimitPassesOneLevelMoreIsRefusedWhereItOpens) {
    EXPECT_EQ(kMaxXmlDepth, 64u);
    EXPECT_FALSE(scan_xml(nested_xml(64)));
    EXPECT_FALSE(scan_xml(nested_xml(63, "<b/>")));  // self-closing at level 64
    const auto self_closing = scan_xml(nested_xml(64, "<b/>"));
    ASSERT_TRUE(self_closing);
    EXPECT_EQ(self_closing->offset, 64u * 3);
    const auto problem = scan_xml("<?xml version=\"1.0\"?>" + nested_xml(65));
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->offset, 21u + 64 * 3);
    EXPECT_NE(problem->detail.find("nests elements deeper than the limit of 64 levels"),
              std::string::npos)
        << problem->detail;
    // Siblings do not add up, and a self-closing element does not stay open.
    EXPECT_FALSE(scan_xml("<r>" + repeat("<a><b/><c x='1'/></a>", 5000) + "</r>"));
    EXPECT_FALSE(scan_xml(repeat("<a><b/>", 63) + repeat("</a>", 63)));
}

TEST(adapters_InputLimits, XmlCommentsCdataPisDoctypeAndAttributeValuesAreNotTags) {
    const std::string tags = repeat("<a>", 100);
    const std::string skipped = "<?xml version=\"1.0\"?><!DOCTYPE r [ <!ENTITY e \"<a>>\"> <!-- " +
                                tags + " --> <!ATTLIST r x CDATA '>'> ]><?pi " + tags + " ?>";
    const std::string body = skipped + "<r x=\"a>b/>\" y='" + tags + "'><!-- " + tags +
                             " --><![CDATA[" + tags + "&#0;]]>text</r>";
    EXPECT_FALSE(scan_xml(body));
    // Still counted after all that: one level more than allowed is refused.
    const auto problem = scan_xml(skipped + "<r x=\"a>\">" + nested_xml(64) + "</r>");
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->offset, skipped.size() + 10 + 63 * 3);
}

TEST(adapters_InputLimits, XmlReferencesToForbiddenCharactersAreRefusedNamingThem) {
    for (const std::string ref :
         {"&#0;", "&#x0;", "&#00;", "&#x00000;", "&#1;", "&#8;", "&#11;", "&#12;", "&#14;", "&#31;",
          "&#x1F;", "&#xD800;", "&#xFFFE;", "&#xffff;", "&#x110000;", "&#4294967296;"}) {
        const std::string body = "<r><note>Car parked" + ref + " over it</note></r>";
        const auto problem = scan_xml(body);
        ASSERT_TRUE(problem) << ref;
        EXPECT_EQ(problem->offset, body.find('&')) << ref;
        EXPECT_NE(problem->detail.find("'" + ref + "'"), std::string::npos) << problem->detail;
        EXPECT_NE(problem->detail.find("XML 1.0 does not allow"), std::string::npos);
    }
    const auto nul = scan_xml("<r>&#0;</r>");
    ASSERT_TRUE(nul);
    EXPECT_NE(nul->detail.find("U+0000"), std::string::npos) << nul->detail;
    const auto in_attribute = scan_xml("<r><n v=\"a&#x1;\"/></r>");
    ASSERT_TRUE(in_attribute);
    EXPECT_EQ(in_attribute->offset, 10u);
    for (const std::string ok : {"&#9;", "&#10;", "&#13;", "&#32;", "&#xD7FF;", "&#xE000;",
                                 "&#x1F600;", "&amp;", "&#;", "&#x;", "&#0", "&#X0;", "& #0;"})
        EXPECT_FALSE(scan_xml("<r>a" + ok + "b</r>")) << ok;
}

TEST(adapters_InputLimits, XmlRawNulIsRefusedEvenInsideACommentOrCdata) {
    const auto in_text = scan_xml("<r>a\0b</r>"s);
    ASSERT_TRUE(in_text);
    EXPECT_EQ(in_text->offset, 4u);
    EXPECT_NE(in_text->detail.find("NUL byte"), std::string::npos);
    const auto in_cdata = scan_xml("<r><![CDATA[a\0b]]></r>"s);
    ASSERT_TRUE(in_cdata);
    EXPECT_EQ(in_cdata->offset, 13u);
    const auto after = scan_xml("<r/>\0<x/>"s);
    ASSERT_TRUE(after);
    EXPECT_EQ(after->offset, 4u);
    // A problem before the NUL is the one named.
    const auto first = scan_xml("<r>&#1;\0</r>"s);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->offset, 3u);
}

// ---- CSV ----

TEST(adapters_InputLimits, CsvNulInAFieldIsAnErrorNamingRowColumnAndByte) {
    const auto plain = engine::read_csv("a,b,c\n1,x\0y,3\n"s);
    ASSERT_TRUE(plain.error);
    EXPECT_EQ(plain.error->line, 2u);
    EXPECT_EQ(plain.error->column, 4u);
    EXPECT_NE(plain.error->detail.find("field 2 holds a NUL byte (byte 9 of the body)"),
              std::string::npos)
        << plain.error->detail;
    const auto quoted = engine::read_csv(
        "\xEF\xBB\xBF"
        "a,b\n\"q\0\",2\n"s);
    ASSERT_TRUE(quoted.error);
    EXPECT_EQ(quoted.error->line, 2u);
    EXPECT_EQ(quoted.error->column, 3u);
    EXPECT_NE(quoted.error->detail.find("field 1 holds a NUL byte (byte 9 of the body)"),
              std::string::npos)
        << quoted.error->detail;
}

// ---- Through the vendors' adapters: malformed (400, quarantined) naming the position ----

void expect_malformed(const NormalizeOutput& out, const std::string& says) {
    ASSERT_TRUE(out.payload_error);
    EXPECT_EQ(out.payload_error->code, "malformed");
    EXPECT_NE(out.payload_error->detail.find(says), std::string::npos) << out.payload_error->detail;
    EXPECT_TRUE(out.records.empty());
}

TEST(adapters_InputLimits, BayRefusesDeepJsonAndJsonFollowedByNulOrText) {
    const auto sample = read_file(vendor_schemas_dir() / "bay-hauling/samples/batch/input.json");
    ASSERT_FALSE(sample.empty());
    ASSERT_FALSE(normalize_as("bay-hauling", sample).payload_error);
    const auto doc = nlohmann::json::parse(sample).dump();
    expect_malformed(normalize_as("bay-hauling", doc + "\0trailing"s),
                     "(line 1, column " + std::to_string(doc.size() + 1) + ", byte " +
                         std::to_string(doc.size()) + "): it holds a NUL byte");
    expect_malformed(normalize_as("bay-hauling", doc + " trailing"), "not valid JSON");
    const std::string deep = "{\"results\":" + std::string(4'000'000, '[');
    expect_malformed(normalize_as("bay-hauling", deep),
                     "The body is refused before parsing (line 1, column 75, byte 74): it nests "
                     "arrays and objects deeper than the limit of 64 levels");
}

TEST(adapters_InputLimits, APayloadOfMoreResultsThanTheLimitIsRefusedAsAWhole) {
    auto zeros = [](std::size_t n) {
        std::string body = "{\"results\":[0";
        for (std::size_t i = 1; i < n; ++i) body += ",0";
        return body + "]}";
    };
    const auto at_limit = normalize_as("bay-hauling", zeros(kMaxResultsPerPayload));
    EXPECT_FALSE(at_limit.payload_error);  // each result refused on its own, the batch read
    EXPECT_EQ(at_limit.records.size(), kMaxResultsPerPayload);
    const auto over = normalize_as("bay-hauling", zeros(kMaxResultsPerPayload + 1));
    ASSERT_TRUE(over.payload_error);
    EXPECT_EQ(over.payload_error->code, "too_many_results");
    EXPECT_NE(over.payload_error->detail.find("holds 10001 results; at most 10000"),
              std::string::npos)
        << over.payload_error->detail;
    EXPECT_TRUE(over.records.empty());
}

TEST(adapters_InputLimits, ValleyRefusesNulReferencesRawNulAndDeepXml) {
    const auto sample =
        read_file(vendor_schemas_dir() / "valley-disposal/samples/doc-example/input.xml");
    const auto at = sample.find("Car parked");
    ASSERT_NE(at, std::string::npos);
    ASSERT_FALSE(normalize_as("valley-disposal", sample).payload_error);
    for (const std::string ref : {"&#0;", "&#x0;", "&#00;", "&#7;"}) {
        auto body = sample;
        body.insert(at, ref);
        expect_malformed(normalize_as("valley-disposal", body),
                         "byte " + std::to_string(at) + "): the character reference '" + ref);
    }
    auto raw = sample;
    raw.insert(at, "\0"s);
    expect_malformed(normalize_as("valley-disposal", raw),
                     "byte " + std::to_string(at) + "): it holds a NUL byte");
    auto deep = sample;
    deep.insert(at, nested_xml(80));
    expect_malformed(normalize_as("valley-disposal", deep), "deeper than the limit of 64 levels");
}

TEST(adapters_InputLimits, CurbsideRefusesANulInsideAField) {
    auto body = read_file(vendor_schemas_dir() / "curbside-coop/samples/doc-example/input.csv");
    const auto at = body.find("called resident");
    ASSERT_NE(at, std::string::npos);
    ASSERT_FALSE(normalize_as("curbside-coop", body).payload_error);
    body.insert(at + 6, "\0"s);
    const auto out = normalize_as("curbside-coop", body);
    expect_malformed(out, "holds a NUL byte (byte " + std::to_string(at + 6) + " of the body)");
    EXPECT_EQ(out.payload_error->pointer.rfind("line ", 0), 0u) << out.payload_error->pointer;
}

}  // namespace
}  // namespace fieldgate::testing
