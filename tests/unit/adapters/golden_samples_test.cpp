// Golden cases by folder (STYLE.md 9): vendor_schemas/<vendor>/samples/<case>/input.* with
// expected.json (the normalized output) or expected.err (one line per error). A new case is a
// new folder, not new code. FIELDGATE_UPDATE_GOLDEN=1 writes missing expected files (review them!).
#include <cstdlib>

#include "result_json.h"
#include "test_support.h"

namespace fieldgate::testing {
namespace {

TEST(adapters_GoldenSamples, EveryVendorSampleNormalizesAsExpected) {
    const auto load = loader().load_all(vendor_schemas_dir());
    ASSERT_TRUE(load.ok()) << all_errors(load.errors);
    const bool update = std::getenv("FIELDGATE_UPDATE_GOLDEN") != nullptr;
    int cases = 0;
    for (const auto& [id, entry] : load.registry->vendors()) {
        std::vector<std::filesystem::path> dirs;
        for (const auto& e : std::filesystem::directory_iterator(
                 std::filesystem::path(entry.spec.folder) / "samples")) {
            if (e.is_directory()) dirs.push_back(e.path());
        }
        std::sort(dirs.begin(), dirs.end());
        for (const auto& dir : dirs) {
            SCOPED_TRACE(id + "/samples/" + dir.filename().string());
            std::filesystem::path input;
            for (const auto& e : std::filesystem::directory_iterator(dir)) {
                if (e.path().stem() == "input") input = e.path();
            }
            ASSERT_FALSE(input.empty()) << "no input.* in " << dir;
            const auto out = entry.adapter->normalize(read_file(input));
            const auto json_path = dir / "expected.json";
            const auto err_path = dir / "expected.err";
            if (update && !std::filesystem::exists(json_path) &&
                !std::filesystem::exists(err_path)) {
                const bool any_ok = std::any_of(out.records.begin(), out.records.end(),
                                                [](const RecordResult& r) { return r.ok(); });
                if (any_ok)
                    write_file(json_path, to_json(out).dump(2) + "\n");
                else
                    write_file(err_path, error_lines(out));
            }
            ++cases;
            if (std::filesystem::exists(json_path)) {
                const auto expected = nlohmann::json::parse(read_file(json_path));
                EXPECT_EQ(to_json(out).dump(2), expected.dump(2));
            } else if (std::filesystem::exists(err_path)) {
                EXPECT_EQ(error_lines(out), read_file(err_path));
                EXPECT_FALSE(error_lines(out).empty());
            } else {
                ADD_FAILURE() << "no expected.json or expected.err in " << dir;
            }
        }
    }
    EXPECT_GE(cases, 30);
}

}  // namespace
}  // namespace fieldgate::testing
