// The standard code catalog: outcomes and reasons with attribution, expected evidence,
// reschedule hint, and what the resident is told for every outcome x reason the city allows.
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
    // Outcome code -> the message for that pair. Its keys are the outcomes the reason may come
    // with: a pair not listed is one the city does not allow.
    std::map<std::string, CustomerMessage> messages;
};

struct OutcomeInfo {
    std::string code;
    std::string label;
    bool reason_required = true;
    std::optional<CustomerMessage> message;  // the outcome without a reason (COMPLETED)
};

// What the resident is told for one outcome (and reason), and the message's id:
// "PARTIALLY_COMPLETED/OVER_SIZE_LIMIT@1", "COMPLETED@1". The id changes whenever the text does.
struct ResolvedMessage {
    std::string text;
    std::string id;
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

    // Whether `reason` may come with `outcome`; an empty reason is allowed where none is required.
    bool allows(const std::string& outcome, const std::string& reason) const;
    // The outcomes a reason may come with, by code.
    std::vector<std::string> outcomes_for(const std::string& reason) const;
    // The message for a pair the catalog allows; nullopt for any other pair.
    std::optional<ResolvedMessage> message_for(const std::string& outcome,
                                               const std::string& reason) const;

  private:
    std::string version_;
    std::map<std::string, ReasonInfo> reasons_;
    std::map<std::string, OutcomeInfo> outcomes_;
    std::vector<std::string> progress_;
};

}  // namespace fieldgate
