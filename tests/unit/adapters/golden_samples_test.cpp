// Golden cases by folder (STYLE.md 9): <vendor>/samples/<case>/input.* with expected.json (the
// normalized output) or expected.err (one line per error). A new case is a new folder, not new
// code. FIELDGATE_UPDATE_GOLDEN=1 writes missing expected files (review them!).
// The walk itself is adapters/sample_check.h, shared with `fieldgate vendor check`.
#include <cstdlib>

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

}  // namespace
}  // namespace fieldgate::testing
