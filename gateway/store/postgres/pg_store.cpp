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

    // Each round trip to the server costs the writer more than the statement it carries, so the
    // batch's own verbs ride along with the next one: BEGIN goes with the first job's SAVEPOINT,
    // a job's RELEASE with the next job's SAVEPOINT, and the last RELEASE is left to COMMIT
    // (which releases every savepoint). Neither can fail unless the connection does, and that
    // fails the whole batch either way.
    void begin() override {
        if (!session_ || !session_->db.ok()) {
            session_.reset();
            session_ = std::make_unique<PgSession>(options_, true);
        }
        pending_ = "BEGIN; ";
    }
    void savepoint() override { session_->db.exec(take_pending() + "SAVEPOINT job"); }
    void release() override { pending_ = "RELEASE SAVEPOINT job; "; }
    // The savepoint stays after ROLLBACK TO: released with the next job's SAVEPOINT, so they
    // never nest.
    void rollback_to() override {
        session_->db.exec(take_pending() + "ROLLBACK TO SAVEPOINT job");
        pending_ = "RELEASE SAVEPOINT job; ";
    }
    void commit() override {
        const bool begun = take_pending() != "BEGIN; ";
        session_->db.exec(begun ? "COMMIT" : "BEGIN; COMMIT");
    }
    void rollback() noexcept override {
        const bool begun = take_pending() != "BEGIN; ";
        try {
            if (begun && session_ && session_->db.ok()) session_->db.exec("ROLLBACK");
        } catch (...) {
            // The connection broke: the server rolled the transaction back itself.
        }
    }
    Transaction& transaction() override { return session_->tx; }

  private:
    std::string take_pending() { return std::exchange(pending_, std::string()); }

    PgStoreOptions options_;
    std::unique_ptr<PgSession> session_;
    std::string pending_;  // verbs not yet sent, sent ahead of the next statement
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
