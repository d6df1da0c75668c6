#include "sqlite.h"

#include <sqlite3.h>

#include <mutex>

#include "page_cache.h"
#include "wal_write_batching.h"

namespace fieldgate::sqlite {

namespace {

bool wal_write_batching = false;

// Before the first connection: SQLite's memory statistics take a process-wide mutex on every
// allocation, which the writer and the readers then contend on. Nothing here reads them. The
// page cache is SQLite's own with one page number renamed (page_cache.cpp).
void configure_library_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        install_page_cache();
        wal_write_batching = register_wal_write_batching();
    });
}

// A connection that writes and syncs its WAL at every commit hands the WAL its frames in one
// write per commit (wal_write_batching.cpp); the others use SQLite's default VFS.
const char* vfs_for(const OpenOptions& options) {
    const bool synced_at_commit = options.synchronous == "FULL" || options.synchronous == "EXTRA";
    const bool batched = wal_write_batching && !options.read_only && synced_at_commit;
    return batched ? kWalWriteBatchingVfs : nullptr;
}

}  // namespace

bool Error::disk_full() const {
    const int primary = code_ & 0xff;
    return primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN;
}

void throw_error(sqlite3* db, int code, std::string_view context) {
    std::string message(context);
    message += ": ";
    message += db ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    const int extended = db ? sqlite3_extended_errcode(db) : code;
    throw Error(extended, message);
}

namespace {
void check(sqlite3* db, int rc, std::string_view context) {
    if (rc != SQLITE_OK) throw_error(db, rc, context);
}
}  // namespace

Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::string_view value) {
    check(db_,
          sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                            SQLITE_TRANSIENT),
          "bind");
    return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
    check(db_, sqlite3_bind_int64(stmt_, index, value), "bind");
    return *this;
}

Statement& Statement::bind(int index, double value) {
    check(db_, sqlite3_bind_double(stmt_, index, value), "bind");
    return *this;
}

Statement& Statement::bind_null(int index) {
    check(db_, sqlite3_bind_null(stmt_, index), "bind");
    return *this;
}

Statement& Statement::bind_blob_static(int index, std::string_view bytes) {
    check(db_,
          sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()),
                            SQLITE_STATIC),
          "bind");
    return *this;
}

int Statement::columns() const {
    return sqlite3_column_count(stmt_);
}

bool Statement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw_error(db_, rc, sqlite3_sql(stmt_));
}

void Statement::run() {
    while (step()) {
    }
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

Statement::Type Statement::type(int column) const {
    switch (sqlite3_column_type(stmt_, column)) {
        case SQLITE_INTEGER:
            return Type::integer;
        case SQLITE_FLOAT:
            return Type::real;
        case SQLITE_TEXT:
            return Type::text;
        case SQLITE_BLOB:
            return Type::blob;
        default:
            return Type::null;
    }
}

bool Statement::is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::string Statement::text(int column) const {
    const auto* p = sqlite3_column_blob(stmt_, column);
    const int n = sqlite3_column_bytes(stmt_, column);
    return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n))
             : std::string();
}

std::optional<std::string> Statement::optional_text(int column) const {
    if (is_null(column)) return std::nullopt;
    return text(column);
}

std::int64_t Statement::integer(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

std::optional<std::int64_t> Statement::optional_integer(int column) const {
    if (is_null(column)) return std::nullopt;
    return integer(column);
}

double Statement::real(int column) const {
    return sqlite3_column_double(stmt_, column);
}

std::optional<double> Statement::optional_real(int column) const {
    if (is_null(column)) return std::nullopt;
    return real(column);
}

Connection::Connection(const std::string& path, const OpenOptions& options) {
    configure_library_once();
    const int flags =
        options.read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    const int rc =
        sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, vfs_for(options));
    if (rc != SQLITE_OK) {
        std::string message =
            "open " + path + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
        sqlite3_close(db_);
        db_ = nullptr;
        throw Error(rc, message);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, options.busy_timeout_ms);
    exec("PRAGMA foreign_keys=ON");
    if (!options.read_only) {
        exec("PRAGMA journal_mode=WAL");
        exec("PRAGMA synchronous=" + options.synchronous);
    }
}

Connection::~Connection() {
    statements_.clear();
    if (db_) sqlite3_close_v2(db_);
}

void Connection::exec(const std::string& sql) {
    char* error = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
        std::string message = sql.substr(0, 80) + ": " + (error ? error : sqlite3_errstr(rc));
        sqlite3_free(error);
        throw Error(sqlite3_extended_errcode(db_), message);
    }
}

StatementRef Connection::prepare(const std::string& sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
        sqlite3_stmt* stmt = nullptr;
        check(db_,
              sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr),
              sql);
        it = statements_.emplace(sql, std::make_unique<Statement>(db_, stmt)).first;
    }
    it->second->reset();
    return StatementRef(*it->second);
}

std::int64_t Connection::last_insert_rowid() const {
    return sqlite3_last_insert_rowid(db_);
}
int Connection::changes() const {
    return sqlite3_changes(db_);
}

}  // namespace fieldgate::sqlite
