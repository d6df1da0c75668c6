// The secrets the simulator needs, one value per file under --secrets-dir.
#pragma once

#include <string>
#include <vector>

namespace fieldgate::sim {

struct Credentials {
    std::string crm_token;        // crm/api-token
    std::string bay_key;          // bay-hauling/api-key
    std::string bay_hmac_secret;  // bay-hauling/hmac-secret; empty = do not sign
    std::string valley_password;  // valley-disposal/password
    std::string curbside_key;     // curbside-coop/api-key
};

// Reads what `vendors` need. Throws std::runtime_error naming the missing file.
Credentials load_credentials(const std::string& dir, const std::vector<std::string>& vendors);

// A value that is certainly not the real one, for the wrong-credentials payloads.
std::string wrong_secret(const std::string& real);

}  // namespace fieldgate::sim
