// Schema migrations, applied in order at start inside one transaction each.
#pragma once

namespace fieldgate::sqlite {
class Connection;
}

namespace fieldgate::store {

// Brings the database to the newest schema; returns the version it is at afterwards.
int migrate(sqlite::Connection& db);

// Migration 10 (migrations_console.cpp): the staff console's sessions and audit log.
extern const char* const kConsoleMigration;

}  // namespace fieldgate::store
