#include "migrations.h"

#include <iterator>
#include <string>

#include "schema_version.h"
#include "sqlite.h"

namespace fieldgate::store {

namespace {

// Append only: a migration that has shipped is never edited. Nothing may depend on how many
// there are (tests ask for the tables, not the version number).
const char* const kMigrations[] = {
    // 1: work orders, outcomes, raw payloads, quarantine, idempotency keys, outbox.
    R"sql(
CREATE TABLE work_orders (
  id             TEXT PRIMARY KEY,
  crm_case_id    TEXT NOT NULL UNIQUE,
  service_type   TEXT NOT NULL,
  address        TEXT NOT NULL,
  lat            REAL,
  lon            REAL,
  scheduled_date TEXT NOT NULL,
  window_start   TEXT,
  window_end     TEXT,
  items          TEXT NOT NULL,
  instructions   TEXT NOT NULL,
  customer       TEXT NOT NULL,
  vendor         TEXT,
  route_id       TEXT,
  route_date     TEXT,
  stop_seq       TEXT,
  status         TEXT NOT NULL,
  outcome_id     INTEGER,
  content_hash   TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
);
CREATE INDEX work_orders_route ON work_orders (vendor, route_id, route_date);

CREATE TABLE work_order_history (
  id            INTEGER PRIMARY KEY,
  work_order_id TEXT NOT NULL REFERENCES work_orders (id),
  at            TEXT NOT NULL,
  from_status   TEXT,
  to_status     TEXT NOT NULL,
  source        TEXT NOT NULL,
  outcome_id    INTEGER,
  note          TEXT
);
CREATE INDEX work_order_history_order ON work_order_history (work_order_id, id);

CREATE TABLE raw_payloads (
  id           INTEGER PRIMARY KEY,
  vendor       TEXT,
  channel      TEXT NOT NULL,
  received_at  TEXT NOT NULL,
  content_type TEXT,
  request_id   TEXT,
  headers      TEXT NOT NULL,
  body         BLOB NOT NULL,
  body_sha256  TEXT NOT NULL,
  truncated    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE outcomes (
  id                INTEGER PRIMARY KEY,
  work_order_id     TEXT NOT NULL REFERENCES work_orders (id),
  vendor            TEXT NOT NULL,
  source            TEXT NOT NULL,
  vendor_ref        TEXT NOT NULL,
  content_hash      TEXT NOT NULL,
  disposition       TEXT NOT NULL,
  outcome           TEXT,
  progress          TEXT,
  reason            TEXT,
  vendor_status     TEXT,
  vendor_reason     TEXT,
  detail            TEXT,
  occurred_at       TEXT,
  received_at       TEXT NOT NULL,
  truck             TEXT,
  crew              TEXT,
  driver            TEXT,
  lat               REAL,
  lon               REAL,
  gps_accuracy_m    REAL,
  photos            TEXT NOT NULL,
  items_collected   INTEGER,
  route_level       INTEGER NOT NULL DEFAULT 0,
  mapping_version   TEXT NOT NULL,
  catalog_version   TEXT NOT NULL,
  raw_payload_id    INTEGER REFERENCES raw_payloads (id),
  record_pointer    TEXT,
  evidence          TEXT NOT NULL,
  evidence_complete INTEGER NOT NULL
);
CREATE UNIQUE INDEX outcomes_idempotency ON outcomes (vendor, vendor_ref, work_order_id, content_hash);
CREATE INDEX outcomes_order ON outcomes (work_order_id, id);

CREATE TABLE quarantine (
  id             INTEGER PRIMARY KEY,
  vendor         TEXT,
  channel        TEXT NOT NULL,
  raw_payload_id INTEGER NOT NULL REFERENCES raw_payloads (id),
  body_sha256    TEXT NOT NULL,
  record_pointer TEXT,
  received_at    TEXT NOT NULL,
  last_seen_at   TEXT NOT NULL,
  attempts       INTEGER NOT NULL DEFAULT 1,
  http_status    INTEGER NOT NULL,
  problem_type   TEXT NOT NULL,
  problem        TEXT NOT NULL,
  state          TEXT NOT NULL DEFAULT 'open'
);
CREATE UNIQUE INDEX quarantine_entry ON quarantine (IFNULL(vendor, ''), body_sha256, IFNULL(record_pointer, ''), problem_type);
CREATE INDEX quarantine_vendor ON quarantine (vendor, state, received_at);

CREATE TABLE idempotency_keys (
  vendor         TEXT NOT NULL,
  key            TEXT NOT NULL,
  request_sha256 TEXT NOT NULL,
  status         INTEGER NOT NULL,
  content_type   TEXT NOT NULL,
  body           TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  PRIMARY KEY (vendor, key)
);

-- Outbox rows are never deleted, so the rowid alone only grows: no AUTOINCREMENT, which
-- would update sqlite_sequence on every insert. The event id (webhook-id) is evt_<id>.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  work_order_id   TEXT NOT NULL,
  event_type      TEXT NOT NULL,
  status          TEXT NOT NULL,
  outcome_id      INTEGER,
  extra           TEXT,
  created_at      TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending',
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  last_error      TEXT,
  delivered_at    TEXT
);
CREATE INDEX outbox_pending ON outbox (state, work_order_id, id);
)sql",
    // 2: delivery to the CRM and to vendors, the vendors' dispatch feed, the watchdog.
    R"sql(
-- An outbox row goes to one destination: 'crm' or 'vendor:<id>' (dispatch pushed to a vendor).
-- Rows of one work order and destination are delivered strictly in id order: the delivery
-- worker walks the pending rows in id order (outbox_due), so the first it meets of an order is
-- that order's head.
ALTER TABLE outbox ADD COLUMN destination TEXT NOT NULL DEFAULT 'crm';
ALTER TABLE outbox ADD COLUMN last_status INTEGER;
-- Why next_attempt_at is set: 'event' (this event failed) or 'endpoint' (the endpoint was
-- down or throttling); endpoint deferrals are released at once when the endpoint recovers.
ALTER TABLE outbox ADD COLUMN deferred_by TEXT;
ALTER TABLE outbox ADD COLUMN dead_at TEXT;
DROP INDEX outbox_pending;
CREATE INDEX outbox_due ON outbox (id) WHERE state = 'pending';
CREATE INDEX outbox_dead ON outbox (destination, id) WHERE state = 'dead';

-- Delivery endpoints: a 410 disables one until staff enable it again.
CREATE TABLE delivery_endpoints (
  name            TEXT PRIMARY KEY,
  state           TEXT NOT NULL DEFAULT 'active',
  disabled_at     TEXT,
  disabled_reason TEXT,
  updated_at      TEXT NOT NULL
);

-- What each vendor pulls with a cursor (seq): orders assigned to it, cancelled, rescheduled,
-- taken away.
CREATE TABLE vendor_feed (
  seq           INTEGER PRIMARY KEY,
  vendor        TEXT NOT NULL,
  work_order_id TEXT NOT NULL,
  change        TEXT NOT NULL,
  created_at    TEXT NOT NULL
);
CREATE INDEX vendor_feed_vendor ON vendor_feed (vendor, seq);

ALTER TABLE work_orders ADD COLUMN postal_code TEXT;
-- Set by the watchdog when the scheduled window ended with no outcome.
ALTER TABLE work_orders ADD COLUMN overdue_at TEXT;
-- The watchdog scans recent dates only; written at insert, never on the result path.
CREATE INDEX work_orders_scheduled ON work_orders (scheduled_date);
)sql",
    // 3: crew tablets (offline sync): devices, the actions they pushed, photos uploaded in chunks.
    R"sql(
-- A tablet issued by staff to a crew. The enrollment token and the device secret are kept as
-- SHA-256 digests only; the token stays valid until the device first authenticates with its
-- secret, so an enrollment whose answer was lost can be repeated.
CREATE TABLE crew_devices (
  id                 TEXT PRIMARY KEY,
  crew               TEXT NOT NULL,
  name               TEXT NOT NULL,
  token_sha256       TEXT,
  secret_sha256      TEXT,
  created_at         TEXT NOT NULL,
  enrolled_at        TEXT,
  last_seen_at       TEXT,
  app_version        TEXT,
  state              TEXT NOT NULL DEFAULT 'active'
);

-- Every action a device pushed, once: (device, client action id) is the idempotency key, and
-- the verdict answered the first time is answered again to every repeat.
CREATE TABLE crew_actions (
  device_id      TEXT NOT NULL,
  action_id      TEXT NOT NULL,
  device_seq     INTEGER NOT NULL,
  work_order_id  TEXT,
  type           TEXT NOT NULL,
  request_sha256 TEXT NOT NULL,
  body           TEXT NOT NULL,
  device_time    TEXT,
  occurred_at    TEXT,
  clock_skew_ms  INTEGER,
  time_flag      TEXT,
  verdict        TEXT NOT NULL,
  result         TEXT NOT NULL,
  received_at    TEXT NOT NULL,
  PRIMARY KEY (device_id, action_id)
) WITHOUT ROWID;
CREATE INDEX crew_actions_order ON crew_actions (work_order_id);

-- Photos by content hash; chunks are committed one by one, so an upload resumes at `received`.
CREATE TABLE crew_photos (
  sha256       TEXT PRIMARY KEY,
  device_id    TEXT NOT NULL,
  size         INTEGER NOT NULL,
  received     INTEGER NOT NULL DEFAULT 0,
  state        TEXT NOT NULL DEFAULT 'uploading',
  created_at   TEXT NOT NULL,
  completed_at TEXT
) WITHOUT ROWID;
CREATE TABLE crew_photo_chunks (
  sha256 TEXT NOT NULL,
  offset INTEGER NOT NULL,
  bytes  BLOB NOT NULL,
  PRIMARY KEY (sha256, offset)
) WITHOUT ROWID;
)sql",
    // 4: trucks over MQTT (gateway/mqtt/): each truck's latest state, its position history
    // (pruned after the configured days) and the route the vendor assigned it.
    R"sql(
