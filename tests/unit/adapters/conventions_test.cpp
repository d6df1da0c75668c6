// Vendor folder conventions (STYLE.md 10): README, mapping.json, a sample, matching names.
#include "conventions.h"
#include "test_support.h"

namespace fieldgate::testing {
namespace {

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& p : v) s += p + "\n";
    return s;
}

void make_good_vendor(const std::filesystem::path& root, const std::string& name) {
    write_file(root / name / "README.md",
               "# " + name + "\n| owner | the city |\n| status | pilot |\n");
    write_file(root / name / "mapping.json", base_mapping(name, "json").dump());
    write_file(root / name / "samples" / "one" / "input.json", "{}");
    write_file(root / name / "samples" / "one" / "expected.err", "x\n");
}

TEST(adapters_Conventions, EveryRealVendorFolderFollowsThem) {
    const auto problems = check_vendor_folders(vendor_schemas_dir());
    EXPECT_TRUE(problems.empty()) << joined(problems);
}

TEST(adapters_Conventions, TheCheckPassesAGoodFolder) {
    TempDir dir;
    make_good_vendor(dir.path(), "acme");
    EXPECT_TRUE(check_vendor_folders(dir.path()).empty())
        << joined(check_vendor_folders(dir.path()));
}

TEST(adapters_Conventions, TheCheckCatchesAMissingReadme) {
    TempDir dir;
    make_good_vendor(dir.path(), "acme");
    std::filesystem::remove(dir.path() / "acme" / "README.md");
    const auto p = check_vendor_folders(dir.path());
    ASSERT_EQ(p.size(), 1u) << joined(p);
    EXPECT_NE(p[0].find("README.md"), std::string::npos);
}

TEST(adapters_Conventions, TheCheckCatchesAReadmeThatDoesNotNameOwnerAndStatus) {
    TempDir dir;
    make_good_vendor(dir.path(), "acme");
    write_file(dir.path() / "acme" / "README.md", "# acme\n");
    const auto p = check_vendor_folders(dir.path());
    ASSERT_EQ(p.size(), 2u) << joined(p);
    EXPECT_NE(p[0].find("owner"), std::string::npos);
    EXPECT_NE(p[1].find("status"), std::string::npos);
}

TEST(adapters_Conventions, TheCheckCatchesAMissingMapping) {
    TempDir dir;
    make_good_vendor(dir.path(), "acme");
    std::filesystem::remove(dir.path() / "acme" / "mapping.json");
    const auto p = check_vendor_folders(dir.path());
    ASSERT_EQ(p.size(), 1u) << joined(p);
    EXPECT_NE(p[0].find("mapping.json"), std::string::npos);
}

TEST(adapters_Conventions, TheCheckCatchesMissingSamples) {
    TempDir dir;
    make_good_vendor(dir.path(), "acme");
    std::filesystem::remove(dir.path() / "acme" / "samples" / "one" / "expected.err");
    auto p = check_vendor_folders(dir.path());
    EXPECT_EQ(p.size(), 2u) << joined(p);  // the case lacks expected, and no sample is left
    std::filesystem::remove_all(dir.path() / "acme" / "samples");
    p = check_vendor_folders(dir.path());
    ASSERT_EQ(p.size(), 1u) << joined(p);
    EXPECT_NE(p[0].find("at least one sample"), std::string::npos);
}

TEST(adapters_Conventions, TheCheckCatchesAVendorIdThatDiffersFromTheFolder) {
    TempDir dir;
    make_good_vendor(dir.path(), "acme");
    write_file(dir.path() / "acme" / "mapping.json", base_mapping("acme-corp", "json").dump());
    const auto p = check_vendor_folders(dir.path());
    ASSERT_EQ(p.size(), 1u) << joined(p);
    EXPECT_NE(p[0].find("acme-corp"), std::string::npos);
}

TEST(adapters_Conventions, FoldersStartingWithUnderscoreOrDotAreNotVendors) {
    TempDir dir;
    make_good_vendor(dir.path(), "acme");
    std::filesystem::create_directories(dir.path() / "_template");
    std::filesystem::create_directories(dir.path() / ".git");
    EXPECT_TRUE(check_vendor_folders(dir.path()).empty());
}

}  // namespace
}  // namespace fieldgate::testing
