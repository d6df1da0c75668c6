// The vendor folder conventions (STYLE.md 7-10): each vendor_schemas/<vendor>/ has a README.md
// that names the vendor's owner and status, a mapping.json whose vendor_id equals the folder
// name, and at least one samples/<case>/ with an input.* and an expected.json or expected.err.
// Used by the conventions test and by `fieldgate vendor check`.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace fieldgate {

// Problems with one vendor folder, each a sentence naming the file or folder; empty when fine.
std::vector<std::string> check_vendor_folder(const std::filesystem::path& folder);
// Every vendor folder under `dir` (names starting with '_' or '.' skipped).
std::vector<std::string> check_vendor_folders(const std::filesystem::path& dir);

}  // namespace fieldgate
