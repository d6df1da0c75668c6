// `fieldgate vendor check` and `fieldgate vendor try`, run as staff run them: the real binary on
// copies of a real vendor folder, good and broken.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>

#include <nlohmann/json.hpp>

#include "support/command_runner.h"
#include "support/temp_dir.h"

namespace fieldgate::test {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// A copy of vendor_schemas/bay-hauling under <tmp>/bay-hauling, to break at will.
fs::path copy_bay(const TempDir& dir) {
    const auto to = dir.path() / "bay-hauling";
    fs::copy(source_path("vendor_schemas/bay-hauling"), to, fs::copy_options::recursive);
    return to;
}

// A copy of vendor_schemas/riverbend-recycling (a polled vendor) with its mapping edited.
fs::path copy_riverbend(const TempDir& dir, const std::function<void(nlohmann::json&)>& edit) {
    const auto to = dir.path() / "riverbend-recycling";
    fs::copy(source_path("vendor_schemas/riverbend-recycling"), to, fs::copy_options::recursive);
    auto mapping = nlohmann::json::parse(read(to / "mapping.json"));
    edit(mapping);
    std::ofstream(to / "mapping.json") << mapping.dump(2);
    return to;
}

CommandResult try_payload(const std::string& vendor, const fs::path& payload,
                          const std::string& extra = "") {
    return run_command(fieldgate_binary() + " vendor try " + shell_quote(vendor) + " " +
                       shell_quote(payload.string()) + extra);
}

TEST(VendorCheck, AGoodFolderIsReadyWithEverySampleAndItsUnmappedCodesListed) {
    TempDir dir;
    const auto folder = copy_bay(dir);
    const auto r = vendor_check(folder);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(output_has(r.output, "ok    README.md, mapping.json and samples are there"))
        << r.output;
    EXPECT_TRUE(output_has(r.output, "ok    bay-hauling \"Bay Hauling\" mapping 1.1.0+"))
        << r.output;
    EXPECT_TRUE(output_has(r.output, "ok    doc-single (expected.json)")) << r.output;
    EXPECT_TRUE(output_has(r.output, "ok    unmapped-exception-code (expected.err)")) << r.output;
    EXPECT_TRUE(output_has(r.output, "10 of 10 samples as expected")) << r.output;
    // The sample that sends an unknown exception code shows up in the unmapped list.
    EXPECT_TRUE(output_has(r.output, "exception.code 'DOG' in unmapped-exception-code"))
        << r.output;
    EXPECT_TRUE(output_has(r.output, "ready: the folder can go live")) << r.output;
}

TEST(VendorCheck, EveryShippedVendorFolderIsReady) {
    for (const auto& e : fs::directory_iterator(source_path("vendor_schemas"))) {
        if (!e.is_directory() || e.path().filename().string().front() == '_') continue;
        const auto r = vendor_check(e.path());
        EXPECT_EQ(r.exit_code, 0) << e.path() << "\n" << r.output;
    }
}

TEST(VendorCheck, AMissingReadmeAndAMissingExpectedFileAreNamedWithWhatToDo) {
    TempDir dir;
    const auto folder = copy_bay(dir);
    fs::remove(folder / "README.md");
    fs::remove(folder / "samples" / "batch" / "expected.json");
    const auto r = vendor_check(folder);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(output_has(r.output, "FAIL  bay-hauling: README.md is missing")) << r.output;
    EXPECT_TRUE(output_has(r.output, "what to do: write README.md")) << r.output;
    EXPECT_TRUE(output_has(r.output, "bay-hauling/samples/batch: no expected.json or expected.err"))
        << r.output;
    // The case without an expected file still shows what it normalizes to, for review.
    EXPECT_TRUE(output_has(r.output, "FAIL  batch: no expected.json or expected.err")) << r.output;
    EXPECT_TRUE(output_has(r.output, "\"outcome\": \"COMPLETED\"")) << r.output;
    EXPECT_TRUE(output_has(r.output, "problem(s); the folder is not ready")) << r.output;
}

TEST(VendorCheck, AMappingErrorNamesTheFileLineAndPointer) {
    TempDir dir;
    const auto folder = copy_bay(dir);
    auto mapping = nlohmann::json::parse(read(folder / "mapping.json"));
    mapping["fields"]["status"]["map"] = "no_such_map";
    std::ofstream(folder / "mapping.json") << mapping.dump(2);
    // Where "map" of fields/status sits in the file as written.
    const auto text = read(folder / "mapping.json");
    const auto at = text.find("\"no_such_map\"");
    const int line =
        1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));

    const auto r = vendor_check(folder);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(output_has(r.output, (folder / "mapping.json").string() + " line " +
                                         std::to_string(line) + " (/fields/status/map)"))
        << r.output;
    EXPECT_TRUE(output_has(r.output, "no_such_map")) << r.output;
    EXPECT_TRUE(output_has(r.output, "what to do:")) << r.output;
    EXPECT_TRUE(output_has(r.output, "not run: the mapping does not load")) << r.output;
}

