// The catalog as the city reviews it: every outcome x reason it allows with what the resident
// is told, rendered from the catalog file so docs/standard-codes.md cannot drift from it
// (`fieldgate catalog markdown > docs/standard-codes.md`; a test compares the two).
#pragma once

#include <string>

#include "catalog.h"

namespace fieldgate {

std::string catalog_markdown(const Catalog& catalog);

}  // namespace fieldgate
