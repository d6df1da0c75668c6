// Golden cases by folder (STYLE.md 9): <vendor>/samples/<case>/input.* with expected.json (the
// normalized output) or expected.err (one line per error). A new case is a new folder, not new
// code. FIELDGATE_UPDATE_GOLDEN=1 writes missing expected files (review them!).
// The walk itself is adapters/sample_check.h, shared with `fieldgate vendor check`.
#include <cstdlib>
#include <fstream>

#include "sample_check.h"
#include "test_support.h"

namespace fieldgate::testing {
namespace {

// Every vendor folder under `root` loads and every one of its samples normalizes as expected;
// returns how many samples there were.
int expect_every_sample_as_expected(const std::filesystem::path& root) {
    const auto load = loader().load_all(root);
    EXPECT_TRUE(load.ok()) << all_errors(load.errors);
    if (!load.ok()) return 0;
    const bool update = std::getenv("FIELDGATE_UPDATE_GOLDEN") != nullptr;
    int cases = 0;
    for (const auto& [id, entry] : load.registry->vendors()) {
        for (const auto& sample : list_samples(entry.spec.folder)) {
            SCOPED_TRACE(id + "/samples/" + sample.name);
            EXPECT_FALSE(sample.input.empty()) << "no input.* in " << sample.folder;
            if (sample.input.empty()) continue;
            const auto run = run_sample(*entry.adapter, sample);
            if (update && sample.expected_json.empty() && sample.expected_err.empty()) {
                write_file(sample.folder /
                               (output_has_results(run.output) ? "expected.json" : "expected.err"),
                           run.actual);
            }
            ++cases;
            if (!sample.expected_json.empty() || !sample.expected_err.empty()) {
                EXPECT_TRUE(run.pass) << run.problem << "\nexpected:\n"
                                      << run.expected << "\nactual:\n"
                                      << run.actual;
            } else {
                ADD_FAILURE() << "no expected.json or expected.err in " << sample.folder;
            }
        }
    }
    return cases;
}

TEST(adapters_GoldenSamples, EveryVendorSampleNormalizesAsExpected) {
    EXPECT_GE(expect_every_sample_as_expected(vendor_schemas_dir()), 30);
}

// The folders kept for tests (tests/data/vendors/), e.g. one using every mapping feature.
TEST(adapters_GoldenSamples, EveryTestVendorSampleNormalizesAsExpected) {
    EXPECT_GE(expect_every_sample_as_expected(source_root() / "tests" / "data" / "vendors"), 7);
}

// Staff map one more vendor code: the samples of other unknown codes still pass (they keep the
// error they expect, not the list of known codes), so the reload that fixes the vendor is not
// refused. Mapping the sample's own code does change it, as it should.
TEST(adapters_GoldenSamples, MappingAnotherCodeKeepsTheUnmappedCodeSamplesPassing) {
    TempDir dir;
    const auto folder = dir.path() / "bay-hauling";
    std::filesystem::copy(vendor_schemas_dir() / "bay-hauling", folder,
                          std::filesystem::copy_options::recursive);
    // Whether the folder still loads (a reload would be accepted) with one more code mapped.
    auto loads_after_mapping = [&](const std::string& code) {
        std::ifstream in(folder / "mapping.json");
        auto mapping = nlohmann::json::parse(in);
        mapping["value_maps"]["exception_code"]["entries"][code] = "OTHER";
        write_file(folder / "mapping.json", mapping.dump(2));
        const auto load = loader().load_all(dir.path());
        for (const auto& f : load.sample_failures)
            EXPECT_EQ(f.sample, "unmapped-exception-code") << f.to_string();
        return load.ok();
    };
    EXPECT_TRUE(loads_after_mapping("ZZZ"));
    EXPECT_FALSE(loads_after_mapping("DOG"));  // the sample's own code: now it is mapped
}

}  // namespace
}  // namespace fieldgate::testing