TEST(VendorCheck, InvalidJsonNamesTheLineAndColumn) {
    TempDir dir;
    const auto folder = copy_bay(dir);
    std::ofstream(folder / "mapping.json") << "{\n  \"vendor_id\": \"bay-hauling\",\n  oops\n}\n";
    const auto r = vendor_check(folder);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(output_has(r.output, "not valid JSON")) << r.output;
    EXPECT_TRUE(output_has(r.output, "line 3")) << r.output;
    EXPECT_TRUE(output_has(r.output, "fix the JSON syntax")) << r.output;
}

TEST(VendorCheck, ASampleThatNoLongerMatchesShowsExpectedBesideNormalized) {
    TempDir dir;
    const auto folder = copy_bay(dir);
    // The city remaps NSO: the golden case doc-single now disagrees with the mapping.
    auto mapping = nlohmann::json::parse(read(folder / "mapping.json"));
    mapping["value_maps"]["exception_code"]["entries"]["NSO"] = "ACCESS_BLOCKED";
    std::ofstream(folder / "mapping.json") << mapping.dump(2);
    const auto r = vendor_check(folder);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(output_has(r.output, "FAIL  doc-single: the normalized result differs from"))
        << r.output;
    EXPECT_TRUE(output_has(r.output, "- expected.json   + normalized now")) << r.output;
    EXPECT_TRUE(std::regex_search(r.output, std::regex(R"(\n\s+- \s*"reason": "NOT_SET_OUT")")))
        << r.output;
    EXPECT_TRUE(std::regex_search(r.output, std::regex(R"(\n\s+\+ \s*"reason": "ACCESS_BLOCKED")")))
        << r.output;
}

TEST(VendorCheck, APlaintextPollUrlToAnotherMachineIsAnErrorUnlessAllowed) {
    TempDir dir;
    const auto folder = copy_riverbend(
        dir, [](nlohmann::json& m) { m["poll"]["url"] = "http://pickups.riverbend.example/v2"; });
    const auto r = vendor_check(folder);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(output_has(r.output, "ERROR " + (folder / "mapping.json").string())) << r.output;
    EXPECT_TRUE(output_has(r.output, "(/poll/url)")) << r.output;
    EXPECT_TRUE(output_has(r.output, "allow_insecure_http")) << r.output;

    TempDir allowed_dir;
    const auto allowed = copy_riverbend(allowed_dir, [](nlohmann::json& m) {
        m["poll"]["url"] = "http://pickups.riverbend.example/v2";
        m["poll"]["allow_insecure_http"] = true;
    });
    const auto ok = vendor_check(allowed);
    EXPECT_EQ(ok.exit_code, 0) << ok.output;
    EXPECT_TRUE(output_has(ok.output,
                           "ok    poll http://pickups.riverbend.example/v2 every 60 s, "
                           "time window, auth api_key_header"))
        << ok.output;
}

TEST(VendorCheck, ABadPollBlockIsNamedByItsPointer) {
    const std::vector<std::pair<std::function<void(nlohmann::json&)>, std::string>> cases = {
        {[](nlohmann::json& m) { m["poll"]["url"] = "ftp://pickups.example/v2"; }, "/poll/url"},
        {[](nlohmann::json& m) { m["poll"]["window"] = nlohmann::json::object(); }, "/poll/window"},
        {[](nlohmann::json& m) {
             m["poll"]["cursor"] = {{"param", "c"}, {"next_pointer", "/c"}};
         },
         "(/poll)"},
    };
    for (const auto& [edit, pointer] : cases) {
        TempDir dir;
        const auto r = vendor_check(copy_riverbend(dir, edit));
        EXPECT_EQ(r.exit_code, 1) << r.output;
        EXPECT_TRUE(output_has(r.output, pointer)) << pointer << "\n" << r.output;
    }
}

TEST(VendorCheck, APolledVendorIsAskedOnlyForThePollSecrets) {
    TempDir dir;
    const auto folder = copy_riverbend(dir, [](nlohmann::json&) {});
    fs::create_directories(dir.path() / "secrets");
    const auto config =
        dir.write("gateway.json",
                  nlohmann::json{{"secrets", {{"dir", (dir.path() / "secrets").string()}}}}.dump());
    const auto r = vendor_check(folder, " --config " + shell_quote(config));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(output_has(r.output, "secret 'riverbend-recycling/api-key' is not configured yet"))
        << r.output;
    EXPECT_FALSE(output_has(r.output, "riverbend-recycling/push-key")) << r.output;
}

