#include "vendor_health.h"

#include "sqlite_transaction.h"
#include "summary.h"

#include <map>

#include "summary.h"

namespace fieldgate::ops {

namespace {

std::int64_t count(sqlite::Connection& db, const std::string& sql, const std::string& vendor,
                   const std::string& since = {}) {
    auto q = db.prepare(sql);
    q->bind(1, vendor);
    if (!since.empty()) q->bind(2, since);
    return q->step() ? q->integer(0) : 0;
}

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
void add_results(sqlite::Connection& db, const std::string& vendor, const std::string& since,
                 nlohmann::json& h) {
    nlohmann::json results = {{"applied", 0}, {"late", 0}, {"conflict", 0}, {"correction", 0}};
    {
        auto q = db.prepare(
            "SELECT disposition, COUNT(*) FROM outcomes WHERE vendor = ? AND received_at >= ? "
            "GROUP BY disposition");
        q->bind(1, vendor).bind(2, since);
        while (q->step()) results[q->text(0)] = q->integer(1);
    }
    h["results"] = results;
    h["accepted"] = results["applied"].get<std::int64_t>() + results["late"].get<std::int64_t>();
    // Closed orders the vendor edited afterwards (same reference, outcome and reason; other
    // details): the CRM was not told, so staff may want to look.
    h["corrections"] = results["correction"];
    nlohmann::json recent = nlohmann::json::array();
    for (const auto& c : store::recent_corrections(db, vendor, since, 5))
        recent.push_back({{"outcome_id", "oc_" + std::to_string(c.outcome_id)},
                          {"work_order_id", c.work_order_id},
                          {"crm_case_id", c.crm_case_id},
                          {"received_at", c.received_at}});
    h["recent_corrections"] = recent;
}

nlohmann::json unmapped_codes(sqlite::Connection& db, const std::string& vendor) {
    std::map<std::pair<std::string, std::string>, std::int64_t> unmapped;
    {
        auto q = db.prepare(
            "SELECT problem, attempts FROM quarantine WHERE vendor = ? AND state = 'open' AND "
            "problem_type = 'unmapped-code'");
        q->bind(1, vendor);
        while (q->step()) {
            const auto problem = nlohmann::json::parse(q->text(0), nullptr, false);
            std::vector<nlohmann::json> problems = {problem};
            if (problem.is_object() && problem.contains("errors") && problem["errors"].is_array())
                problems.assign(problem["errors"].begin(), problem["errors"].end());
            for (const auto& p : problems) {
                auto code = unmapped_code_of(p);
                if (!code.first.empty()) unmapped[code] += q->integer(1);
            }
        }
    }
    nlohmann::json codes = nlohmann::json::array();
    for (const auto& [code, n] : unmapped)
        codes.push_back({{"code", code.first}, {"field", code.second}, {"attempts", n}});
    return codes;
}

// Events of the vendor's orders the CRM refused as too large (413), or the gateway did not send
// because they were over the CRM's limit (recorded as 413 too): dead letters waiting for staff,
// and those staff replayed that are not delivered yet. Each walks a partial index (outbox_dead,
// outbox_due). Newest first.
void add_too_large(sqlite::Connection& db, const std::string& vendor, nlohmann::json& delivery) {
    auto q = db.prepare(
        "SELECT o.id, o.work_order_id, w.crm_case_id, o.event_type, o.state, o.attempts, "
        "o.last_error, COALESCE(o.dead_at, o.created_at) AS at FROM outbox o JOIN work_orders w "
        "ON w.id = o.work_order_id WHERE o.state = 'dead' AND o.destination = 'crm' AND "
        "o.last_status = 413 AND w.vendor = ?1 "
        "UNION ALL SELECT o.id, o.work_order_id, w.crm_case_id, o.event_type, o.state, "
        "o.attempts, o.last_error, o.created_at FROM outbox o JOIN work_orders w ON w.id = "
        "o.work_order_id WHERE o.state = 'pending' AND o.destination = 'crm' AND "
        "o.last_status = 413 AND w.vendor = ?1 ORDER BY 1 DESC");
    q->bind(1, vendor);
    std::int64_t n = 0;
    nlohmann::json recent = nlohmann::json::array();
    while (q->step()) {
        if (++n > 5) continue;
        recent.push_back({{"event_id", "evt_" + std::to_string(q->integer(0))},
                          {"dead_letter_id", q->integer(0)},
                          {"work_order_id", q->text(1)},
                          {"crm_case_id", q->text(2)},
                          {"event_type", q->text(3)},
                          {"state", q->text(4)},
                          {"attempts", q->integer(5)},
                          {"error", optional_json(q->optional_text(6))},
                          {"at", q->text(7)}});
    }
    delivery["too_large"] = n;
    delivery["recent_too_large"] = recent;
}

nlohmann::json crm_delivery(sqlite::Connection& db, const std::string& vendor, SysMillis now) {
    auto q = db.prepare(
        "SELECT COUNT(*), MIN(o.created_at) FROM outbox o JOIN work_orders w ON w.id = "
        "o.work_order_id WHERE o.state = 'pending' AND o.destination = 'crm' AND w.vendor = ?");
    q->bind(1, vendor);
    nlohmann::json delivery = {
        {"pending", 0}, {"oldest_pending_at", nullptr}, {"oldest_pending_age_s", nullptr}};
    if (q->step()) {
        delivery["pending"] = q->integer(0);
        if (auto oldest = q->optional_text(1)) {
            delivery["oldest_pending_at"] = *oldest;
            if (auto t = parse_rfc3339(*oldest))
                delivery["oldest_pending_age_s"] = std::chrono::duration<double>(now - *t).count();
        }
    }
    add_too_large(db, vendor, delivery);
    return delivery;
}

// How polling a polled vendor fares (its poll_state row); null for a vendor never polled.
nlohmann::json poll_health(sqlite::Connection& db, const std::string& vendor) {
    auto q = db.prepare(
        "SELECT last_error, failures, failing_since, last_success_at, next_request_at "
        "FROM poll_state WHERE vendor = ?");
    q->bind(1, vendor);
    if (!q->step()) return nullptr;
    auto text_or_null = [&](int column) {
        const auto v = q->text(column);
        return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v);
    };
    return {{"last_error", text_or_null(0)},
            {"failures", q->integer(1)},
            {"failing_since", text_or_null(2)},
            {"last_success_at", text_or_null(3)},
            {"next_request_at", text_or_null(4)}};
}

}  // namespace

