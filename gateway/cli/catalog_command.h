// `fieldgate catalog markdown`: the catalog's outcome x reason table with the resident's
// messages, for the city's review (docs/standard-codes.md is its output).
#pragma once

#include <ostream>
#include <string>

namespace fieldgate {

// config_path may be empty: the catalog this build ships with. Exit code 0, or 2 when the
// catalog cannot be read.
int catalog_markdown_command(const std::string& config_path, std::ostream& out, std::ostream& err);

}  // namespace fieldgate
