// The durable limit on SQLite: one row per result (primary key on the ticket) in a WAL file with
// synchronous=FULL, every group in one transaction.
#include <sqlite3.h>

#include <stdexcept>

#include "limit_server.h"

namespace fieldgate::bench {

namespace {

class SqliteStore final : public LimitStore {
  public:
    explicit SqliteStore(const std::string& path) {
        if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) fail("open");
        exec(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
            "CREATE TABLE IF NOT EXISTS results (ticket TEXT PRIMARY KEY,"
            " service_request TEXT NOT NULL, status TEXT NOT NULL, exception_code TEXT,"
            " service_date TEXT, closed_at TEXT, truck TEXT, driver TEXT, lat REAL, lon REAL,"
            " gps_accuracy_m REAL, photos TEXT NOT NULL, items_collected INTEGER, notes TEXT,"
            " received_at TEXT NOT NULL)");
        insert_ = prepare(
            "INSERT INTO results VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
            " ?14, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
        begin_ = prepare("BEGIN");
        commit_ = prepare("COMMIT");
        rollback_ = prepare("ROLLBACK");
    }
    ~SqliteStore() override {
        for (auto* s : {insert_, begin_, commit_, rollback_}) sqlite3_finalize(s);
        sqlite3_close(db_);
    }
    SqliteStore(const SqliteStore&) = delete;
    SqliteStore& operator=(const SqliteStore&) = delete;

    // One transaction for all rows: 201 for a new row, 200 for a ticket already stored, 500 for
    // every row when the commit fails.
    std::vector<unsigned> commit_group(const std::vector<const ResultRow*>& rows) override {
        std::vector<unsigned> statuses(rows.size(), 500);
        if (step(begin_) != SQLITE_DONE) return statuses;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            bind(*rows[i]);
            const int rc = step(insert_);
            statuses[i] = rc == SQLITE_DONE ? 201 : rc == SQLITE_CONSTRAINT ? 200 : 500;
        }
        if (step(commit_) != SQLITE_DONE) {
            step(rollback_);
            statuses.assign(rows.size(), 500);
        }
        return statuses;
    }

  private:
    [[noreturn]] void fail(const std::string& what) {
        throw std::runtime_error(what + ": " + sqlite3_errmsg(db_));
    }
    void exec(const char* sql) {
        if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(sql);
    }
    sqlite3_stmt* prepare(const char* sql) {
        sqlite3_stmt* s = nullptr;
        if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK) fail(sql);
        return s;
    }
    static int step(sqlite3_stmt* s) {
        const int rc = sqlite3_step(s);
        sqlite3_reset(s);
        return rc;
    }
    void bind_text(int i, const std::string& v, bool null_if_empty = true) {
        if (v.empty() && null_if_empty) {
            sqlite3_bind_null(insert_, i);
        } else {
            sqlite3_bind_text(insert_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
        }
    }
    void bind_real(int i, std::optional<double> v) {
        v ? sqlite3_bind_double(insert_, i, *v) : sqlite3_bind_null(insert_, i);
    }
    void bind(const ResultRow& r) {
        bind_text(1, r.ticket);
        bind_text(2, r.service_request);
        bind_text(3, r.status);
        bind_text(4, r.exception_code);
        bind_text(5, r.service_date);
        bind_text(6, r.closed_at);
        bind_text(7, r.truck);
        bind_text(8, r.driver);
        bind_real(9, r.lat);
        bind_real(10, r.lon);
        bind_real(11, r.accuracy_m);
        bind_text(12, r.photos, false);
        r.items_collected ? sqlite3_bind_int64(insert_, 13, *r.items_collected)
                          : sqlite3_bind_null(insert_, 13);
        bind_text(14, r.notes);
    }

    sqlite3* db_ = nullptr;
    sqlite3_stmt* insert_ = nullptr;
    sqlite3_stmt* begin_ = nullptr;
    sqlite3_stmt* commit_ = nullptr;
    sqlite3_stmt* rollback_ = nullptr;
};

}  // namespace

std::unique_ptr<LimitStore> make_sqlite_store(const std::string& path) {
    return std::make_unique<SqliteStore>(path);
}

}  // namespace fieldgate::bench