TEST(VendorCheck, ANonFolderCannotRun) {
    const auto r = vendor_check("/nonexistent/vendor");
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(output_has(r.output, "is not a folder")) << r.output;
}

TEST(VendorTry, AGoodPayloadShowsTheNormalizedResult) {
    const auto r = try_payload(
        "bay-hauling", source_path("vendor_schemas/bay-hauling/samples/doc-single/input.json"));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(output_has(r.output, "1 record(s): 1 normalized, 0 refused")) << r.output;
    EXPECT_TRUE(output_has(r.output, "\"outcome\": \"NOT_COLLECTED\"")) << r.output;
    EXPECT_TRUE(output_has(r.output, "\"reason\": \"NOT_SET_OUT\"")) << r.output;
    EXPECT_TRUE(output_has(r.output, "\"crm_case_id\": \"SR-2026-118734\"")) << r.output;
    // Staff read the words the resident will get before the folder goes live.
    EXPECT_TRUE(output_has(r.output,
                           "record 0 (BH-2026-0203-00417) NOT_COLLECTED/NOT_SET_OUT@1: Our crew "
                           "came by but found no items at the curb"))
        << r.output;
}

TEST(VendorTry, JsonModePrintsOnlyTheNormalizedDocument) {
    const auto r = try_payload(
        "bay-hauling", source_path("vendor_schemas/bay-hauling/samples/doc-single/input.json"),
        " --json");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    const auto doc = nlohmann::json::parse(r.output);
    const auto expected = nlohmann::json::parse(
        read(source_path("vendor_schemas/bay-hauling/samples/doc-single/expected.json")));
    EXPECT_EQ(doc, expected);
}

TEST(VendorTry, ABadPayloadShowsEachErrorAndTheUnmappedCode) {
    TempDir dir;
    const auto payload = dir.write(
        "bad.json",
        R"({"ticket_number": "T-1", "service_request": "SR-1", "status": "Confirmed Negative",
            "exception": {"code": "DOG"}, "closed_at": "2026-02-03T10:42:17-08:00"})");
    const auto r = try_payload("bay-hauling", payload);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(output_has(r.output, "1 record(s): 0 normalized, 1 refused")) << r.output;
    EXPECT_TRUE(output_has(r.output, "unmapped_code /exception/code [exception.code]")) << r.output;
    EXPECT_TRUE(output_has(r.output, "exception.code 'DOG' at /exception/code")) << r.output;
}

TEST(VendorTry, WriteExpectedExitsOneAndSaysSoWhenARecordIsRefused) {
    TempDir dir;
    const auto folder = copy_bay(dir);
    fs::create_directories(folder / "samples" / "dog");
    const auto payload = folder / "samples" / "dog" / "input.json";
    std::ofstream(payload)
        << R"({"ticket_number": "T-1", "service_request": "SR-1", "status": "Confirmed Negative",
              "exception": {"code": "DOG"}, "closed_at": "2026-02-03T10:42:17-08:00"})";
    const auto r = try_payload(folder.string(), payload, " --write-expected");
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(fs::exists(folder / "samples" / "dog" / "expected.err")) << r.output;
    EXPECT_TRUE(output_has(r.output, "the mapping refused 1 record(s)")) << r.output;

    // A payload that normalizes still exits 0.
    fs::create_directories(folder / "samples" / "good");
    fs::copy_file(folder / "samples" / "doc-single" / "input.json",
                  folder / "samples" / "good" / "input.json");
    const auto good = try_payload(folder.string(), folder / "samples" / "good" / "input.json",
                                  " --write-expected");
    EXPECT_EQ(good.exit_code, 0) << good.output;
    EXPECT_TRUE(fs::exists(folder / "samples" / "good" / "expected.json")) << good.output;
}

TEST(VendorTry, AFolderPathWorksAndABrokenMappingIsExplained) {
    TempDir dir;
    const auto folder = copy_bay(dir);
    std::ofstream(folder / "mapping.json") << "{\"vendor_id\": \"bay-hauling\"}";
    const auto r = try_payload(
        folder.string(), source_path("vendor_schemas/bay-hauling/samples/doc-single/input.json"));
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(output_has(r.output, "does not load")) << r.output;
    EXPECT_TRUE(output_has(r.output, (folder / "mapping.json").string())) << r.output;
}

TEST(VendorTry, AnUnknownVendorCannotRun) {
    TempDir dir;
    const auto payload = dir.write("p.json", "{}");
    const auto r = try_payload("no-such-vendor", payload);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(output_has(r.output, "no vendor folder")) << r.output;
}

}  // namespace
}  // namespace fieldgate::test
