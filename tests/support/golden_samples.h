// What staff do to a vendor folder's golden samples when they map one more vendor code: an
// unmapped-code sample's expected.err lists the codes the city knows, so the new code joins
// that list, in expected.err and in the error details of expected.json (a reload or a start
// refuses a folder whose samples no longer match).
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace fieldgate::test {

// Adds `code` to the "(known: a, b, ...)" list of every error line about `field` ("'<field>'
// value '...' is not a code ...") in the folder's samples/*/expected.{err,json}.
inline void add_known_code(const std::filesystem::path& vendor_folder, const std::string& field,
                           const std::string& code) {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(vendor_folder / "samples")) {
        for (const char* name : {"expected.err", "expected.json"})
            if (std::filesystem::is_regular_file(e.path() / name)) files.push_back(e.path() / name);
    }
    for (const auto& file : files) {
        std::ifstream in(file, std::ios::binary);
        std::string text((std::istreambuf_iterator<char>(in)), {});
        std::istringstream lines(text);
        std::string out;
        for (std::string line; std::getline(lines, line);) {
            const auto start = line.find("(known: ");
            const auto end = start == std::string::npos ? start : line.find(')', start);
            if (line.find("'" + field + "' value") != std::string::npos &&
                end != std::string::npos) {
                std::vector<std::string> known;
                std::istringstream list(line.substr(start + 8, end - start - 8));
                for (std::string item; std::getline(list, item, ',');)
                    known.push_back(item.substr(item.find_first_not_of(' ')));
                known.push_back(code);
                std::sort(known.begin(), known.end());
                std::string joined;
                for (const auto& k : known) joined += (joined.empty() ? "" : ", ") + k;
                line = line.substr(0, start + 8) + joined + line.substr(end);
            }
            out += line + "\n";
        }
        std::ofstream(file, std::ios::binary) << out;
    }
}

}  // namespace fieldgate::test
