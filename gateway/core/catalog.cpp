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
        for (const auto& [code, j] : doc.at("outcomes").items()) {
            OutcomeInfo info;
            info.code = code;
            info.label = j.at("label").get<std::string>();
            info.reason_required = j.at("reason_required").get<bool>();
            info.message = read_message(j.at("message"));
            catalog.outcomes_.emplace(code, std::move(info));
        }
        for (const auto& [code, j] : doc.at("reasons").items()) {
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
            info.message = read_message(j.at("message"));
            catalog.reasons_.emplace(code, std::move(info));
        }
        catalog.progress_ = doc.at("progress").get<std::vector<std::string>>();
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(source_name + ": " + e.what());
    }
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

}  // namespace fieldgate
