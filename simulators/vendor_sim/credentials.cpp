#include "credentials.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace fieldgate::sim {

namespace {

std::optional<std::string> read_secret(const std::string& dir, const std::string& name) {
    const auto path = std::filesystem::path(dir) / name;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream buf;
    buf << in.rdbuf();
    std::string v = buf.str();
    while (!v.empty() &&
           (v.back() == '\n' || v.back() == '\r' || v.back() == ' ' || v.back() == '\t'))
        v.pop_back();
    return v;
}

std::string required(const std::string& dir, const std::string& name) {
    auto v = read_secret(dir, name);
    if (!v || v->empty())
        throw std::runtime_error("missing secret file " +
                                 (std::filesystem::path(dir) / name).string());
    return *v;
}

bool wants(const std::vector<std::string>& vendors, const std::string& v) {
    return std::find(vendors.begin(), vendors.end(), v) != vendors.end();
}

}  // namespace

Credentials load_credentials(const std::string& dir, const std::vector<std::string>& vendors) {
    Credentials c;
    c.crm_token = required(dir, "crm/api-token");
    if (wants(vendors, "bay-hauling")) {
        c.bay_key = required(dir, "bay-hauling/api-key");
        c.bay_hmac_secret = read_secret(dir, "bay-hauling/hmac-secret").value_or("");
    }
    if (wants(vendors, "valley-disposal"))
        c.valley_password = required(dir, "valley-disposal/password");
    if (wants(vendors, "curbside-coop")) c.curbside_key = required(dir, "curbside-coop/api-key");
    return c;
}

std::string wrong_secret(const std::string& real) {
    std::string wrong = "not-the-key-" + std::to_string(real.size());
    if (wrong == real) wrong += "-x";
    return wrong;
}

}  // namespace fieldgate::sim
