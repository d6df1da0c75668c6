// The README's tree table names every top-level folder and every folder of gateway/, so a
// newcomer reading it finds where a thing lives; a folder added without a line there fails here.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "source_tree.h"

namespace fieldgate::test {
namespace {

std::set<std::string> folders_in(const std::filesystem::path& dir) {
    std::set<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        const auto name = e.path().filename().string();
        if (e.is_directory() && name[0] != '.' && name.rfind("build", 0) != 0 &&
            name != "node_modules")
            out.insert(name);
    }
    return out;
}

// The "folder | what lives there" table: from its header to the first line after it that is
// not a table row.
std::string tree_table(const std::string& readme) {
    const auto start = readme.find("| folder | what lives there |");
    if (start == std::string::npos) return "";
    auto at = start;
    while (at < readme.size() && readme[at] == '|') {
        const auto newline = readme.find('\n', at);
        at = newline == std::string::npos ? readme.size() : newline + 1;
    }
    return readme.substr(start, at - start);
}

TEST(ReadmeTree, TheTableNamesEveryTopLevelFolderAndEveryGatewayFolder) {
    const auto table = tree_table(read("README.md"));
    ASSERT_FALSE(table.empty()) << "README.md has no '| folder | what lives there |' table";
    for (const auto& folder : folders_in(kRoot))
        EXPECT_NE(table.find("`" + folder + "/`"), std::string::npos)
            << folder << "/ is not in the README's tree table";
    for (const auto& folder : folders_in(kRoot / "gateway"))
        EXPECT_NE(table.find("`" + folder + "/`"), std::string::npos)
            << "gateway/" << folder << "/ is not in the README's tree table";
}

TEST(ReadmeTree, TheTableEndsWhereItsRowsEnd) {
    const std::string readme =
        "intro\n| folder | what lives there |\n|---|---|\n| `a/` | x |\n| `b/` | y |\n\n| `c/` |\n";
    const auto table = tree_table(readme);
    EXPECT_NE(table.find("`b/`"), std::string::npos);
    EXPECT_EQ(table.find("`c/`"), std::string::npos);
}

}  // namespace
}  // namespace fieldgate::test
