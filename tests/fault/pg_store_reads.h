// What the multi-instance scenarios read from the PostgreSQL store for their account: the
// outcomes a source's items made and the CRM events those made, what is still to deliver, and
// why an event ended where it did. Over libpq, on a connection of the test's own.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "fault/fault_rig.h"
#include "pg.h"
#include "support/wait.h"

namespace fieldgate::test {

class PgStoreReads {
  public:
    virtual ~PgStoreReads() = default;
    // A fresh connection to the store.
    virtual std::unique_ptr<pg::Connection> db() const = 0;

    std::int64_t count(const std::string& sql, const std::vector<std::string>& params = {}) const {
        auto c = db();
        pg::Params p;
        for (const auto& v : params) p.text(v);
        const auto r = c->query(sql, p);
        return r.rows() > 0 ? r.integer(0, 0) : -1;
    }
    // Every outcome whose vendor_ref is LIKE `pattern` (and, when given, of `vendor`), by vendor
    // reference, with the CRM events it made.
    std::map<std::string, StoredItem> stored_items(const std::string& pattern,
                                                   const std::string& vendor = "") const {
        auto c = db();
        const auto r = c->query(
            "SELECT c.vendor_ref, c.id, o.id FROM outcomes c LEFT JOIN outbox o ON o.outcome_id = "
            "c.id AND o.destination = 'crm' WHERE c.vendor_ref LIKE $1 AND ($2 = '' OR c.vendor "
            "= $2) ORDER BY c.id",
            pg::Params().text(pattern).text(vendor));
        std::map<std::string, StoredItem> items;
        std::set<std::int64_t> outcomes;
        for (int row = 0; row < r.rows(); ++row) {
            auto& item = items[r.text(row, 0)];
            if (outcomes.insert(r.integer(row, 1)).second) ++item.outcomes;
            if (!r.is_null(row, 2)) item.crm_events.push_back("evt_" + r.text(row, 2));
        }
        return items;
    }
    // CRM events not yet delivered or given up (pending, or held by a gateway delivering it).
    std::int64_t undelivered() const {
        return count(
            "SELECT COUNT(*) FROM outbox WHERE destination = 'crm' AND state NOT IN "
            "('delivered', 'dead', 'discarded')");
    }
    bool wait_for_delivery(std::chrono::milliseconds limit = 180s) const {
        return wait_until(
            [&] {
                try {
                    return undelivered() == 0;
                } catch (const pg::Error&) {
                    return false;
                }
            },
            limit);
    }
    // The webhook ids of the CRM events the store holds as delivered; and of those it holds as
    // dead letters (none should be: the CRM never refuses in these scenarios).
    std::set<std::string> delivered_events(const std::string& state = "delivered") const {
        auto c = db();
        const auto r =
            c->query("SELECT id FROM outbox WHERE destination = 'crm' AND state = $1 ORDER BY id",
                     pg::Params().text(state));
        std::set<std::string> ids;
        for (int row = 0; row < r.rows(); ++row) ids.insert("evt_" + r.text(row, 0));
        return ids;
    }
    // CRM events in `state` ("dead", "pending", ...), a line each: why they are there.
    std::string crm_events_described(const std::string& state, int limit = 20) const {
        auto c = db();
        const auto r = c->query(
            "SELECT id, work_order_id, event_type, attempts, event_failures, "
            "COALESCE(last_status, 0), COALESCE(last_error, '-'), created_at, "
            "COALESCE(dead_at, '-') FROM outbox WHERE destination = 'crm' AND state = $1 ORDER BY "
            "id LIMIT $2",
            pg::Params().text(state).integer(limit));
        std::string out;
        for (int row = 0; row < r.rows(); ++row)
            out += "evt_" + r.text(row, 0) + " of " + r.text(row, 1) + " (" + r.text(row, 2) +
                   "): attempts " + r.text(row, 3) + " (own " + r.text(row, 4) + "), last status " +
                   r.text(row, 5) + ", last error '" + r.text(row, 6) + "', created " +
                   r.text(row, 7) + ", dead at " + r.text(row, 8) + "\n";
        return out;
    }
};

}  // namespace fieldgate::test
