// The one writer: every write in the process goes through it. It commits whatever is queued the
// moment the previous commit ends (no timer), so durability costs one fsync per batch. Each job
// runs in its own savepoint: a job that throws is rolled back alone and the rest still commits.

#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "checkpointer.h"
#include "sqlite.h"
#include "transaction.h"

namespace fieldgate::store {

struct WriterOptions {
    std::string path;
    std::string synchronous = "FULL";
    std::size_t max_batch = 512;     // jobs per transaction
    std::size_t max_queue = 100000;  // submissions beyond this are refused (back-pressure)
    int cache_mib = 64;              // page cache of the writer's connection (256 measured slower)
    // How often the WAL is copied back into the database. Longer means a page changed many times
    // is written once (measured at 400k orders: 250 ms 12.6k, 2 s 12.9k, 5 s 14.4k results/s)
    // at the price of a larger WAL under sustained full load (~70 MB/s) and a longer recovery.
    std::chrono::milliseconds checkpoint_every{5000};
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

    explicit Writer(WriterOptions options);  // opens the connection and applies migrations
    ~Writer();                               // drains the queue, then stops
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    // False when the queue is full; `done` is then not called.
    bool submit(Job job, Done done);
    // Runs `job` durably and waits for it; rethrows its exception. Not for the writer thread.
    void run_sync(Job job);

    WriterStats stats() const;
    std::size_t queue_depth() const;

  private:
    struct Item {
        Job job;
        Done done;
        std::exception_ptr error;
    };
    void loop();
    void commit_batch(std::deque<Item>& batch);

    WriterOptions options_;
    std::unique_ptr<sqlite::Connection> db_;
    std::unique_ptr<Checkpointer> checkpointer_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Item> queue_;
    bool stopping_ = false;
    WriterStats stats_;
    std::thread thread_;
};

}  // namespace fieldgate::store
