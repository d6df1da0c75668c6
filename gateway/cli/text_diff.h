// A line diff of two small texts (a sample's expected file against the normalized output), so
// `fieldgate vendor check` can show exactly which lines differ.
#pragma once

#include <string>

namespace fieldgate {

// Lines only in `expected` start with "- ", only in `actual` with "+ ", shared context lines
// with "  "; at most `context` unchanged lines around each change, "  ..." for the rest.
// Empty when the texts are equal.
std::string line_diff(const std::string& expected, const std::string& actual, int context = 2);

}  // namespace fieldgate
