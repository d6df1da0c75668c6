#include "sqlite_writer.h"

#include "checkpointer.h"
#include "migrations.h"
#include "sqlite.h"
#include "sqlite_transaction.h"

namespace fieldgate::store {

namespace {

// SQLite syncs the WAL inside COMMIT (synchronous=FULL), on the writer thread. Measured on the
// 2-core machines: handing the fdatasync to a separate thread, so the next batch could run
// meanwhile, was slower (14.4k vs 16.7k results/s): the extra thread's context switches cost
// more than the ~0.15 ms sync it hid.
class SqliteWriterBackend final : public WriterBackend {
  public:
    explicit SqliteWriterBackend(const SqliteWriterOptions& options) {
        sqlite::OpenOptions open;
        open.synchronous = options.synchronous;
        db_ = std::make_unique<sqlite::Connection>(options.path, open);
        db_->exec("PRAGMA cache_size=-" + std::to_string(options.cache_mib * 1024));
        db_->exec("PRAGMA temp_store=MEMORY");
        db_->exec("PRAGMA wal_autocheckpoint=0");
        migrate(*db_);
        tx_ = std::make_unique<SqliteTransaction>(*db_);
        checkpointer_ = std::make_unique<Checkpointer>(options.path, options.synchronous,
                                                       options.checkpoint_every);
    }

    // Cached statements: sqlite3_exec would parse these again for every job.
    void begin() override { db_->prepare("BEGIN IMMEDIATE")->run(); }
    void savepoint() override { db_->prepare("SAVEPOINT job")->run(); }
    void release() override { db_->prepare("RELEASE job")->run(); }
    void rollback_to() override {
        db_->prepare("ROLLBACK TO job")->run();
        db_->prepare("RELEASE job")->run();
    }
    void commit() override { db_->prepare("COMMIT")->run(); }
    void rollback() noexcept override {
        try {
            db_->exec("ROLLBACK");
        } catch (...) {
            // Already rolled back by SQLite (e.g. after SQLITE_FULL); nothing more to undo.
        }
    }
    Transaction& transaction() override { return *tx_; }
    // A savepoint makes SQLite copy every page a job first changes into its statement journal;
    // over commits of 40 results that was a sixth of the writer's CPU (bench/store).
    bool runs_batches_whole() const override { return true; }

  private:
    std::unique_ptr<sqlite::Connection> db_;
    std::unique_ptr<SqliteTransaction> tx_;
    // Declared last, so it goes first: its final checkpoint runs while the writer's connection
    // is still open.
    std::unique_ptr<Checkpointer> checkpointer_;
};

}  // namespace

SqliteWriter::SqliteWriter(const SqliteWriterOptions& options)
    : Writer(std::make_unique<SqliteWriterBackend>(options), options.limits) {}

}  // namespace fieldgate::store
