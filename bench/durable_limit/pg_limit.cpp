// The durable limit on PostgreSQL: one row per result (primary key on the ticket) in a table of
// the same columns as the SQLite one. A group is one round trip in libpq's pipeline mode —
// BEGIN, one prepared INSERT … ON CONFLICT (ticket) DO NOTHING per row, COMMIT, Sync — so the
// server does one insert per result and one commit per group, and the writer waits for the
// network once per group rather than once per statement. With synchronous_commit=on (checked at
// start, as is fsync) the COMMIT's answer comes only after its WAL is flushed to disk.
#include <libpq-fe.h>

#include <array>
#include <charconv>
#include <stdexcept>
#include <string>

#include "limit_server.h"

namespace fieldgate::bench {

namespace {

constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS results (ticket text PRIMARY KEY, service_request text NOT NULL,"
    " status text NOT NULL, exception_code text, service_date text, closed_at text, truck text,"
    " driver text, lat double precision, lon double precision, gps_accuracy_m double precision,"
    " photos text NOT NULL, items_collected bigint, notes text,"
    " received_at timestamptz NOT NULL DEFAULT now())";
constexpr const char* kInsert =
    "INSERT INTO results (ticket, service_request, status, exception_code, service_date,"
    " closed_at, truck, driver, lat, lon, gps_accuracy_m, photos, items_collected, notes)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    " ON CONFLICT (ticket) DO NOTHING";
constexpr int kParams = 14;

// One row's parameters as libpq takes them: NUL-terminated text, nullptr for NULL.
class RowParams {
  public:
    explicit RowParams(const ResultRow& r) {
        text(0, r.ticket, false);
        text(1, r.service_request, false);
        text(2, r.status, false);
        text(3, r.exception_code);
        text(4, r.service_date);
        text(5, r.closed_at);
        text(6, r.truck);
        text(7, r.driver);
        number(8, r.lat);
        number(9, r.lon);
        number(10, r.accuracy_m);
        text(11, r.photos, false);
        number(12, r.items_collected);
        text(13, r.notes);
    }
    const char* const* values() const { return values_.data(); }

  private:
    void text(int i, const std::string& v, bool null_if_empty = true) {
        values_[i] = v.empty() && null_if_empty ? nullptr : v.c_str();
    }
    template <typename T>
    void number(int i, const std::optional<T>& v) {
        if (!v) return;
        const auto end = std::to_chars(numbers_[i].data(), numbers_[i].data() + 31, *v).ptr;
        *end = '\0';
        values_[i] = numbers_[i].data();
    }

    std::array<const char*, kParams> values_{};
    std::array<std::array<char, 32>, kParams> numbers_{};
};

class PgStore final : public LimitStore {
  public:
    explicit PgStore(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
        if (!conn_ || PQstatus(conn_) != CONNECTION_OK) fail("connect");
        require_setting("fsync", "on");
        require_setting("synchronous_commit", "on");
        exec(kCreateTable);
        PGresult* r = PQprepare(conn_, "insert", kInsert, kParams, nullptr);
        const bool prepared = r && PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!prepared) fail("prepare");
        if (PQenterPipelineMode(conn_) != 1) fail("pipeline mode");
    }
    ~PgStore() override { PQfinish(conn_); }
    PgStore(const PgStore&) = delete;
    PgStore& operator=(const PgStore&) = delete;

    std::vector<unsigned> commit_group(const std::vector<const ResultRow*>& rows) override {
        std::vector<unsigned> statuses(rows.size(), 500);
        bool sent = send("BEGIN");
        for (const ResultRow* row : rows) {
            const RowParams params(*row);
            sent = sent && PQsendQueryPrepared(conn_, "insert", kParams, params.values(), nullptr,
                                               nullptr, 0) == 1;
        }
        sent = sent && send("COMMIT") && PQpipelineSync(conn_) == 1;
        if (!sent || !read_group(statuses)) statuses.assign(rows.size(), 500);
        return statuses;
    }

  private:
    [[noreturn]] void fail(const std::string& what) {
        throw std::runtime_error("PostgreSQL " + what + ": " +
                                 (conn_ ? PQerrorMessage(conn_) : "out of memory"));
    }
    void exec(const char* sql) {
        PGresult* r = PQexec(conn_, sql);
        const bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!ok) fail(sql);
    }
    void require_setting(const std::string& name, const std::string& wanted) {
        PGresult* r = PQexec(conn_, ("SHOW " + name).c_str());
        const std::string value = r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1
                                      ? PQgetvalue(r, 0, 0)
                                      : "?";
        PQclear(r);
        if (value != wanted)
            throw std::runtime_error(name + " is " + value + ": the durable limit needs " + wanted);
    }
    bool send(const char* sql) {
        return PQsendQueryParams(conn_, sql, 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
    }

    // Reads the group's answers up to the Sync: BEGIN, one per row, COMMIT. True when every
    // statement and the COMMIT succeeded; then `statuses` holds 201 or 200 per row.
    bool read_group(std::vector<unsigned>& statuses) {
        const std::size_t last = statuses.size() + 1;  // the COMMIT's index
        std::size_t query = 0;
        bool ok = true;
        for (;;) {
            PGresult* r = PQgetResult(conn_);
            if (!r) {  // the end of one statement's results
                if (PQstatus(conn_) != CONNECTION_OK || ++query > last + 1) return false;
                continue;
            }
            const auto status = PQresultStatus(r);
            if (status == PGRES_PIPELINE_SYNC) {
                PQclear(r);
                return ok && query == last + 1;
            }
            if (status != PGRES_COMMAND_OK) {
                ok = false;
            } else if (query >= 1 && query < last) {
                statuses[query - 1] = PQcmdTuples(r)[0] == '1' ? 201 : 200;
            }
            PQclear(r);
        }
    }

    PGconn* conn_;
};

}  // namespace

std::unique_ptr<LimitStore> make_pg_store(const std::string& url) {
    return std::make_unique<PgStore>(url);
}

}  // namespace fieldgate::bench
