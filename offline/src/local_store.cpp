#include "local_store.h"

#include "sqlite.h"

namespace fieldgate::offline {

bool is_storage_failure(const std::exception& e) {
    return dynamic_cast<const sqlite::Error*>(&e) != nullptr;
}

LocalStore::Transaction::Transaction(LocalStore& store) : db_(*store.db_) {
    db_.exec("BEGIN IMMEDIATE");
}

LocalStore::Transaction::~Transaction() {
    if (!done_) {
        try {
            db_.exec("ROLLBACK");
        } catch (...) {
        }
    }
}

void LocalStore::Transaction::commit() {
    db_.exec("COMMIT");
    done_ = true;
}

LocalStore::LocalStore(const std::string& path)
    : db_(std::make_unique<sqlite::Connection>(path, sqlite::OpenOptions{false, "FULL", 5000})) {
    migrate();
}

LocalStore::~LocalStore() = default;

// The tablet schema is versioned with PRAGMA user_version.
void LocalStore::migrate() {
    int version = 0;
    {
        auto q = db_->prepare("PRAGMA user_version");
        if (q->step()) version = static_cast<int>(q->integer(0));
    }
    if (version >= 1) return;
    Transaction tx(*this);
    db_->exec(R"sql(
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- The crew's work orders as the gateway showed them last (view = the gateway's JSON).
CREATE TABLE IF NOT EXISTS assignments (
  work_order_id  TEXT PRIMARY KEY,
  scheduled_date TEXT NOT NULL,
  status         TEXT NOT NULL,
  view           TEXT NOT NULL,
  updated_at     TEXT NOT NULL
);
-- Crew actions in the device's sequence; AUTOINCREMENT so a sequence number is never reused.
CREATE TABLE IF NOT EXISTS outbox (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  action_id     TEXT NOT NULL UNIQUE,
  work_order_id TEXT NOT NULL,
  type          TEXT NOT NULL,
  body          TEXT NOT NULL,
  state         TEXT NOT NULL DEFAULT 'pending',
  verdict       TEXT,
  result        TEXT,
  recorded_at   TEXT NOT NULL,
  settled_at    TEXT
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (seq) WHERE state = 'pending';
-- Photos by content hash; uploaded = bytes the gateway has confirmed.
CREATE TABLE IF NOT EXISTS photos (
  sha256     TEXT PRIMARY KEY,
  path       TEXT NOT NULL,
  size       INTEGER NOT NULL,
  uploaded   INTEGER NOT NULL DEFAULT 0,
  state      TEXT NOT NULL DEFAULT 'pending',
  action_seq INTEGER NOT NULL
);
PRAGMA user_version = 1;
)sql");
    tx.commit();
}

std::optional<std::string> LocalStore::setting(const std::string& key) {
    auto q = db_->prepare("SELECT value FROM settings WHERE key = ?");
    q->bind(1, key);
    if (!q->step()) return std::nullopt;
    return q->text(0);
}

void LocalStore::put_setting(const std::string& key, const std::string& value) {
    db_->prepare(
           "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
           "value = excluded.value")
        ->bind(1, key)
        .bind(2, value)
        .run();
}

std::vector<std::string> LocalStore::assignment_views() {
    std::vector<std::string> out;
    auto q = db_->prepare("SELECT view FROM assignments ORDER BY scheduled_date, work_order_id");
    while (q->step()) out.push_back(q->text(0));
    return out;
}

std::optional<std::string> LocalStore::assignment_view(const std::string& work_order_id) {
    auto q = db_->prepare("SELECT view FROM assignments WHERE work_order_id = ?");
    q->bind(1, work_order_id);
    if (!q->step()) return std::nullopt;
    return q->text(0);
}

void LocalStore::upsert_assignment(const nlohmann::json& view, const std::string& now) {
    db_->prepare(
           "INSERT INTO assignments (work_order_id, scheduled_date, status, view, updated_at) "
           "VALUES (?,?,?,?,?) ON CONFLICT (work_order_id) DO UPDATE SET scheduled_date = "
           "excluded.scheduled_date, status = excluded.status, view = excluded.view, updated_at = "
           "excluded.updated_at")
        ->bind(1, view.value("id", ""))
        .bind(2, view.value("scheduled_date", ""))
        .bind(3, view.value("status", ""))
        .bind(4, view.dump())
        .bind(5, now)
        .run();
}

void LocalStore::remove_assignment(const std::string& work_order_id) {
    db_->prepare("DELETE FROM assignments WHERE work_order_id = ?")->bind(1, work_order_id).run();
}

std::int64_t LocalStore::next_seq() {
    auto q = db_->prepare("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'");
    return q->step() ? q->integer(0) + 1 : 1;
}

void LocalStore::add_action(const NewAction& action) {
    db_->prepare(
           "INSERT INTO outbox (seq, action_id, work_order_id, type, body, recorded_at) VALUES "
           "(?,?,?,?,?,?)")
        ->bind(1, action.seq)
        .bind(2, action.action_id)
        .bind(3, action.work_order_id)
        .bind(4, action.type)
        .bind(5, action.body)
        .bind(6, action.recorded_at)
        .run();
}

void LocalStore::add_photo(const NewPhoto& photo, std::int64_t action_seq) {
    db_->prepare(
           "INSERT INTO photos (sha256, path, size, action_seq) VALUES (?,?,?,?) ON CONFLICT "
           "(sha256) DO NOTHING")
        ->bind(1, photo.sha256)
        .bind(2, photo.path)
        .bind(3, photo.size)
        .bind(4, action_seq)
        .run();
}

std::vector<PendingAction> LocalStore::pending_actions(std::size_t limit) {
    std::vector<PendingAction> out;
    auto q =
        db_->prepare("SELECT seq, body FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT ?");
    q->bind(1, static_cast<std::int64_t>(limit));
    while (q->step()) out.push_back({q->integer(0), q->text(1)});
    return out;
}

bool LocalStore::settle_action(const std::string& action_id, const std::string& verdict,
                               const std::string& result_json, const std::string& settled_at) {
    db_->prepare(
           "UPDATE outbox SET state = 'settled', verdict = ?, result = ?, settled_at = "
           "? WHERE action_id = ? AND state = 'pending'")
        ->bind(1, verdict)
        .bind(2, result_json)
        .bind(3, settled_at)
        .bind(4, action_id)
        .run();
    return db_->changes() != 0;
}

std::vector<OutboxEntry> LocalStore::outbox_entries(bool pending_only) {
    std::vector<OutboxEntry> out;
    auto q = db_->prepare(
        pending_only ? "SELECT seq, action_id, work_order_id, type, state, IFNULL(verdict, ''), "
                       "IFNULL(result, '') FROM outbox WHERE state = 'pending' ORDER BY seq"
                     : "SELECT seq, action_id, work_order_id, type, state, IFNULL(verdict, ''), "
                       "IFNULL(result, '') FROM outbox ORDER BY seq");
    while (q->step())
        out.push_back({q->integer(0), q->text(1), q->text(2), q->text(3), q->text(4), q->text(5),
                       q->text(6)});
    return out;
}

std::vector<PendingPhoto> LocalStore::pending_photos() {
    std::vector<PendingPhoto> out;
    auto q = db_->prepare("SELECT sha256, path, size FROM photos WHERE state = 'pending'");
    while (q->step()) out.push_back({q->text(0), q->text(1), q->integer(2)});
    return out;
}

void LocalStore::record_photo_progress(const std::string& sha256, std::int64_t uploaded) {
    db_->prepare("UPDATE photos SET uploaded = ? WHERE sha256 = ?")
        ->bind(1, uploaded)
        .bind(2, sha256)
        .run();
}

void LocalStore::mark_photo_complete(const std::string& sha256) {
    db_->prepare("UPDATE photos SET state = 'complete', uploaded = size WHERE sha256 = ?")
        ->bind(1, sha256)
        .run();
}

void LocalStore::mark_photo_missing(const std::string& sha256) {
    db_->prepare("UPDATE photos SET state = 'missing' WHERE sha256 = ?")->bind(1, sha256).run();
}

void LocalStore::mark_photo_corrupt(const std::string& sha256) {
    db_->prepare("UPDATE photos SET state = 'corrupt' WHERE sha256 = ?")->bind(1, sha256).run();
}

std::size_t LocalStore::count(const char* sql) {
    auto q = db_->prepare(sql);
    return q->step() ? static_cast<std::size_t>(q->integer(0)) : std::size_t{0};
}

std::size_t LocalStore::assignment_count() {
    return count("SELECT COUNT(*) FROM assignments");
}

std::size_t LocalStore::pending_action_count() {
    return count("SELECT COUNT(*) FROM outbox WHERE state = 'pending'");
}

std::size_t LocalStore::settled_action_count() {
    return count("SELECT COUNT(*) FROM outbox WHERE state = 'settled'");
}

std::size_t LocalStore::pending_photo_count() {
    return count("SELECT COUNT(*) FROM photos WHERE state = 'pending'");
}

}  // namespace fieldgate::offline
