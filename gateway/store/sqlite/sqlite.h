// A thin RAII layer over the SQLite C API: connections, cached prepared statements, and
// errors as exceptions carrying the SQLite result code (callers decide what is retryable).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace fieldgate::sqlite {

class Error : public std::runtime_error {
  public:
    Error(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
    int code() const { return code_; }
    bool disk_full() const;  // SQLITE_FULL or an I/O error: the store cannot take writes now
  private:
    int code_;
};

class Statement {
  public:
    Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Bind by 1-based index. Strings are copied by SQLite.
    Statement& bind(int index, std::string_view value);
    Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
    Statement& bind(int index, const std::string& value) {
        return bind(index, std::string_view(value));
    }
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, double value);
    Statement& bind_null(int index);
    // No copy: `bytes` must stay alive until the statement is stepped and reset.
    Statement& bind_blob_static(int index, std::string_view bytes);
    template <typename T>
    Statement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bind_null(index);
    }

    bool step();  // true while a row is available
    int columns() const;
    void run();    // step to completion, expecting no rows
    void reset();  // ready to bind and run again

    enum class Type { integer, real, text, blob, null };
    // The column's storage class in this row: SQLite keeps it per value, not per column.
    Type type(int column) const;
    bool is_null(int column) const;
    std::string text(int column) const;
    std::optional<std::string> optional_text(int column) const;
    std::int64_t integer(int column) const;
    std::optional<std::int64_t> optional_integer(int column) const;
    double real(int column) const;
    std::optional<double> optional_real(int column) const;

  private:
    friend class Connection;
    sqlite3* db_;
    sqlite3_stmt* stmt_;
};

// A cached statement on loan: reset when the loan ends, so no statement keeps a read
// transaction open between uses.
class StatementRef {
  public:
    explicit StatementRef(Statement& s) : s_(&s) {}
    StatementRef(const StatementRef&) = delete;
    StatementRef& operator=(const StatementRef&) = delete;
    ~StatementRef() { s_->reset(); }
    Statement* operator->() const { return s_; }
    Statement& operator*() const { return *s_; }

  private:
    Statement* s_;
};

struct OpenOptions {
    bool read_only = false;
    std::string synchronous = "FULL";  // FULL | NORMAL | OFF
    int busy_timeout_ms = 5000;
};

class Connection {
  public:
    Connection(const std::string& path, const OpenOptions& options);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void exec(const std::string& sql);
    // A prepared statement owned by the connection, ready to bind; reset when the loan ends.
    StatementRef prepare(const std::string& sql);
    std::int64_t last_insert_rowid() const;
    int changes() const;
    sqlite3* handle() const { return db_; }

  private:
    sqlite3* db_ = nullptr;
    std::unordered_map<std::string, std::unique_ptr<Statement>> statements_;
};

// Runs `sql` on `db` and throws Error when it fails (shared by Statement and Connection).
[[noreturn]] void throw_error(sqlite3* db, int code, std::string_view context);

}  // namespace fieldgate::sqlite
