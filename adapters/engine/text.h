// Small text helpers shared by the engine: trimming, space collapsing, case folding, joining.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fieldgate::engine {

std::string trim(std::string_view s);             // ASCII whitespace at both ends
std::string collapse_spaces(std::string_view s);  // runs of ASCII whitespace -> one space
std::string to_lower_ascii(std::string_view s);
std::string join(const std::vector<std::string>& parts, std::string_view separator);
// "line L, column C" of a byte offset into `text` (both 1-based).
std::string line_column(std::string_view text, std::size_t offset);

}  // namespace fieldgate::engine
