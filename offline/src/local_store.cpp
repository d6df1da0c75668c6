#include "local_store.h"

namespace fieldgate::offline {

void migrate_tablet(sqlite::Connection& db) {
    int version = 0;
    {
        auto q = db.prepare("PRAGMA user_version");
        if (q->step()) version = static_cast<int>(q->integer(0));
    }
    if (version >= 1) return;
    LocalTransaction tx(db);
    db.exec(R"sql(
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

std::optional<std::string> get_setting(sqlite::Connection& db, const std::string& key) {
    auto q = db.prepare("SELECT value FROM settings WHERE key = ?");
    q->bind(1, key);
    if (!q->step()) return std::nullopt;
    return q->text(0);
}

void put_setting(sqlite::Connection& db, const std::string& key, const std::string& value) {
    db.prepare(
          "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
          "value = excluded.value")
        ->bind(1, key)
        .bind(2, value)
        .run();
}

LocalTransaction::LocalTransaction(sqlite::Connection& db) : db_(db) {
    db_.exec("BEGIN IMMEDIATE");
}

LocalTransaction::~LocalTransaction() {
    if (!done_) {
        try {
            db_.exec("ROLLBACK");
        } catch (...) {
        }
    }
}

void LocalTransaction::commit() {
    db_.exec("COMMIT");
    done_ = true;
}

}  // namespace fieldgate::offline
