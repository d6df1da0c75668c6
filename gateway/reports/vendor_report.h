// Per vendor and period, what a city shows its council: attempts, completion rate, why items
// were not collected (with shares and who it is attributed to), evidence, service level and
// how fast the CRM heard. The period is the work orders' scheduled (service) date, inclusive.
//
// Definitions (also in README "Operating vendors"):
//   orders      work orders assigned to the vendor scheduled in the period, not cancelled by
//               the city (a city cancellation has no outcome)
//   attempts    orders whose current outcome is COMPLETED, PARTIALLY_COMPLETED or NOT_COLLECTED
//               (one per order: the outcome applied, or the vendor's latest correction of it,
//               which has the same outcome and reason, so a correction is never a second attempt)
//   completion_rate   COMPLETED / attempts
//   reasons     the reason codes of the PARTIALLY_COMPLETED and NOT_COLLECTED outcomes; share =
//               count / with_reason; attribution from the catalog (resident, vendor, city,
//               external), shares of with_reason
//   evidence_share    of with_reason, those carrying the evidence their reason expects (judged
//               on the current outcome: a correction's evidence replaces the first report's)
//   service_level     COMPLETED with the event time inside the scheduled window / orders
//   median_event_to_delivery_s   median of (CRM delivered_at - outcome occurred_at) over the
//               applied outcomes delivered to the CRM; the mean of the middle two when even. For
//               a corrected order, the outcome applied: what the CRM was told, and when
//   corrections correction outcomes of these orders (a closed result the vendor edited)
// Every share and rate is null when its denominator is 0.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog.h"
#include "transaction.h"

namespace fieldgate::reports {

struct ReportQuery {
    std::string from;  // YYYY-MM-DD, inclusive
    std::string to;    // YYYY-MM-DD, inclusive
    std::optional<std::string> vendor;
};

struct ReasonCount {
    std::string reason;
    std::string attribution;
    std::int64_t count = 0;
    double share = 0;
};

struct VendorFigures {
    std::string vendor;
    std::int64_t orders = 0;
    std::int64_t attempts = 0;
    std::int64_t completed = 0;
    std::int64_t partially_completed = 0;
    std::int64_t not_collected = 0;
    std::optional<double> completion_rate;
    std::int64_t with_reason = 0;
    std::vector<ReasonCount> reasons;                                 // by count, then code
    std::map<std::string, std::optional<double>> attribution_shares;  // null when no reason
    std::int64_t with_expected_evidence = 0;
    std::optional<double> evidence_share;
    std::int64_t completed_in_window = 0;
    std::optional<double> service_level;
    std::int64_t delivered = 0;
    std::optional<double> median_event_to_delivery_s;
    std::int64_t corrections = 0;
};

std::vector<VendorFigures> vendor_report(store::Transaction& db, const Catalog& catalog,
                                         const ReportQuery& query);

nlohmann::json to_json(const ReportQuery& query, const std::vector<VendorFigures>& figures);
// RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line break; a null
// share is an empty cell. New columns are appended at the end.
std::string vendors_csv(const std::vector<VendorFigures>& figures);
std::string reasons_csv(const std::vector<VendorFigures>& figures);
std::string csv_field(const std::string& value);

}  // namespace fieldgate::reports
