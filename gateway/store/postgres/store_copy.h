// `fieldgate store copy`: a SQLite store's rows moved into an empty PostgreSQL database, ids and
// bytes as they are, in one PostgreSQL transaction.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace fieldgate::sqlite {
class Connection;
}
namespace fieldgate::pg {
class Connection;
}

namespace fieldgate::store {

// The source or the target is not one a copy may go from or into; the message says what to do.
class CopyRefused : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct TableCopy {
    std::string table;
    std::int64_t rows = 0;
};

struct CopyReport {
    std::vector<TableCopy> tables;  // in the order they were copied
    std::int64_t total = 0;
};

// The highest migration applied to a SQLite store; 0 when it was never migrated.
int sqlite_schema_version(sqlite::Connection& db);

// Refuses (CopyRefused) a file at another schema version than kSqliteVersionOfPgSchema, saying
// what to do: checked before the target is reached, and again by the copy.
void check_copy_source(sqlite::Connection& from);

// Refuses (CopyRefused) a file at another version than kSqliteVersionOfPgSchema and a target
// holding rows in any table; otherwise migrates the target and copies every table in one
// transaction, which commits only when each table's row count matches the file's. Any failure
// rolls it back: the target then holds the schema and no rows.
CopyReport copy_sqlite_to_postgres(sqlite::Connection& from, pg::Connection& to);

// Why a copy did not happen, for the command to tell: which side, and whether rows were at stake.
class CopyFailed : public std::runtime_error {
  public:
    enum class Side { source, target_unreachable, target };
    CopyFailed(Side side, const std::string& what) : std::runtime_error(what), side_(side) {}
    Side side() const { return side_; }

  private:
    Side side_;
};

// The command's whole copy: opens the SQLite file read-only and checks it, connects to `url`
// (checked by pg::url_problem), and copies. Throws CopyRefused, or CopyFailed naming the side.
CopyReport copy_store(const std::string& sqlite_path, const std::string& url,
                      const std::string& password);

}  // namespace fieldgate::store
