#include "secrets.h"

#include <cctype>
#include <cstdlib>
#include <fstream>

#include <openssl/crypto.h>

namespace fieldgate {

SecretStore::SecretStore(std::string dir, std::string env_prefix)
    : dir_(std::move(dir)), env_prefix_(std::move(env_prefix)) {}

std::string SecretStore::env_name(const std::string& name) const {
    std::string out = env_prefix_;
    for (char c : name) {
        out += std::isalnum(static_cast<unsigned char>(c))
                   ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                   : '_';
    }
    return out;
}

std::vector<std::string> SecretStore::values(const std::string& name) const {
    {
        std::lock_guard lock(mutex_);
        if (auto it = cache_.find(name); it != cache_.end()) return it->second;
    }
    std::vector<std::string> found;
    auto add_lines = [&found](const std::string& text) {
        std::size_t start = 0;
        while (start <= text.size()) {
            auto end = text.find('\n', start);
            if (end == std::string::npos) end = text.size();
            std::string line = text.substr(start, end - start);
            while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
            if (!line.empty()) found.push_back(line);
            start = end + 1;
        }
    };
    if (const char* env = std::getenv(env_name(name).c_str()); env && *env) {
        add_lines(env);
    } else if (name.find("..") == std::string::npos) {
        std::ifstream in(dir_ + "/" + name, std::ios::binary);
        if (in) add_lines(std::string(std::istreambuf_iterator<char>(in), {}));
    }
    std::lock_guard lock(mutex_);
    cache_[name] = found;
    return found;
}

void SecretStore::forget_cached() const {
    std::lock_guard lock(mutex_);
    cache_.clear();
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool SecretStore::matches(const std::string& name, std::string_view candidate) const {
    bool any = false;
    for (const auto& value : values(name)) any |= constant_time_equal(value, candidate);
    return any;
}

}  // namespace fieldgate
