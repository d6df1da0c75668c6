// `fieldgate vendor check` on the vendor folders kept for tests (tests/data/vendors/): each is
// ready, as staff would see it. epoch-geo uses every way of taking values apart (epoch times,
// split, pattern, each), so the real binary loads and runs those features end to end.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/command_runner.h"
#include "support/temp_dir.h"

namespace fieldgate::test {
namespace {

namespace fs = std::filesystem;

TEST(TestVendorCheck, EpochGeoIsReadyWithEverySampleAsExpected) {
    const auto r = vendor_check(source_path("tests/data/vendors/epoch-geo"));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(output_has(r.output, "ok    README.md, mapping.json and samples are there"))
        << r.output;
    EXPECT_TRUE(output_has(r.output, "ok    epoch-geo \"Epoch Geo\" mapping 1.0.0+")) << r.output;
    for (const char* sample :
         {"ok    page-two-stops (expected.json)", "ok    single-object-page (expected.json)",
          "ok    position-without-longitude (expected.json)",
          "ok    epoch-not-digits (expected.err)", "ok    seconds-sent-as-millis (expected.err)",
          "ok    ticket-without-case-number (expected.err)",
          "ok    photo-not-an-object (expected.err)"}) {
        EXPECT_TRUE(output_has(r.output, sample)) << sample << "\n" << r.output;
    }
    EXPECT_TRUE(output_has(r.output, "7 of 7 samples as expected")) << r.output;
    EXPECT_TRUE(output_has(r.output, "ready: the folder can go live")) << r.output;
}

TEST(TestVendorCheck, EveryTestVendorFolderIsReady) {
    for (const auto& e : fs::directory_iterator(source_path("tests/data/vendors"))) {
        if (!e.is_directory()) continue;
        const auto r = vendor_check(e.path());
        EXPECT_EQ(r.exit_code, 0) << e.path() << "\n" << r.output;
    }
}

}  // namespace
}  // namespace fieldgate::test
