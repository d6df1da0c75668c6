// The one writer: every write in the process goes through it. It commits whatever is queued the
// moment the previous commit ends (no timer), so durability costs one commit per batch. A batch
// of repeatable jobs first runs whole where the backend asks for it; when anything in it fails,
// or when a job is not repeatable, each job runs in its own savepoint: a job that throws is
// rolled back alone and the rest still commits.
// What a store adds is its WriterBackend: one connection's transaction verbs.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "transaction.h"

namespace fieldgate::store {

// Called on the writer thread only, in this order per batch: begin, then per job savepoint and
// release (or rollback_to), then commit (or rollback when anything of the batch itself failed).
class WriterBackend {
  public:
    virtual ~WriterBackend() = default;
    virtual void begin() = 0;
    virtual void savepoint() = 0;
    virtual void release() = 0;
    virtual void rollback_to() = 0;
    virtual void commit() = 0;
    virtual void rollback() noexcept = 0;
    virtual Transaction& transaction() = 0;
    // Whether a batch of repeatable jobs is first run whole (no savepoint per job, nothing
    // waited for until COMMIT): worth it where each wait is a round trip to a server, or where
    // a savepoint costs copies of the pages it covers (SQLite).
    virtual bool runs_batches_whole() const { return false; }
};

struct WriterLimits {
    std::size_t max_batch = 512;     // jobs per transaction
    std::size_t max_queue = 100000;  // submissions beyond this are refused (back-pressure)
    // Called on the writer thread after every successful COMMIT (the delivery worker's cue that
    // new outbox rows are there). Must be cheap and must not submit.
    std::function<void()> on_commit = nullptr;
    // Called on the writer thread after every batch (committed or not) with its duration from
    // BEGIN to COMMIT in seconds and its job count (metrics). Must be cheap.
    std::function<void(double, std::size_t)> on_batch = nullptr;
};

struct WriterStats {
    std::uint64_t commits = 0;
    std::uint64_t jobs = 0;
    std::uint64_t failed_commits = 0;
};

class Writer {
  public:
    using Job = std::function<void(Transaction&)>;
    // Called on the writer thread after COMMIT: nullptr when the job is durable, else why not.
    using Done = std::function<void(std::exception_ptr)>;

    Writer(std::unique_ptr<WriterBackend> backend, WriterLimits limits);  // starts the thread
    virtual ~Writer();  // drains the queue, then stops; the backend goes last
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    // False when the queue is full; `done` is then not called. `reads`: what the job will read
    // (read_ahead.h), fetched for its whole batch before the batch's jobs run.
    bool submit(Job job, Done done, ReadAhead reads = {});
    // Runs `job` durably and waits for it; rethrows its exception. Not for the writer thread.
    void run_sync(Job job);

    WriterStats stats() const;
    std::size_t queue_depth() const;
    // Why the last batch did not commit, or null when it did (/readyz reports it).
    std::exception_ptr last_batch_error() const;
    // How long the batch being written has been at it (zero when none is): a store that stopped
    // answering shows here long before a statement fails.
    std::chrono::steady_clock::duration busy_for(std::chrono::steady_clock::time_point now) const;

  private:
    struct Item {
        Job job;
        Done done;
        ReadAhead reads;
        std::exception_ptr error;
    };
    static std::vector<const ReadAhead*> reads_of(const std::deque<Item>& batch);
    void loop();
    void commit_batch(std::deque<Item>& batch);
    bool commit_whole(std::deque<Item>& batch);
    // Null when the batch committed, else why it did not.
    std::exception_ptr commit_job_by_job(std::deque<Item>& batch);
    void settle(std::deque<Item>& batch, bool committed, std::exception_ptr batch_error,
                double seconds);

    std::unique_ptr<WriterBackend> backend_;
    WriterLimits limits_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Item> queue_;
    bool stopping_ = false;
    std::exception_ptr last_batch_error_;  // null: the store was opened and migrated
    std::optional<std::chrono::steady_clock::time_point> batch_started_;
    WriterStats stats_;
    std::thread thread_;
};

}  // namespace fieldgate::store
