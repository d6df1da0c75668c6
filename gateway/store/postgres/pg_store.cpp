#include "pg_store.h"

#include <chrono>
#include <string>
#include <utility>

#include "pg.h"
#include "pg_migrations.h"
#include "pg_transaction.h"

namespace fieldgate::store {

namespace {

// One connection and the repositories on it, rebuilt together after the server is lost.
struct PgSession {
    PgSession(const PgStoreOptions& options, bool writer)
        : db(options.url, options.password, options.connection), tx(db, writer) {}
    pg::Connection db;
    PgTransaction tx;
};

class PgWriterBackend final : public WriterBackend {
  public:
    explicit PgWriterBackend(const PgStoreOptions& options) : options_(options) {
        session_ = std::make_unique<PgSession>(options_, true);
        migrate(session_->db);
    }

    // Each round trip to the server costs the writer more than the statement it carries, so
    // within a batch the writes whose answer no job reads (the batch's own verbs, a work order's
    // status, its history, its outbox event) are sent ahead (pg.h) and reach the server with the
    // next statement that needs an answer. A job's writes are synced at its end, so a failure
    // among them is that job's own and rolls back only that job.
    void begin() override {
        if (!session_ || !session_->db.ok()) {
            session_.reset();
            session_ = std::make_unique<PgSession>(options_, true);
        }
        db().set_send_ahead(true);
        db().write("BEGIN");
    }
    void savepoint() override { db().write("SAVEPOINT job"); }
    void release() override {
        db().write("RELEASE SAVEPOINT job");
        db().sync();
    }
    // What the job sent ahead goes first (its SAVEPOINT may be among it), then the way back. The
    // savepoint stays after ROLLBACK TO, so it is released too: savepoints never nest.
    void rollback_to() override {
        try {
            db().write("ROLLBACK TO SAVEPOINT job");
            db().write("RELEASE SAVEPOINT job");
            db().sync();
        } catch (const pg::Error&) {
            // A write of the job failed in that pipeline and the server skipped the rest.
            if (!db().ok()) throw;
            db().exec("ROLLBACK TO SAVEPOINT job; RELEASE SAVEPOINT job");
        }
    }
    void commit() override {
        db().write("COMMIT");
        db().set_send_ahead(false);
        db().sync();
    }
    void rollback() noexcept override {
        if (!session_) return;
        db().set_send_ahead(false);
        db().discard_queued();
        try {
            if (db().ok() && db().in_transaction()) db().exec("ROLLBACK");
        } catch (...) {
            // The connection broke: the server rolled the transaction back itself.
        }
    }
    Transaction& transaction() override { return session_->tx; }
    // A whole batch of results is then a handful of round trips: its read-ahead and its COMMIT.
    bool runs_batches_whole() const override { return true; }

  private:
    pg::Connection& db() { return session_->db; }

    PgStoreOptions options_;
    std::unique_ptr<PgSession> session_;
};

class PgReadSession final : public ReadSession {
  public:
    explicit PgReadSession(const PgStoreOptions& options) : session_(options, false) {}

    Transaction& transaction() override { return session_.tx; }
    void snapshot(const std::function<void(Transaction&)>& reads) override {
        session_.db.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        try {
            reads(session_.tx);
            session_.db.exec("COMMIT");
        } catch (...) {
            try {
                session_.db.exec("ROLLBACK");
            } catch (...) {
                // The connection broke: nothing to undo.
            }
            throw;
        }
    }
    bool usable() const { return session_.db.ok(); }
    // A session idle for more than 100 ms is asked once before use: a database restart then
    // leaves a socket that looks open until the first query fails on it.
    bool ready_for_use() {
        const auto idle = std::chrono::steady_clock::now() - returned_at_;
        return idle < std::chrono::milliseconds(100) ? usable() : session_.db.answers();
    }
    void returned() { returned_at_ = std::chrono::steady_clock::now(); }

  private:
    PgSession session_;
    std::chrono::steady_clock::time_point returned_at_ = std::chrono::steady_clock::now();
};

}  // namespace

PgWriter::PgWriter(const PgStoreOptions& options)
    : Writer(std::make_unique<PgWriterBackend>(options), options.limits) {}

std::unique_ptr<ReadSession> PgReadPool::take() {
    {
        std::lock_guard lock(mutex_);
        while (!idle_.empty()) {
            auto session = std::move(idle_.back());
            idle_.pop_back();
            // One left idle across a database restart is dropped here, not failed in a read.
            if (static_cast<PgReadSession&>(*session).ready_for_use()) return session;
        }
    }
    return std::make_unique<PgReadSession>(options_);
}

void PgReadPool::give_back(std::unique_ptr<ReadSession> session) {
    // A session whose server went away is dropped; the next take() connects anew.
    auto& pg_session = static_cast<PgReadSession&>(*session);
    if (!pg_session.usable()) return;
    pg_session.returned();
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(session));
}

}  // namespace fieldgate::store
