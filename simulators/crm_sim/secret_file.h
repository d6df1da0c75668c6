// --secret-file: one "whsec_<base64>" per line; blank lines and lines starting with '#' are
// skipped. Several secrets let a test (or the gateway) rotate keys.
#pragma once

#include <string>
#include <vector>

namespace fieldgate::crm_sim {

// Throws std::runtime_error when the file cannot be read or holds no secret.
std::vector<std::string> read_secret_file(const std::string& path);

}  // namespace fieldgate::crm_sim
