#include "vendor_report.h"

#include "sqlite_transaction.h"

#include <algorithm>
#include <cstdio>

#include "time_util.h"

namespace fieldgate::reports {

namespace {

constexpr const char* kAttributions[] = {"resident", "vendor", "city", "external"};

std::optional<double> ratio(std::int64_t n, std::int64_t d) {
    if (d == 0) return std::nullopt;
    return static_cast<double>(n) / static_cast<double>(d);
}

std::optional<double> median(std::vector<double> v) {
    if (v.empty()) return std::nullopt;
    std::sort(v.begin(), v.end());
    const auto n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

nlohmann::json optional_json(const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

std::string number(const std::optional<double>& v) {
    if (!v) return "";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", *v);
    return buf;
}

// The rates and shares from the counts (null when their denominator is 0), the reasons with
// their attribution, and the median delivery lag.
void add_shares(VendorFigures& f, const Catalog& catalog,
                const std::map<std::string, std::int64_t>& reasons, std::vector<double>& lags) {
    f.completion_rate = ratio(f.completed, f.attempts);
    f.evidence_share = ratio(f.with_expected_evidence, f.with_reason);
    f.service_level = ratio(f.completed_in_window, f.orders);
    f.median_event_to_delivery_s = median(std::move(lags));
    std::map<std::string, std::int64_t> by_attribution;
    for (const auto& [reason, count] : reasons) {
        const auto* info = catalog.reason(reason);
        const std::string attribution = info ? info->attribution : "unknown";
        by_attribution[attribution] += count;
        f.reasons.push_back({reason, attribution, count, *ratio(count, f.with_reason)});
    }
    std::sort(f.reasons.begin(), f.reasons.end(), [](const auto& a, const auto& b) {
        return a.count != b.count ? a.count > b.count : a.reason < b.reason;
    });
    for (const char* a : kAttributions) f.attribution_shares[a] = ratio(0, f.with_reason);
    for (const auto& [a, n] : by_attribution) f.attribution_shares[a] = ratio(n, f.with_reason);
}

}  // namespace

std::vector<VendorFigures> vendor_report(store::Transaction& tx, const Catalog& catalog,
                                         const ReportQuery& query) {
    sqlite::Connection& db = store::sqlite_connection(tx);
    std::map<std::string, VendorFigures> by_vendor;
    std::map<std::string, std::map<std::string, std::int64_t>> reasons;
    std::map<std::string, std::vector<double>> lags;
    // One pass over the period's orders (work_orders_scheduled index) with each order's current
    // outcome (o) and its CRM delivery. The outbox has no index by outcome (one would cost every
    // result on the ingest path), so its delivered rows are read once and joined, not looked
    // up per order. A correction is never sent to the CRM: for a corrected order the delivery
    // is the applied outcome's (a), found, like its corrections, through outcomes_order. Once
    // corrected an order's current outcome stays a correction, so only corrected orders pay.
    auto q = db.prepare(
        "SELECT w.vendor, w.status, o.outcome, o.reason, o.evidence_complete, "
        "json_extract(o.evidence, '$.time'), a.occurred_at, x.delivered_at, "
        "CASE WHEN o.disposition = 'correction' THEN (SELECT COUNT(*) FROM outcomes c "
        "WHERE c.work_order_id = w.id AND c.disposition = 'correction') ELSE 0 END "
        "FROM work_orders w LEFT JOIN outcomes o ON o.id = w.outcome_id "
        "LEFT JOIN outcomes a ON a.id = CASE WHEN o.disposition = 'correction' THEN "
        "(SELECT MIN(f.id) FROM outcomes f WHERE f.work_order_id = w.id AND "
        "f.disposition = 'applied' AND f.outcome IS NOT NULL) ELSE o.id END "
        "LEFT JOIN (SELECT outcome_id, MIN(delivered_at) AS delivered_at FROM outbox "
        "WHERE destination = 'crm' AND state = 'delivered' AND outcome_id IS NOT NULL "
        "GROUP BY outcome_id) x ON x.outcome_id = a.id "
        "WHERE w.scheduled_date >= ?1 AND w.scheduled_date <= ?2 AND w.vendor IS NOT NULL "
        "AND (?3 IS NULL OR w.vendor = ?3)");
    q->bind(1, query.from).bind(2, query.to).bind(3, query.vendor);
    while (q->step()) {
        const std::string vendor = q->text(0);
        const std::string status = q->text(1);
        const bool has_outcome = !q->is_null(2);
        if (status == "cancelled" && !has_outcome) continue;
        auto& f = by_vendor[vendor];
        f.vendor = vendor;
        ++f.orders;
        if (!has_outcome) continue;
        f.corrections += q->integer(8);
        const std::string outcome = q->text(2);
        const bool completed = outcome == "COMPLETED";
        const bool partial = outcome == "PARTIALLY_COMPLETED";
        const bool missed = outcome == "NOT_COLLECTED";
        if (!completed && !partial && !missed) continue;
        ++f.attempts;
        f.completed += completed;
        f.partially_completed += partial;
        f.not_collected += missed;
        if (completed && q->optional_text(5).value_or("") == "in_window") ++f.completed_in_window;
        if ((partial || missed) && !q->is_null(3)) {
            ++f.with_reason;
            ++reasons[vendor][q->text(3)];
            if (q->integer(4) != 0) ++f.with_expected_evidence;
        }
        const auto occurred = q->optional_text(6);
        const auto delivered = q->optional_text(7);
        if (occurred && delivered) {
            const auto a = parse_rfc3339(*occurred);
            const auto b = parse_rfc3339(*delivered);
            if (a && b) {
                ++f.delivered;
                lags[vendor].push_back(std::chrono::duration<double>(*b - *a).count());
            }
        }
    }
    std::vector<VendorFigures> out;
    for (auto& [vendor, f] : by_vendor) {
        add_shares(f, catalog, reasons[vendor], lags[vendor]);
        out.push_back(std::move(f));
    }
    return out;
}

nlohmann::json to_json(const ReportQuery& query, const std::vector<VendorFigures>& figures) {
    nlohmann::json vendors = nlohmann::json::array();
    for (const auto& f : figures) {
        nlohmann::json reasons = nlohmann::json::array();
        nlohmann::json attribution_shares = nlohmann::json::object();
        for (const auto& [a, share] : f.attribution_shares)
            attribution_shares[a] = optional_json(share);
        for (const auto& r : f.reasons)
            reasons.push_back({{"reason", r.reason},
                               {"attribution", r.attribution},
                               {"count", r.count},
                               {"share", r.share}});
        vendors.push_back(
            {{"vendor", f.vendor},
             {"orders", f.orders},
             {"attempts", f.attempts},
             {"completed", f.completed},
             {"partially_completed", f.partially_completed},
             {"not_collected", f.not_collected},
             {"completion_rate", optional_json(f.completion_rate)},
             {"with_reason", f.with_reason},
             {"reasons", reasons},
             {"attribution_shares", attribution_shares},
             {"with_expected_evidence", f.with_expected_evidence},
             {"evidence_share", optional_json(f.evidence_share)},
             {"completed_in_window", f.completed_in_window},
             {"service_level", optional_json(f.service_level)},
             {"delivered", f.delivered},
             {"median_event_to_delivery_s", optional_json(f.median_event_to_delivery_s)},
             {"corrections", f.corrections}});
    }
    nlohmann::json period = {{"from", query.from}, {"to", query.to}};
    return {{"period", period},
            {"vendor", query.vendor ? nlohmann::json(*query.vendor) : nlohmann::json(nullptr)},
            {"vendors", vendors}};
}

std::string csv_field(const std::string& value) {
    if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
    std::string out = "\"";
    for (char c : value) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string vendors_csv(const std::vector<VendorFigures>& figures) {
    std::string out =
        "vendor,orders,attempts,completed,partially_completed,not_collected,completion_rate,"
        "with_reason,share_resident,share_vendor,share_city,share_external,"
        "with_expected_evidence,evidence_share,completed_in_window,service_level,delivered,"
        "median_event_to_delivery_s,corrections\r\n";
    for (const auto& f : figures) {
        auto share = [&f](const char* a) {
            auto it = f.attribution_shares.find(a);
            return number(it == f.attribution_shares.end() ? std::nullopt : it->second);
        };
        out += csv_field(f.vendor) + "," + std::to_string(f.orders) + "," +
               std::to_string(f.attempts) + "," + std::to_string(f.completed) + "," +
               std::to_string(f.partially_completed) + "," + std::to_string(f.not_collected) + "," +
               number(f.completion_rate) + "," + std::to_string(f.with_reason) + "," +
               share("resident") + "," + share("vendor") + "," + share("city") + "," +
               share("external") + "," + std::to_string(f.with_expected_evidence) + "," +
               number(f.evidence_share) + "," + std::to_string(f.completed_in_window) + "," +
               number(f.service_level) + "," + std::to_string(f.delivered) + "," +
               number(f.median_event_to_delivery_s) + "," + std::to_string(f.corrections) + "\r\n";
    }
    return out;
}

std::string reasons_csv(const std::vector<VendorFigures>& figures) {
    std::string out = "vendor,reason,attribution,count,share\r\n";
    for (const auto& f : figures)
        for (const auto& r : f.reasons)
            out += csv_field(f.vendor) + "," + csv_field(r.reason) + "," +
                   csv_field(r.attribution) + "," + std::to_string(r.count) + "," +
                   number(r.share) + "\r\n";
    return out;
}

}  // namespace fieldgate::reports
