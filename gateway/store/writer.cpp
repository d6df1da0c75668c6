#include "writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <future>
#include <stdexcept>

#include "migrations.h"

namespace fieldgate::store {

Writer::Writer(WriterOptions options) : options_(std::move(options)) {
    sqlite::OpenOptions open;
    const bool pipelined = options_.pipelined_sync && options_.synchronous == "FULL";
    open.synchronous = pipelined ? "NORMAL" : options_.synchronous;
    db_ = std::make_unique<sqlite::Connection>(options_.path, open);
    db_->exec("PRAGMA cache_size=-" + std::to_string(options_.cache_mib * 1024));
    db_->exec("PRAGMA temp_store=MEMORY");
    db_->exec("PRAGMA wal_autocheckpoint=0");
    migrate(*db_);
    checkpointer_ = std::make_unique<Checkpointer>(options_.path, options_.synchronous, options_.checkpoint_every);
    if (pipelined) {
        // Linux syncs a file's data whichever descriptor asks, so our own descriptor on the
        // WAL flushes the frames SQLite wrote through its own.
        wal_fd_ = ::open((options_.path + "-wal").c_str(), O_RDONLY | O_CLOEXEC);
        if (wal_fd_ < 0) throw std::runtime_error("cannot open the WAL of " + options_.path + ": " + std::strerror(errno));
    }
    sync_thread_ = std::thread([this] { sync_loop(); });
    thread_ = std::thread([this] { loop(); });
}

Writer::~Writer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    {
        std::lock_guard lock(mutex_);
        sync_stopping_ = true;
    }
    sync_wake_.notify_all();
    if (sync_thread_.joinable()) sync_thread_.join();
    if (wal_fd_ >= 0) ::close(wal_fd_);
    checkpointer_.reset();
}

std::uint64_t Writer::durable_commit() const { return durable_.load(); }

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
        if (error) finished.set_exception(error);
        else finished.set_value();
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
        Committed committed = commit_batch(batch);
        batch.clear();
        {
            std::lock_guard lock(mutex_);
            to_sync_.push_back(std::move(committed));
        }
        sync_wake_.notify_one();
    }
}

void Writer::sync_loop() {
    std::deque<Committed> pending;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            sync_wake_.wait(lock, [this] { return sync_stopping_ || !to_sync_.empty(); });
            if (to_sync_.empty() && sync_stopping_) return;
            pending.swap(to_sync_);
        }
        // One fdatasync covers every commit that returned before it started: all of `pending`.
        std::exception_ptr sync_error;
        if (wal_fd_ >= 0 && ::fdatasync(wal_fd_) != 0) {
            sync_error = std::make_exception_ptr(
                sqlite::Error(10 /* SQLITE_IOERR */, std::string("fdatasync of the WAL failed: ") + std::strerror(errno)));
        }
        for (auto& committed : pending) {
            if (!sync_error && !committed.batch_error) durable_ = committed.number;
            finish(committed, sync_error);
        }
        pending.clear();
    }
}

void Writer::finish(Committed& committed, std::exception_ptr sync_error) {
    for (auto& item : committed.items) {
        if (!item.done) continue;
        std::exception_ptr error = committed.batch_error ? committed.batch_error : (sync_error ? sync_error : item.error);
        try {
            item.done(error);
        } catch (...) {
            // A completion callback must not take the writer down.
        }
    }
}

Writer::Committed Writer::commit_batch(std::deque<Item>& batch) {
    Committed committed;
    try {
        // Cached statements: sqlite3_exec would parse these again for every job.
        db_->prepare("BEGIN IMMEDIATE")->run();
        for (auto& item : batch) {
            db_->prepare("SAVEPOINT job")->run();
            try {
                item.job(*db_);
                db_->prepare("RELEASE job")->run();
            } catch (...) {
                item.error = std::current_exception();
                db_->prepare("ROLLBACK TO job")->run();
                db_->prepare("RELEASE job")->run();
            }
        }
        db_->prepare("COMMIT")->run();
    } catch (...) {
        committed.batch_error = std::current_exception();
        try {
            db_->exec("ROLLBACK");
        } catch (...) {
            // Already rolled back by SQLite (e.g. after SQLITE_FULL); nothing more to undo.
        }
    }
    {
        std::lock_guard lock(mutex_);
        stats_.jobs += batch.size();
        if (committed.batch_error) ++stats_.failed_commits;
        else ++stats_.commits;
        committed.number = ++commits_made_;
    }
    committed.items = std::move(batch);
    return committed;
}

}  // namespace fieldgate::store
