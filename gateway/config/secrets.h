// Secrets by name ("bay-hauling/api-key"): from <prefix><NAME> in the environment (name upper
// cased, every other character '_'), else from the file <dir>/<name>. A file may hold several
// values, one per line, so a key can be rotated without downtime. Values never reach a log.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fieldgate {

class SecretStore {
  public:
    SecretStore(std::string dir, std::string env_prefix);
    // Every value the secret currently has; empty when it is not configured.
    std::vector<std::string> values(const std::string& name) const;
    // True when `candidate` equals one of the values (constant time per value).
    bool matches(const std::string& name, std::string_view candidate) const;
    std::string env_name(const std::string& name) const;
    // Reads every secret again on its next use (a vendor reload: new vendors, rotated keys).
    void forget_cached() const;

  private:
    std::string dir_;
    std::string env_prefix_;
    mutable std::mutex mutex_;
    mutable std::unordered_map<std::string, std::vector<std::string>> cache_;
};

bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace fieldgate
