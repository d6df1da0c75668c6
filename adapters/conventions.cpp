#include "conventions.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

namespace fieldgate {

namespace fs = std::filesystem;

std::vector<std::string> check_vendor_folder(const fs::path& folder) {
    std::vector<std::string> problems;
    const auto name = folder.filename().string();
    if (!fs::is_regular_file(folder / "README.md")) {
        problems.push_back(name + ": README.md is missing");
    } else {
        // STYLE.md 7: the README says who owns the vendor and its status.
        std::ifstream in(folder / "README.md", std::ios::binary);
        std::string text(std::istreambuf_iterator<char>(in), {});
        for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        for (const char* word : {"owner", "status"}) {
            if (text.find(word) == std::string::npos)
                problems.push_back(name + ": README.md does not state the vendor's " + word);
        }
    }
    const auto mapping = folder / "mapping.json";
    if (!fs::is_regular_file(mapping)) {
        problems.push_back(name + ": mapping.json is missing");
    } else {
        std::ifstream in(mapping, std::ios::binary);
        const auto doc = nlohmann::json::parse(in, nullptr, false);
        if (doc.is_discarded() || !doc.is_object()) {
            problems.push_back(name + ": mapping.json is not a JSON object");
        } else if (doc.value("vendor_id", std::string()) != name) {
            problems.push_back(name + ": mapping.json vendor_id '" +
                               doc.value("vendor_id", std::string()) +
                               "' differs from the folder name");
        }
    }
    int samples = 0;
    if (fs::is_directory(folder / "samples")) {
        for (const auto& c : fs::directory_iterator(folder / "samples")) {
            if (!c.is_directory()) continue;
            bool input = false;
            for (const auto& f : fs::directory_iterator(c.path())) {
                if (f.path().stem() == "input") input = true;
            }
            const bool expected = fs::is_regular_file(c.path() / "expected.json") ||
                                  fs::is_regular_file(c.path() / "expected.err");
            const auto where = name + "/samples/" + c.path().filename().string();
            if (!input) problems.push_back(where + ": no input.* file");
            if (!expected) problems.push_back(where + ": no expected.json or expected.err");
            if (input && expected) ++samples;
        }
    }
    if (samples == 0)
        problems.push_back(name + ": needs at least one samples/<case>/ with input and expected");
    return problems;
}

std::vector<std::string> check_vendor_folders(const fs::path& dir) {
    std::vector<fs::path> folders;
    for (const auto& e : fs::directory_iterator(dir)) {
        const auto n = e.path().filename().string();
        if (e.is_directory() && !n.empty() && n.front() != '_' && n.front() != '.')
            folders.push_back(e.path());
    }
    std::sort(folders.begin(), folders.end());
    std::vector<std::string> problems;
    for (const auto& f : folders) {
        auto p = check_vendor_folder(f);
        problems.insert(problems.end(), p.begin(), p.end());
    }
    return problems;
}

}  // namespace fieldgate
