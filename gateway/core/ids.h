#pragma once

#include <string>
#include <string_view>

namespace fieldgate {

// `prefix` + 20 random hex characters (80 bits from the OS CSPRNG): ids that cannot be guessed.
std::string random_id(std::string_view prefix);
std::string sha256_hex(std::string_view bytes);

}  // namespace fieldgate
