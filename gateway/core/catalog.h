// The standard code catalog: outcomes and reasons with attribution, expected evidence,
// reschedule hint and the customer message the CRM can send.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace fieldgate {

struct EvidenceRule {
    bool photo = false;                  // a photo is expected
    std::optional<double> gps_within_m;  // GPS expected within this distance of the address
    bool in_window = false;              // event time expected inside the scheduled window
};

struct CustomerMessage {
    int version = 0;
    std::string text;
};

struct ReasonInfo {
    std::string code;
    std::string label;
    std::string attribution;  // resident | vendor | city | external
    EvidenceRule evidence;
    bool reschedule = false;
    bool detail_required = false;
    CustomerMessage message;
};

struct OutcomeInfo {
    std::string code;
    std::string label;
    bool reason_required = true;
    CustomerMessage message;
};

class Catalog {
  public:
    // Throws std::runtime_error naming the file and JSON pointer when the file is invalid.
    static Catalog load(const std::string& path, const std::string& schema_path);
    static Catalog from_json(const nlohmann::json& doc, const std::string& source_name);

    const std::string& version() const { return version_; }
    const ReasonInfo* reason(const std::string& code) const;
    const OutcomeInfo* outcome(const std::string& code) const;
    bool is_progress(const std::string& code) const;  // acknowledged | en_route | on_site
    const std::map<std::string, ReasonInfo>& reasons() const { return reasons_; }
    const std::map<std::string, OutcomeInfo>& outcomes() const { return outcomes_; }

  private:
    std::string version_;
    std::map<std::string, ReasonInfo> reasons_;
    std::map<std::string, OutcomeInfo> outcomes_;
    std::vector<std::string> progress_;
};

}  // namespace fieldgate
