// Where a JSON pointer sits in a file's text, so errors can name a line as well as the pointer
// (nlohmann::json keeps no source positions).
#pragma once

#include <optional>
#include <string>

namespace fieldgate {

// 1-based line of the last object key of `pointer` found by following its keys in order
// through `text`; nullopt when a key cannot be found. Array indices are skipped, so for
// "/a/3/b" the line is that of the first "b" key after "a" — a good guide, not a parser.
std::optional<int> line_of_pointer(const std::string& text, const std::string& pointer);

}  // namespace fieldgate