CREATE TABLE trucks (
  truck_id      TEXT PRIMARY KEY,
  vendor        TEXT NOT NULL,
  state         TEXT NOT NULL DEFAULT 'unknown',
  state_at      TEXT,
  last_seen_at  TEXT,
  fix_time      TEXT,
  lat           REAL,
  lon           REAL,
  speed_kmh     REAL,
  heading       REAL,
  route_id      TEXT,
  route_date    TEXT,
  updated_at    TEXT NOT NULL
);
CREATE INDEX trucks_vendor ON trucks (vendor, truck_id);
CREATE TABLE truck_positions (
  id          INTEGER PRIMARY KEY,
  truck_id    TEXT NOT NULL,
  fix_time    TEXT NOT NULL,
  lat         REAL NOT NULL,
  lon         REAL NOT NULL,
  speed_kmh   REAL,
  heading     REAL
);
CREATE INDEX truck_positions_track ON truck_positions (truck_id, fix_time);
)sql",
    // 5: where each polled vendor's poller stopped, committed with the page it stored
    // (gateway/poll).
    R"sql(
CREATE TABLE poll_state (
  vendor        TEXT PRIMARY KEY,
  window_since  TEXT NOT NULL DEFAULT '',
  window_until  TEXT NOT NULL DEFAULT '',
  next_page     TEXT NOT NULL DEFAULT '',
  cursor        TEXT NOT NULL DEFAULT '',
  pages         INTEGER NOT NULL DEFAULT 0,
  records       INTEGER NOT NULL DEFAULT 0,
  updated_at    TEXT NOT NULL
);
)sql",
    // 6: staff tools: quarantine replay and discard, dead-letter discard, vendor health.
    R"sql(