nlohmann::json vendor_health(store::Transaction& tx, const std::string& vendor,
                             const std::string& since, SysMillis now) {
    sqlite::Connection& db = store::sqlite_connection(tx);
    nlohmann::json h = {{"vendor", vendor}, {"since", since}};

    std::optional<std::string> last_outcome, last_refusal;
    {
        auto q = db.prepare("SELECT MAX(received_at) FROM outcomes WHERE vendor = ?");
        q->bind(1, vendor);
        if (q->step()) last_outcome = q->optional_text(0);
    }
    {
        auto q = db.prepare("SELECT MAX(received_at) FROM quarantine WHERE vendor = ?");
        q->bind(1, vendor);
        if (q->step()) last_refusal = q->optional_text(0);
    }
    h["last_seen_at"] = optional_json(latest(last_outcome, last_refusal));
    h["last_result_at"] = optional_json(last_outcome);

    add_results(db, vendor, since, h);

    // A refusal repeated (the same body, the same error) is one entry with attempts.
    nlohmann::json top = nlohmann::json::array();
    std::int64_t rejected = 0;
    {
        auto q = db.prepare(
            "SELECT problem_type, COUNT(*), SUM(attempts) FROM quarantine "
            "WHERE vendor = ? AND received_at >= ? GROUP BY problem_type "
            "ORDER BY SUM(attempts) DESC, problem_type LIMIT 100");
        q->bind(1, vendor).bind(2, since);
        while (q->step()) {
            rejected += q->integer(2);
            if (top.size() < 5)
                top.push_back({{"type", q->text(0)},
                               {"entries", q->integer(1)},
                               {"attempts", q->integer(2)}});
        }
    }
    h["rejected"] = rejected;
    h["top_rejection_reasons"] = top;
    h["quarantine_open"] =
        count(db, "SELECT COUNT(*) FROM quarantine WHERE vendor = ? AND state = 'open'", vendor);

    h["unmapped_codes"] = unmapped_codes(db, vendor);

    // Matches the partial index work_orders_overdue term for term, so SQLite uses it.
    h["overdue_orders"] = count(db,
                                "SELECT COUNT(*) FROM work_orders WHERE vendor = ? AND overdue_at "
                                "IS NOT NULL AND status NOT IN "
                                "('completed','partially_completed','not_collected','cancelled')",
                                vendor);

    h["crm_delivery"] = crm_delivery(db, vendor, now);
    h["poll"] = poll_health(db, vendor);
    return h;
}

}  // namespace fieldgate::ops
