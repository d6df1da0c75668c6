// The project's own sources, read by the tests that check the tree's rules.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace fieldgate::test {

inline const std::filesystem::path kRoot = FIELDGATE_SOURCE_ROOT;

// The folders that hold the product's code (tests, simulators and benchmarks are tools around it).
inline const std::vector<std::string> kProductFolders = {"gateway", "adapters", "common",
                                                         "offline"};

inline bool is_source(const std::filesystem::path& p) {
    const auto ext = p.extension().string();
    return ext == ".cpp" || ext == ".h" || ext == ".c" || ext == ".in";
}

// Paths relative to the source root, sorted.
inline std::vector<std::string> sources_under(const std::vector<std::string>& folders) {
    namespace fs = std::filesystem;
    std::vector<std::string> out;
    for (const auto& folder : folders) {
        if (!fs::exists(kRoot / folder)) continue;
        for (const auto& e : fs::recursive_directory_iterator(kRoot / folder)) {
            if (e.is_regular_file() && is_source(e.path()))
                out.push_back(fs::relative(e.path(), kRoot).generic_string());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

inline std::string read(const std::string& relative) {
    std::ifstream in(kRoot / relative, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace fieldgate::test
