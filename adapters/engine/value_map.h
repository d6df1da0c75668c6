// A vendor code -> standard code table with the matching rules the vendor needs
// (trim, case-insensitive, collapse internal runs of spaces).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fieldgate::engine {

struct MatchRules {
    bool trim = true;
    bool case_insensitive = false;
    bool collapse_spaces = false;
};

class ValueMap {
  public:
    ValueMap() = default;
    explicit ValueMap(MatchRules rules) : rules_(rules) {}

    // Adds one entry; returns the vendor code already added that matches the same key
    // (a clash under the rules), or nullopt when the entry was added.
    std::optional<std::string> add(const std::string& vendor_code, const std::string& target);
    // The standard code for a vendor value, or nullopt when the value is unmapped.
    std::optional<std::string> lookup(const std::string& vendor_value) const;
    // The vendor codes as written in the mapping, for error messages.
    std::vector<std::string> vendor_codes() const;
    const MatchRules& rules() const { return rules_; }

  private:
    std::string key(const std::string& value) const;
    MatchRules rules_;
    std::map<std::string, std::pair<std::string, std::string>> entries_;  // key -> (code, target)
};

}  // namespace fieldgate::engine
