// A vendor code -> standard code table with the matching rules the vendor needs
// (trim, case-insensitive, collapse internal runs of spaces).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fieldgate::engine {

struct MatchRules {
    bool trim = true;
    bool case_insensitive = false;
    bool collapse_spaces = false;
};

// What a vendor code stands for: a standard code and, for a reason that by itself says what
// happened (a resident's cancellation at the door is a non-collection whatever the vendor's
// status says), the standard outcome it pins.
struct MapTarget {
    explicit MapTarget(std::string standard_code, std::string pinned_outcome = {})
        : code(std::move(standard_code)), outcome(std::move(pinned_outcome)) {}
    std::string code;
    std::string outcome;  // empty: the outcome comes from the status
};

class ValueMap {
  public:
    ValueMap() = default;
    explicit ValueMap(MatchRules rules) : rules_(rules) {}

    // Adds one entry; returns the vendor code already added that matches the same key
    // (a clash under the rules), or nullopt when the entry was added.
    std::optional<std::string> add(const std::string& vendor_code, MapTarget target);
    // The standard code (and pinned outcome) for a vendor value; nullopt when unmapped.
    std::optional<MapTarget> lookup(const std::string& vendor_value) const;
    // The vendor codes as written in the mapping, for error messages.
    std::vector<std::string> vendor_codes() const;
    // Every entry as written: vendor code and what it stands for.
    std::vector<std::pair<std::string, MapTarget>> entries() const;
    const MatchRules& rules() const { return rules_; }

  private:
    std::string key(const std::string& value) const;
    MatchRules rules_;
    std::map<std::string, std::pair<std::string, MapTarget>> entries_;  // key -> (code, target)
};

}  // namespace fieldgate::engine
