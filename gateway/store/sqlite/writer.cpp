#include "writer.h"

#include "sqlite_transaction.h"

#include <future>
#include <stdexcept>

#include "migrations.h"

namespace fieldgate::store {

// SQLite syncs the WAL inside COMMIT (synchronous=FULL), on this thread. Measured on the
// 2-core machines: handing the fdatasync to a separate thread, so the next batch could run
// meanwhile, was slower (14.4k vs 16.7k results/s): the extra thread's context switches cost
// more than the ~0.15 ms sync it hid.
Writer::Writer(WriterOptions options) : options_(std::move(options)) {
    sqlite::OpenOptions open;
    open.synchronous = options_.synchronous;
    db_ = std::make_unique<sqlite::Connection>(options_.path, open);
    db_->exec("PRAGMA cache_size=-" + std::to_string(options_.cache_mib * 1024));
    db_->exec("PRAGMA temp_store=MEMORY");
    db_->exec("PRAGMA wal_autocheckpoint=0");
    migrate(*db_);
    checkpointer_ = std::make_unique<Checkpointer>(options_.path, options_.synchronous,
                                                   options_.checkpoint_every);
    thread_ = std::thread([this] { loop(); });
}

Writer::~Writer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    checkpointer_.reset();
}

bool Writer::submit(Job job, Done done) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || queue_.size() >= options_.max_queue) return false;
        queue_.push_back(Item{std::move(job), std::move(done), nullptr});
    }
    wake_.notify_one();
    return true;
}

void Writer::run_sync(Job job) {
    std::promise<void> finished;
    auto future = finished.get_future();
    const bool queued = submit(std::move(job), [&finished](std::exception_ptr error) {
        if (error)
            finished.set_exception(error);
        else
            finished.set_value();
    });
    if (!queued) throw std::runtime_error("store writer queue is full");
    future.get();
}

WriterStats Writer::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

std::size_t Writer::queue_depth() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
}

void Writer::loop() {
    std::deque<Item> batch;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty() && stopping_) return;
            const std::size_t n = std::min(queue_.size(), options_.max_batch);
            for (std::size_t i = 0; i < n; ++i) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        commit_batch(batch);
        batch.clear();
    }
}

void Writer::commit_batch(std::deque<Item>& batch) {
    bool committed = false;
    std::exception_ptr batch_error;
    const auto started = std::chrono::steady_clock::now();
    try {
        // Cached statements: sqlite3_exec would parse these again for every job.
        db_->prepare("BEGIN IMMEDIATE")->run();
        SqliteTransaction tx(*db_);
        for (auto& item : batch) {
            db_->prepare("SAVEPOINT job")->run();
            try {
                item.job(tx);
                db_->prepare("RELEASE job")->run();
            } catch (...) {
                item.error = std::current_exception();
                db_->prepare("ROLLBACK TO job")->run();
                db_->prepare("RELEASE job")->run();
            }
        }
        db_->prepare("COMMIT")->run();
        committed = true;
    } catch (...) {
        batch_error = std::current_exception();
        try {
            db_->exec("ROLLBACK");
        } catch (...) {
            // Already rolled back by SQLite (e.g. after SQLITE_FULL); nothing more to undo.
        }
    }
    {
        std::lock_guard lock(mutex_);
        stats_.jobs += batch.size();
        if (committed)
            ++stats_.commits;
        else
            ++stats_.failed_commits;
    }
    if (options_.on_batch) {
        try {
            options_.on_batch(
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
                batch.size());
        } catch (...) {
            // Metrics must not take the writer down.
        }
    }
    if (committed && options_.on_commit) {
        try {
            options_.on_commit();
        } catch (...) {
            // A listener must not take the writer down.
        }
    }
    for (auto& item : batch) {
        if (!item.done) continue;
        try {
            item.done(committed ? item.error : batch_error);
        } catch (...) {
            // A completion callback must not take the writer down.
        }
    }
}

}  // namespace fieldgate::store
