#include "vendor_report.h"

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

namespace {

// One order counted into its vendor's figures.
void count_order(const store::ReportOrderRow& row, VendorFigures& f,
                 std::map<std::string, std::int64_t>& reasons, std::vector<double>& lags) {
    f.vendor = row.vendor;
    ++f.orders;
    if (!row.outcome) return;
    f.corrections += row.corrections;
    const bool completed = *row.outcome == "COMPLETED";
    const bool partial = *row.outcome == "PARTIALLY_COMPLETED";
    const bool missed = *row.outcome == "NOT_COLLECTED";
    if (!completed && !partial && !missed) return;
    ++f.attempts;
    f.completed += completed;
    f.partially_completed += partial;
    f.not_collected += missed;
    if (completed && row.evidence_time.value_or("") == "in_window") ++f.completed_in_window;
    if ((partial || missed) && row.reason) {
        ++f.with_reason;
        ++reasons[*row.reason];
        if (row.evidence_complete) ++f.with_expected_evidence;
    }
    if (row.occurred_at && row.delivered_at) {
        const auto a = parse_rfc3339(*row.occurred_at);
        const auto b = parse_rfc3339(*row.delivered_at);
        if (a && b) {
            ++f.delivered;
            lags.push_back(std::chrono::duration<double>(*b - *a).count());
        }
    }
}

}  // namespace

std::vector<VendorFigures> vendor_report(store::Transaction& tx, const Catalog& catalog,
                                         const ReportQuery& query) {
    std::map<std::string, VendorFigures> by_vendor;
    std::map<std::string, std::map<std::string, std::int64_t>> reasons;
    std::map<std::string, std::vector<double>> lags;
    tx.visit_report_orders(
        {query.from, query.to, query.vendor}, [&](const store::ReportOrderRow& row) {
            if (row.status == "cancelled" && !row.outcome) return;
            count_order(row, by_vendor[row.vendor], reasons[row.vendor], lags[row.vendor]);
        });
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
