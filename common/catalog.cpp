#include "catalog.h"

#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "json_schema.h"

namespace fieldgate {

namespace {

CustomerMessage read_message(const nlohmann::json& j) {
    return CustomerMessage{j.at("version").get<int>(), j.at("text").get<std::string>()};
}

OutcomeInfo read_outcome(const std::string& code, const nlohmann::json& j) {
    OutcomeInfo info;
    info.code = code;
    info.label = j.at("label").get<std::string>();
    info.reason_required = j.at("reason_required").get<bool>();
    if (j.contains("message")) info.message = read_message(j.at("message"));
    return info;
}

ReasonInfo read_reason(const std::string& code, const nlohmann::json& j) {
    ReasonInfo info;
    info.code = code;
    info.label = j.at("label").get<std::string>();
    info.attribution = j.at("attribution").get<std::string>();
    const auto& ev = j.at("evidence");
    info.evidence.photo = ev.value("photo", false);
    info.evidence.in_window = ev.value("in_window", false);
    if (ev.contains("gps_within_m"))
        info.evidence.gps_within_m = ev.at("gps_within_m").get<double>();
    info.reschedule = j.at("reschedule").get<bool>();
    info.detail_required = j.value("detail_required", false);
    for (const auto& [outcome, m] : j.at("messages").items())
        info.messages.emplace(outcome, read_message(m));
    return info;
}

// What the schema cannot say: every message names an outcome that takes a reason, and every
// outcome that can come without one has its own message.
void check_pairs(const Catalog& catalog, const std::string& source_name) {
    for (const auto& [code, reason] : catalog.reasons()) {
        for (const auto& [outcome, message] : reason.messages) {
            const OutcomeInfo* info = catalog.outcome(outcome);
            if (info == nullptr || !info->reason_required) {
                throw std::runtime_error(source_name + "#/reasons/" + code + "/messages/" +
                                         outcome + ": '" + outcome +
                                         "' is not an outcome that comes with a reason");
            }
        }
    }
    for (const auto& [code, outcome] : catalog.outcomes()) {
        if (!outcome.reason_required && !outcome.message) {
            throw std::runtime_error(source_name + "#/outcomes/" + code +
                                     ": an outcome without a required reason needs a message");
        }
    }
}

}  // namespace

Catalog Catalog::load(const std::string& path, const std::string& schema_path) {
    const auto doc = read_json_file(path);
    const auto schema = JsonSchema::from_file(schema_path);
    const auto violations = schema.validate(doc);
    if (!violations.empty()) {
        throw std::runtime_error(path + "#" + violations.front().pointer + ": " +
                                 violations.front().detail);
    }
    return from_json(doc, path);
}

Catalog Catalog::from_json(const nlohmann::json& doc, const std::string& source_name) {
    Catalog catalog;
    try {
        catalog.version_ = doc.at("version").get<std::string>();
        for (const auto& [code, j] : doc.at("outcomes").items())
            catalog.outcomes_.emplace(code, read_outcome(code, j));
        for (const auto& [code, j] : doc.at("reasons").items())
            catalog.reasons_.emplace(code, read_reason(code, j));
        catalog.progress_ = doc.at("progress").get<std::vector<std::string>>();
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(source_name + ": " + e.what());
    }
    check_pairs(catalog, source_name);
    return catalog;
}

const ReasonInfo* Catalog::reason(const std::string& code) const {
    auto it = reasons_.find(code);
    return it == reasons_.end() ? nullptr : &it->second;
}

const OutcomeInfo* Catalog::outcome(const std::string& code) const {
    auto it = outcomes_.find(code);
    return it == outcomes_.end() ? nullptr : &it->second;
}

bool Catalog::is_progress(const std::string& code) const {
    return std::find(progress_.begin(), progress_.end(), code) != progress_.end();
}

bool Catalog::allows(const std::string& outcome, const std::string& reason) const {
    const OutcomeInfo* o = this->outcome(outcome);
    if (o == nullptr) return false;
    if (reason.empty()) return !o->reason_required;
    const ReasonInfo* r = this->reason(reason);
    return r != nullptr && r->messages.count(outcome) > 0;
}

std::vector<std::string> Catalog::outcomes_for(const std::string& reason) const {
    std::vector<std::string> out;
    for (const auto& [code, info] : outcomes_)
        if (allows(code, reason)) out.push_back(code);
    return out;
}

std::optional<ResolvedMessage> Catalog::message_for(const std::string& outcome,
                                                    const std::string& reason) const {
    if (!allows(outcome, reason)) return std::nullopt;
    if (reason.empty()) {
        const auto& m = *this->outcome(outcome)->message;
        return ResolvedMessage{m.text, outcome + "@" + std::to_string(m.version)};
    }
    const auto& m = this->reason(reason)->messages.at(outcome);
    return ResolvedMessage{m.text, outcome + "/" + reason + "@" + std::to_string(m.version)};
}

}  // namespace fieldgate
