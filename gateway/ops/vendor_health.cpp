#include "vendor_health.h"

#include <map>

namespace fieldgate::ops {

namespace {

std::optional<std::string> latest(const std::optional<std::string>& a,
                                  const std::optional<std::string>& b) {
    if (!a) return b;
    if (!b) return a;
    return *a > *b ? a : b;
}

nlohmann::json optional_json(const std::optional<std::string>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

std::pair<std::string, std::string> unmapped_code_of(const nlohmann::json& problem) {
    // The engine's sentence (adapters/engine/evaluate.cpp): '<field>' value '<code>' is not a
    // code the city knows ...
    if (!problem.is_object() || !problem.contains("detail") || !problem["detail"].is_string())
        return {};
    const auto detail = problem["detail"].get<std::string>();
    constexpr std::string_view kValue = " value '";
    const auto at = detail.find(kValue);
    if (at == std::string::npos) return {};
    const auto start = at + kValue.size();
    const auto end = detail.find("' is not a code", start);
    if (end == std::string::npos) return {};
    std::string field = problem.contains("field") && problem["field"].is_string()
                            ? problem["field"].get<std::string>()
                            : std::string();
    return {detail.substr(start, end - start), field};
}

namespace {

// Results received in the window by disposition, and the corrections among them.
void add_results(store::Transaction& tx, const store::VendorHealthFigures& f,
                 const std::string& vendor, const std::string& since, nlohmann::json& h) {
    nlohmann::json results = {{"applied", 0}, {"late", 0}, {"conflict", 0}, {"correction", 0}};
    for (const auto& [disposition, n] : f.results_by_disposition) results[disposition] = n;
    h["results"] = results;
    h["accepted"] = results["applied"].get<std::int64_t>() + results["late"].get<std::int64_t>();
    // Closed orders the vendor edited afterwards (same reference, outcome and reason; other
    // details): the CRM was not told, so staff may want to look.
    h["corrections"] = results["correction"];
    nlohmann::json recent = nlohmann::json::array();
    for (const auto& c : tx.recent_corrections(vendor, since, 5))
        recent.push_back({{"outcome_id", "oc_" + std::to_string(c.outcome_id)},
                          {"work_order_id", c.work_order_id},
                          {"crm_case_id", c.crm_case_id},
                          {"received_at", c.received_at}});
    h["recent_corrections"] = recent;
}

// A refusal repeated (the same body, the same error) is one entry with attempts.
void add_rejections(const store::VendorHealthFigures& f, nlohmann::json& h) {
    nlohmann::json top = nlohmann::json::array();
    std::int64_t rejected = 0;
    for (const auto& g : f.rejections) {
        rejected += g.attempts;
        if (top.size() < 5)
            top.push_back({{"type", g.type}, {"entries", g.entries}, {"attempts", g.attempts}});
    }
    h["rejected"] = rejected;
    h["top_rejection_reasons"] = top;
}

nlohmann::json unmapped_codes(const store::VendorHealthFigures& f) {
    std::map<std::pair<std::string, std::string>, std::int64_t> unmapped;
    for (const auto& entry : f.unmapped_problems) {
        const auto problem = nlohmann::json::parse(entry.problem_json, nullptr, false);
        std::vector<nlohmann::json> problems = {problem};
        if (problem.is_object() && problem.contains("errors") && problem["errors"].is_array())
            problems.assign(problem["errors"].begin(), problem["errors"].end());
        for (const auto& p : problems) {
            auto code = unmapped_code_of(p);
            if (!code.first.empty()) unmapped[code] += entry.attempts;
        }
    }
    nlohmann::json codes = nlohmann::json::array();
    for (const auto& [code, n] : unmapped)
        codes.push_back({{"code", code.first}, {"field", code.second}, {"attempts", n}});
    return codes;
}

// Events of the vendor's orders the CRM refused as too large (413), or the gateway did not send
// because they were over the CRM's limit (recorded as 413 too): dead letters waiting for staff,
// and those staff replayed that are not delivered yet. Newest first.
nlohmann::json crm_delivery(const store::VendorHealthFigures& f, SysMillis now) {
    nlohmann::json delivery = {{"pending", f.crm_pending.count},
                               {"oldest_pending_at", nullptr},
                               {"oldest_pending_age_s", nullptr}};
    if (const auto& oldest = f.crm_pending.oldest_created_at; !oldest.empty()) {
        delivery["oldest_pending_at"] = oldest;
        if (auto t = parse_rfc3339(oldest))
            delivery["oldest_pending_age_s"] = std::chrono::duration<double>(now - *t).count();
    }
    nlohmann::json recent = nlohmann::json::array();
    for (const auto& e : f.recent_too_large)
        recent.push_back({{"event_id", "evt_" + std::to_string(e.id)},
                          {"dead_letter_id", e.id},
                          {"work_order_id", e.work_order_id},
                          {"crm_case_id", e.crm_case_id},
                          {"event_type", e.event_type},
                          {"state", e.state},
                          {"attempts", e.attempts},
                          {"error", optional_json(e.error)},
                          {"at", e.at}});
    delivery["too_large"] = f.too_large;
    delivery["recent_too_large"] = recent;
    return delivery;
}

// How polling a polled vendor fares (its poll_state row); null for a vendor never polled.
nlohmann::json poll_health(const std::optional<store::PollHealth>& poll) {
    if (!poll) return nullptr;
    auto text_or_null = [](const std::string& v) {
        return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v);
    };
    return {{"last_error", text_or_null(poll->last_error)},
            {"failures", poll->failures},
            {"failing_since", text_or_null(poll->failing_since)},
            {"last_success_at", text_or_null(poll->last_success_at)},
            {"next_request_at", text_or_null(poll->next_request_at)}};
}

}  // namespace

nlohmann::json vendor_health(store::Transaction& tx, const std::string& vendor,
                             const std::string& since, SysMillis now) {
    const auto f = tx.vendor_health_figures(vendor, since);
    nlohmann::json h = {{"vendor", vendor}, {"since", since}};
    h["last_seen_at"] = optional_json(latest(f.last_outcome_at, f.last_refusal_at));
    h["last_result_at"] = optional_json(f.last_outcome_at);
    add_results(tx, f, vendor, since, h);
    add_rejections(f, h);
    h["quarantine_open"] = f.quarantine_open;
    h["unmapped_codes"] = unmapped_codes(f);
    h["overdue_orders"] = f.overdue_orders;
    h["crm_delivery"] = crm_delivery(f, now);
    h["poll"] = poll_health(f.poll);
    return h;
}

}  // namespace fieldgate::ops
