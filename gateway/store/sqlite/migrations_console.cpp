// SQLite migration 10, apart from migrations.cpp to keep that file short.
#include "migrations.h"

namespace fieldgate::store {

// The staff console. Sessions in the store, so every gateway on one database knows a
// session whichever one opened it (the id is kept only as its SHA-256); and the audit log
// of every change staff make, with the account that made it.
const char* const kConsoleMigration = R"sql(
CREATE TABLE console_sessions (
  id_hash    TEXT PRIMARY KEY,
  account    TEXT NOT NULL,
  role       TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE audit_log (
  id      INTEGER PRIMARY KEY,
  at      TEXT NOT NULL,
  account TEXT NOT NULL,
  role    TEXT NOT NULL,
  action  TEXT NOT NULL,
  target  TEXT NOT NULL,
  status  INTEGER NOT NULL,
  detail  TEXT NOT NULL DEFAULT ''
);
)sql";

}  // namespace fieldgate::store
