// The PostgreSQL schema's migrations, applied in order at start in one transaction under an
// advisory lock: several gateways starting at once on one database migrate it once.
#pragma once

namespace fieldgate::pg {
class Connection;
}

namespace fieldgate::store {

// Brings the database to the newest schema; returns the version it is at afterwards.
int migrate(pg::Connection& db);

// The SQLite schema version whose tables and columns the newest PostgreSQL schema holds (SQLite 9
// was PostgreSQL 1; SQLite 10 added the console's tables as PostgreSQL 3): what `store copy`
// checks a SQLite file against before it moves the rows.
constexpr int kSqliteVersionOfPgSchema = 10;

}  // namespace fieldgate::store
