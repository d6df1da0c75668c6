// The vendor folders kept for tests (tests/data/vendors/<vendor>/), walked like the shipped ones
// (golden_samples_test.cpp): each loads, and every samples/<case>/ normalizes as expected.
// FIELDGATE_UPDATE_GOLDEN=1 writes missing expected files (review them!).
#include <cstdlib>

#include "sample_check.h"
#include "test_support.h"

namespace fieldgate::testing {
namespace {

std::filesystem::path test_vendors_dir() {
    return source_root() / "tests" / "data" / "vendors";
}

TEST(adapters_TestVendorSamples, EveryTestVendorSampleNormalizesAsExpected) {
    const auto load = loader().load_all(test_vendors_dir());
    ASSERT_TRUE(load.ok()) << all_errors(load.errors);
    const bool update = std::getenv("FIELDGATE_UPDATE_GOLDEN") != nullptr;
    int cases = 0;
    for (const auto& [id, entry] : load.registry->vendors()) {
        for (const auto& sample : list_samples(entry.spec.folder)) {
            SCOPED_TRACE(id + "/samples/" + sample.name);
            ASSERT_FALSE(sample.input.empty()) << "no input.* in " << sample.folder;
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
    EXPECT_GE(cases, 7);
}

}  // namespace
}  // namespace fieldgate::testing