-- A replay re-runs the stored payload through the current mapping; the entry keeps the
-- verdict it got. Entries are never deleted: a discard keeps the row and says why.
ALTER TABLE quarantine ADD COLUMN replayed_at TEXT;
ALTER TABLE quarantine ADD COLUMN replay_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE quarantine ADD COLUMN replay_verdict TEXT;
ALTER TABLE quarantine ADD COLUMN replay_detail TEXT;
ALTER TABLE quarantine ADD COLUMN discarded_at TEXT;
ALTER TABLE quarantine ADD COLUMN discard_reason TEXT;
CREATE INDEX quarantine_received ON quarantine (received_at, id);
ALTER TABLE outbox ADD COLUMN discarded_at TEXT;
ALTER TABLE outbox ADD COLUMN discard_reason TEXT;
-- Vendor health (last seen, counts per period): one more index entry per outcome, appended
-- at the right edge of each vendor's range.
CREATE INDEX outcomes_vendor_received ON outcomes (vendor, received_at);
-- Overdue open orders per vendor: partial, so only the few overdue open orders are in it.
CREATE INDEX work_orders_overdue ON work_orders (vendor)
  WHERE overdue_at IS NOT NULL
    AND status NOT IN ('completed','partially_completed','not_collected','cancelled');
)sql",
    // 7: an event's own failures, apart from those the endpoint's outages caused: its backoff
    // schedule counts these only, so an event that waited out an outage is not made to wait
    // hours for a single failure of its own once the endpoint is back.
    R"sql(
