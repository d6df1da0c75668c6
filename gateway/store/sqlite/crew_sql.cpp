#include "crew_sql.h"

namespace fieldgate::sync {

std::string crew_target(const std::string& crew) {
    return "crew:" + crew;
}

std::optional<DeviceRow> find_device(sqlite::Connection& db, const std::string& id) {
    auto q = db.prepare(
        "SELECT id, crew, name, token_sha256, secret_sha256, created_at, enrolled_at, "
        "last_seen_at, app_version, state FROM crew_devices WHERE id = ?");
    q->bind(1, id);
    if (!q->step()) return std::nullopt;
    DeviceRow d;
    d.id = q->text(0);
    d.crew = q->text(1);
    d.name = q->text(2);
    d.token_sha256 = q->optional_text(3);
    d.secret_sha256 = q->optional_text(4);
    d.created_at = q->text(5);
    d.enrolled_at = q->optional_text(6);
    d.last_seen_at = q->optional_text(7);
    d.app_version = q->optional_text(8);
    d.state = q->text(9);
    return d;
}

bool insert_device(sqlite::Connection& db, const DeviceRow& row) {
    auto q = db.prepare(
        "INSERT INTO crew_devices (id, crew, name, token_sha256, created_at) VALUES (?,?,?,?,?) "
        "ON CONFLICT (id) DO NOTHING");
    q->bind(1, row.id).bind(2, row.crew).bind(3, row.name).bind(4, row.token_sha256);
    q->bind(5, row.created_at).run();
    return db.changes() == 1;
}

void set_device_secret(sqlite::Connection& db, const std::string& id,
                       const std::string& secret_sha256, const std::string& app_version,
                       const std::string& at) {
    db.prepare(
          "UPDATE crew_devices SET secret_sha256 = ?, app_version = ?, enrolled_at = ?, "
          "last_seen_at = ? WHERE id = ?")
        ->bind(1, secret_sha256)
        .bind(2, app_version)
        .bind(3, at)
        .bind(4, at)
        .bind(5, id)
        .run();
}

void spend_enrollment_token(sqlite::Connection& db, const std::string& id, const std::string& at) {
    db.prepare("UPDATE crew_devices SET token_sha256 = NULL, last_seen_at = ? WHERE id = ?")
        ->bind(1, at)
        .bind(2, id)
        .run();
}

void touch_device(sqlite::Connection& db, const std::string& id, const std::string& at) {
    db.prepare("UPDATE crew_devices SET last_seen_at = ? WHERE id = ?")
        ->bind(1, at)
        .bind(2, id)
        .run();
}

std::optional<CrewActionRow> find_crew_action(sqlite::Connection& db, const std::string& device_id,
                                              const std::string& action_id) {
    auto q = db.prepare(
        "SELECT device_seq, work_order_id, type, request_sha256, device_time, occurred_at, "
        "clock_skew_ms, time_flag, verdict, result, received_at FROM crew_actions "
        "WHERE device_id = ? AND action_id = ?");
    q->bind(1, device_id).bind(2, action_id);
    if (!q->step()) return std::nullopt;
    CrewActionRow r;
    r.device_id = device_id;
    r.action_id = action_id;
    r.device_seq = q->integer(0);
    r.work_order_id = q->optional_text(1);
    r.type = q->text(2);
    r.request_sha256 = q->text(3);
    r.device_time = q->optional_text(4);
    r.occurred_at = q->optional_text(5);
    r.clock_skew_ms = q->optional_integer(6);
    r.time_flag = q->optional_text(7);
    r.verdict = q->text(8);
    r.result_json = q->text(9);
    r.received_at = q->text(10);
    return r;
}

void insert_crew_action(sqlite::Connection& db, const CrewActionRow& r) {
    auto q = db.prepare(
        "INSERT INTO crew_actions (device_id, action_id, device_seq, work_order_id, type, "
        "request_sha256, device_time, occurred_at, clock_skew_ms, time_flag, verdict, result, "
        "received_at, body) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    q->bind(1, r.device_id).bind(2, r.action_id).bind(3, r.device_seq).bind(4, r.work_order_id);
    q->bind(5, r.type).bind(6, r.request_sha256).bind(7, r.device_time).bind(8, r.occurred_at);
    q->bind(9, r.clock_skew_ms).bind(10, r.time_flag).bind(11, r.verdict).bind(12, r.result_json);
    q->bind(13, r.received_at).bind(14, r.body).run();
}

}  // namespace fieldgate::sync

namespace fieldgate::sync {

std::vector<std::pair<DeviceRow, std::int64_t>> list_devices(sqlite::Connection& db) {
    std::vector<std::string> ids;
    {
        auto q = db.prepare("SELECT id FROM crew_devices ORDER BY created_at, id");
        while (q->step()) ids.push_back(q->text(0));
    }
    std::vector<std::pair<DeviceRow, std::int64_t>> out;
    for (const auto& id : ids) {
        auto device = find_device(db, id);
        if (!device) continue;
        auto q = db.prepare("SELECT COUNT(*) FROM crew_actions WHERE device_id = ?");
        q->bind(1, id);
        out.emplace_back(std::move(*device), q->step() ? q->integer(0) : 0);
    }
    return out;
}

std::vector<std::string> crew_order_ids(sqlite::Connection& db, const std::string& target,
                                        const std::string& from, const std::string& to) {
    auto q = db.prepare(
        "SELECT id FROM work_orders WHERE vendor = ? AND scheduled_date BETWEEN ? AND ? "
        "ORDER BY scheduled_date, id");
    q->bind(1, target).bind(2, from).bind(3, to);
    std::vector<std::string> ids;
    while (q->step()) ids.push_back(q->text(0));
    return ids;
}

std::int64_t crew_feed_head(sqlite::Connection& db, const std::string& target) {
    auto q = db.prepare("SELECT IFNULL(MAX(seq), 0) FROM vendor_feed WHERE vendor = ?");
    q->bind(1, target);
    return q->step() ? q->integer(0) : 0;
}

}  // namespace fieldgate::sync
