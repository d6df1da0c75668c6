#include "work_order_pg.h"

#include "pg_rows.h"

namespace fieldgate::store {

using pg_rows::kWorkOrderColumns;
using pg_rows::kWorkOrderStateColumns;
using pg_rows::read_work_order;

namespace {

// SQLite reads a negative LIMIT as no limit; PostgreSQL refuses one but reads NULL so.
pg::Params& limit_param(pg::Params& params, int limit) {
    return limit < 0 ? params.null() : params.integer(limit);
}

}  // namespace

std::optional<WorkOrder> PgWorkOrderRepository::find_where(const char* column,
                                                           const std::string& value,
                                                           const char* columns) {
    const auto q = db_->query(std::string("SELECT ") + columns + " FROM work_orders WHERE " +
                                  column + " = $1" + lock_suffix_,
                              pg::Params().text(value));
    if (q.rows() == 0) return std::nullopt;
    return read_work_order(q, 0);
}

std::optional<WorkOrder> PgWorkOrderRepository::find_work_order(const std::string& id) {
    return find_where("id", id, kWorkOrderColumns);
}

std::optional<WorkOrder> PgWorkOrderRepository::find_work_order_by_case(
    const std::string& crm_case_id) {
    return find_where("crm_case_id", crm_case_id, kWorkOrderColumns);
}

std::optional<WorkOrder> PgWorkOrderRepository::find_work_order_state_by_case(
    const std::string& crm_case_id) {
    if (auto ahead = cache_.work_order_by_case(crm_case_id)) return *ahead;
    return find_where("crm_case_id", crm_case_id, kWorkOrderStateColumns);
}

void PgWorkOrderRepository::insert_work_order(const WorkOrder& wo) {
    cache_.drop_case(wo.crm_case_id);
    db_->query(std::string("INSERT INTO work_orders (") + kWorkOrderColumns +
                   ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
                   "$16, $17, $18, $19, $20, $21, $22)",
               pg::Params()
                   .text(wo.id)
                   .text(wo.crm_case_id)
                   .text(wo.service_type)
                   .text(wo.address)
                   .optional_real(wo.lat)
                   .optional_real(wo.lon)
                   .text(wo.scheduled_date)
                   .optional_text(wo.window_start)
                   .optional_text(wo.window_end)
                   .text(wo.items_json)
                   .text(wo.instructions)
                   .text(wo.customer_json)
                   .optional_text(wo.vendor)
                   .optional_text(wo.route_id)
                   .optional_text(wo.route_date)
                   .optional_text(wo.stop_seq)
                   .text(wo.status)
                   .optional_integer(wo.outcome_id)
                   .text(wo.content_hash)
                   .text(wo.created_at)
                   .text(wo.updated_at)
                   .optional_text(wo.postal_code));
}

void PgWorkOrderRepository::update_work_order_status(const std::string& id,
                                                     const std::string& status,
                                                     std::optional<std::int64_t> outcome_id,
                                                     const std::string& at) {
    cache_.drop_work_order(id);
    db_->write(
        "UPDATE work_orders SET status = $1, outcome_id = COALESCE($2, outcome_id), "
        "updated_at = $3 WHERE id = $4",
        pg::Params().text(status).optional_integer(outcome_id).text(at).text(id));
}

void PgWorkOrderRepository::append_history(const std::string& work_order_id,
                                           const HistoryEntry& e) {
    db_->write(
        "INSERT INTO work_order_history (work_order_id, at, from_status, to_status, source, "
        "outcome_id, note) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        pg::Params()
            .text(work_order_id)
            .text(e.at)
            .optional_text(e.from_status)
            .text(e.to_status)
            .text(e.source)
            .optional_integer(e.outcome_id)
            .optional_text(e.note));
}

std::vector<HistoryEntry> PgWorkOrderRepository::list_history(const std::string& work_order_id) {
    const auto q = db_->query(
        "SELECT at, from_status, to_status, source, outcome_id, note FROM work_order_history "
        "WHERE work_order_id = $1 ORDER BY id",
        pg::Params().text(work_order_id));
    std::vector<HistoryEntry> out;
    for (int i = 0; i < q.rows(); ++i) {
        out.push_back(HistoryEntry{q.text(i, 0), q.optional_text(i, 1), q.text(i, 2), q.text(i, 3),
                                   q.optional_integer(i, 4), q.optional_text(i, 5)});
    }
    return out;
}

std::vector<WorkOrder> PgWorkOrderRepository::open_orders_on_route(const std::string& vendor,
                                                                   const std::string& route_id,
                                                                   const std::string& route_date) {
    // SQLite sorts NULL first and compares text byte by byte; PostgreSQL, left to itself, sorts
    // NULL last and by the database's collation.
    const auto q = db_->query(
        std::string("SELECT ") + kWorkOrderStateColumns +
            " FROM work_orders WHERE vendor = $1 AND route_id = $2 AND route_date = $3 AND "
            "status NOT IN ('completed','partially_completed','not_collected','cancelled') "
            "ORDER BY stop_seq COLLATE \"C\" NULLS FIRST, id COLLATE \"C\"" +
            lock_suffix_,
        pg::Params().text(vendor).text(route_id).text(route_date));
    std::vector<WorkOrder> out;
    for (int i = 0; i < q.rows(); ++i) out.push_back(read_work_order(q, i));
    return out;
}

std::vector<WorkOrder> PgWorkOrderRepository::unflagged_field_orders(const std::string& first,
                                                                     const std::string& last) {
    const auto q = db_->query(
        "SELECT id, scheduled_date, window_start, window_end FROM work_orders "
        "WHERE scheduled_date BETWEEN $1 AND $2 AND overdue_at IS NULL "
        "AND status IN ('dispatched', 'acknowledged', 'en_route', 'on_site')",
        pg::Params().text(first).text(last));
    std::vector<WorkOrder> out;
    for (int i = 0; i < q.rows(); ++i) {
        WorkOrder wo;
        wo.id = q.text(i, 0);
        wo.scheduled_date = q.text(i, 1);
        wo.window_start = q.optional_text(i, 2);
        wo.window_end = q.optional_text(i, 3);
        out.push_back(std::move(wo));
    }
    return out;
}

bool PgWorkOrderRepository::flag_overdue(const std::string& id, const std::string& at) {
    cache_.drop_work_order(id);
    return db_->query("UPDATE work_orders SET overdue_at = $1 WHERE id = $2 AND overdue_at IS NULL",
                      pg::Params().text(at).text(id))
               .affected() > 0;
}

std::int64_t PgWorkOrderRepository::append_feed(const FeedRow& row) {
    return db_
        ->query(
            "INSERT INTO vendor_feed (vendor, work_order_id, change, created_at) "
            "VALUES ($1, $2, $3, $4) RETURNING seq",
            pg::Params()
                .text(row.vendor)
                .text(row.work_order_id)
                .text(row.change)
                .text(row.created_at))
        .integer(0, 0);
}

std::vector<FeedRow> PgWorkOrderRepository::feed_after(const std::string& vendor,
                                                       std::int64_t after, int limit) {
    pg::Params params;
    params.text(vendor).integer(after);
    const auto q = db_->query(
        "SELECT seq, vendor, work_order_id, change, created_at FROM vendor_feed "
        "WHERE vendor = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        limit_param(params, limit));
    std::vector<FeedRow> out;
    for (int i = 0; i < q.rows(); ++i)
        out.push_back(
            FeedRow{q.integer(i, 0), q.text(i, 1), q.text(i, 2), q.text(i, 3), q.text(i, 4)});
    return out;
}

void PgWorkOrderRepository::reschedule_work_order(const std::string& id, const ScheduleUpdate& u,
                                                  const std::string& at) {
    cache_.drop_work_order(id);
    db_->query(
        "UPDATE work_orders SET scheduled_date = $1, window_start = $2, window_end = $3, "
        "status = $4, overdue_at = NULL, updated_at = $5, "
        "route_id = CASE WHEN $6 THEN NULL ELSE route_id END, "
        "route_date = CASE WHEN $6 THEN NULL ELSE route_date END, "
        "stop_seq = CASE WHEN $6 THEN NULL ELSE stop_seq END "
        "WHERE id = $7",
        pg::Params()
            .text(u.scheduled_date)
            .optional_text(u.window_start)
            .optional_text(u.window_end)
            .text(u.status)
            .text(at)
            .boolean(u.leave_route)
            .text(id));
}

}  // namespace fieldgate::store