ALTER TABLE outbox ADD COLUMN event_failures INTEGER NOT NULL DEFAULT 0;
)sql",
    // 8: a photo upload belongs to the crew whose device started it. Keyed by the hash alone, a
    // device of another crew that knew the hash could reset an upload in progress (or learn that
    // a photo exists); now each crew has its own upload of a hash and sees no other crew's.
    // The chunks stay where they are, no photo byte is copied: `chunks` is the key of the
    // upload's rows in crew_photo_chunks (its `sha256` column), the hash itself for the first
    // crew to upload those bytes (so every upload made before this) and `<crew>:<hash>` for
    // any other crew's upload of the same bytes. An upload whose device is gone gets crew ''
    // (no crew can have that id): nobody resumes it, staff still read it if it is complete.
    R"sql(
CREATE TABLE crew_photos_v8 (
  crew         TEXT NOT NULL,
  sha256       TEXT NOT NULL,
  chunks       TEXT NOT NULL UNIQUE,
  device_id    TEXT NOT NULL,
  size         INTEGER NOT NULL,
  received     INTEGER NOT NULL DEFAULT 0,
  state        TEXT NOT NULL DEFAULT 'uploading',
  created_at   TEXT NOT NULL,
  completed_at TEXT,
  PRIMARY KEY (crew, sha256)
) WITHOUT ROWID;
INSERT INTO crew_photos_v8
  (crew, sha256, chunks, device_id, size, received, state, created_at, completed_at)
  SELECT IFNULL((SELECT d.crew FROM crew_devices d WHERE d.id = p.device_id), ''), p.sha256,
         p.sha256, p.device_id, p.size, p.received, p.state, p.created_at, p.completed_at
  FROM crew_photos p;
DROP TABLE crew_photos;
ALTER TABLE crew_photos_v8 RENAME TO crew_photos;
-- Staff read a photo by its hash alone.
CREATE INDEX crew_photos_sha256 ON crew_photos (sha256);
)sql",
    // 9: a polled vendor's failures, shown in its health: the last error (never a secret), how
    // many requests in a row failed and since when, cleared by the next page stored; and when
    // the next request may leave, so a restart keeps to the vendor's interval and Retry-After.
    R"sql(
ALTER TABLE poll_state ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE poll_state ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE poll_state ADD COLUMN failing_since TEXT NOT NULL DEFAULT '';
ALTER TABLE poll_state ADD COLUMN last_success_at TEXT NOT NULL DEFAULT '';
ALTER TABLE poll_state ADD COLUMN next_request_at TEXT NOT NULL DEFAULT '';
)sql",
    // 10: the staff console (migrations_console.cpp).
    kConsoleMigration,
};

}  // namespace

int migrate(sqlite::Connection& db) {
    db.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at "
        "TEXT NOT NULL)");
    int current = 0;
    {
        auto q = db.prepare("SELECT IFNULL(MAX(version), 0) FROM schema_migrations");
        if (q->step()) current = static_cast<int>(q->integer(0));
    }
    refuse_newer_schema("the SQLite file", current, static_cast<int>(std::size(kMigrations)));
    for (int version = current + 1; version <= static_cast<int>(std::size(kMigrations));
         ++version) {
        db.exec("BEGIN IMMEDIATE");
        try {
            db.exec(kMigrations[static_cast<std::size_t>(version - 1)]);
            db.prepare(
                  "INSERT INTO schema_migrations (version, applied_at) "
                  "VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))")
                ->bind(1, version)
                .run();
            db.exec("COMMIT");
        } catch (...) {
            db.exec("ROLLBACK");
            throw;
        }
        current = version;
    }
    return current;
}

}  // namespace fieldgate::store
