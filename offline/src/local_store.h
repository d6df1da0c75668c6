// The tablet's own SQLite file: settings, assignments, the outbox of crew actions, photos.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sqlite.h"

namespace fieldgate::offline {

// Creates the tables when missing (the tablet schema is versioned with PRAGMA user_version).
void migrate_tablet(sqlite::Connection& db);

std::optional<std::string> get_setting(sqlite::Connection& db, const std::string& key);
void put_setting(sqlite::Connection& db, const std::string& key, const std::string& value);

// BEGIN IMMEDIATE ... COMMIT, rolled back when the scope is left by an exception.
class LocalTransaction {
  public:
    explicit LocalTransaction(sqlite::Connection& db);
    ~LocalTransaction();
    void commit();

  private:
    sqlite::Connection& db_;
    bool done_ = false;
};

}  // namespace fieldgate::offline
