// Sending ahead: the statements write() queued go to the server in one pipeline with the
// statement that needs an answer, and their answers are read back in order up to the Sync.
#include <libpq-fe.h>

#include <memory>
#include <utility>

#include "pg.h"

namespace fieldgate::pg {

namespace {

struct ClearResult {
    void operator()(PGresult* r) const { PQclear(r); }
};
using OwnedResult = std::unique_ptr<PGresult, ClearResult>;

constexpr std::size_t kSqlShown = 60;

}  // namespace

bool Connection::in_transaction() const {
    if (!conn_) return false;
    const auto status = PQtransactionStatus(conn_);
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

void Connection::write(const std::string& sql, Params params) {
    if (!send_ahead_) {
        query(sql, params);
        return;
    }
    // Preparing takes its own round trip, once per statement and connection, before anything
    // queued is sent.
    const std::string prepared = params.values_.empty() ? std::string() : prepared_name(sql);
    queued_.push_back(Queued{sql, prepared, std::move(params)});
}

void Connection::sync() {
    if (queued_.empty()) return;
    if (PGresult* r = send_queued(nullptr)) PQclear(r);
}

bool Connection::send(const std::string& sql, const std::string& prepared, const Params& params) {
    if (prepared.empty())
        return PQsendQueryParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
    std::vector<const char*> values;
    std::vector<int> lengths;
    values.reserve(params.values_.size());
    lengths.reserve(params.values_.size());
    for (const auto& v : params.values_) {
        values.push_back(v ? v->data() : nullptr);
        lengths.push_back(v ? static_cast<int>(v->size()) : 0);
    }
    return PQsendQueryPrepared(conn_, prepared.c_str(), static_cast<int>(values.size()),
                               values.data(), lengths.data(), params.formats_.data(), 0) == 1;
}

pg_result* Connection::send_queued(const Asking* last) {
    auto queue = std::exchange(queued_, {});
    if (last) queue.push_back(Queued{last->sql, last->prepared, last->params, true});
    auto answers = send_pipeline(std::move(queue));
    return answers.empty() ? nullptr : answers.back().release();
}

std::vector<Result> Connection::query_together(
    const std::vector<std::pair<std::string, Params>>& asks) {
    auto queue = std::exchange(queued_, {});
    for (const auto& [sql, params] : asks)
        queue.push_back(Queued{sql, prepared_name(sql), params, true});
    return send_pipeline(std::move(queue));
}

std::vector<Result> Connection::send_pipeline(std::vector<Queued> queue) {
    if (!conn_) throw_error(nullptr, "PostgreSQL");
    if (PQenterPipelineMode(conn_) != 1) throw_error(nullptr, "PostgreSQL pipeline");
    bool sent = true;
    for (const auto& s : queue) sent = sent && send(s.sql, s.prepared, s.params);
    sent = sent && PQpipelineSync(conn_) == 1;
    const auto until = deadline();
    if (!sent || !flush(until, "PostgreSQL")) throw_error(nullptr, "PostgreSQL");

    // Each statement's results end with a null; the Sync's own result closes the pipeline. After
    // a failure the server skips the rest, which libpq answers as PIPELINE_ABORTED.
    OwnedResult failure;
    std::vector<Result> answers;
    std::size_t failed_at = 0;
    bool synced = false;
    for (std::size_t statement = 0; !synced && statement <= queue.size();) {
        OwnedResult r(next_result(until, "PostgreSQL"));
        if (!r) {
            if (PQstatus(conn_) != CONNECTION_OK) break;
            ++statement;
            continue;
        }
        const auto status = PQresultStatus(r.get());
        if (status == PGRES_PIPELINE_SYNC) {
            synced = true;
        } else if (status == PGRES_FATAL_ERROR && !failure) {
            failure = std::move(r);
            failed_at = statement;
        } else if (statement < queue.size() && queue[statement].answered &&
                   status != PGRES_PIPELINE_ABORTED) {
            answers.emplace_back(r.release());
        }
    }
    if (synced) PQexitPipelineMode(conn_);
    if (failure) {
        // A statement sent ahead names itself: its caller has returned long ago.
        std::string context = "PostgreSQL";
        if (failed_at < queue.size() && !queue[failed_at].answered) {
            const std::string& sql = queue[failed_at].sql;
            context += " (sent ahead: " + sql.substr(0, kSqlShown) +
                       (sql.size() > kSqlShown ? "…" : "") + ")";
        }
        throw_error(failure.release(), context);
    }
    if (!synced) throw_error(nullptr, "PostgreSQL");
    return answers;
}

}  // namespace fieldgate::pg
