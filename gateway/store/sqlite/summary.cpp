#include "summary.h"

#include <iomanip>
#include <sstream>

#include "sqlite.h"

namespace fieldgate::store {

std::string format_summary(const nlohmann::json& s) {
    std::ostringstream out;
    auto line = [&out](const std::string& label, const nlohmann::json& n, int indent) {
        out << std::string(static_cast<std::size_t>(indent), ' ') << std::left
            << std::setw(44 - indent) << label << n.dump() << "\n";
    };
    out << "Work orders by status\n";
    for (auto& [k, v] : s["work_orders"].items()) line(k, v, 2);
    out << "Outcomes stored (applied / late progress / conflicts kept for review / "
           "corrections of closed orders)\n";
    for (auto& [k, v] : s["outcomes"].items()) line(k, v, 2);
    for (auto& [vendor, data] : s["by_vendor"].items()) {
        out << "Vendor " << vendor << ": closing outcome by standard code\n";
        if (data.contains("outcomes"))
            for (auto& [k, v] : data["outcomes"].items()) line(k, v, 2);
        out << "  non-collection reasons\n";
        if (data.contains("reasons"))
            for (auto& [k, v] : data["reasons"].items()) line(k, v, 4);
    }
    out << "Quarantine (open, by vendor and problem)\n";
    for (auto& [vendor, types] : s["quarantine"].items()) {
        for (auto& [k, v] : types.items()) line(vendor + " " + k, v, 2);
    }
    out << "CRM outbox\n";
    for (auto& [k, v] : s["outbox"].items()) line(k, v, 2);
    return out.str();
}

std::vector<CorrectionRef> recent_corrections(sqlite::Connection& db, const std::string& vendor,
                                              const std::string& since, int limit) {
    auto q = db.prepare(
        "SELECT o.id, o.work_order_id, w.crm_case_id, o.received_at FROM outcomes o "
        "JOIN work_orders w ON w.id = o.work_order_id "
        "WHERE o.vendor = ? AND o.received_at >= ? AND o.disposition = 'correction' "
        "ORDER BY o.received_at DESC, o.id DESC LIMIT ?");
    q->bind(1, vendor).bind(2, since).bind(3, limit);
    std::vector<CorrectionRef> out;
    while (q->step()) out.push_back({q->integer(0), q->text(1), q->text(2), q->text(3)});
    return out;
}

}  // namespace fieldgate::store
