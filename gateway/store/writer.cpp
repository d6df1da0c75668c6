#include "writer.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <stdexcept>
#include <vector>

namespace fieldgate::store {

Writer::Writer(std::unique_ptr<WriterBackend> backend, WriterLimits limits)
    : backend_(std::move(backend)), limits_(std::move(limits)) {
    thread_ = std::thread([this] { loop(); });
}

Writer::~Writer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

bool Writer::submit(Job job, Done done, ReadAhead reads) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || queue_.size() >= limits_.max_queue) return false;
        queue_.push_back(Item{std::move(job), std::move(done), std::move(reads), nullptr});
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

std::exception_ptr Writer::last_batch_error() const {
    std::lock_guard lock(mutex_);
    return last_batch_error_;
}

std::chrono::steady_clock::duration Writer::busy_for(
    std::chrono::steady_clock::time_point now) const {
    std::lock_guard lock(mutex_);
    if (!batch_started_) return {};
    return std::max(now - *batch_started_, std::chrono::steady_clock::duration::zero());
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
            const std::size_t n = std::min(queue_.size(), limits_.max_batch);
            for (std::size_t i = 0; i < n; ++i) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
            batch_started_ = std::chrono::steady_clock::now();
        }
        commit_batch(batch);
        batch.clear();
    }
}

std::vector<const ReadAhead*> Writer::reads_of(const std::deque<Item>& batch) {
    std::vector<const ReadAhead*> reads;
    for (const auto& item : batch)
        if (!item.reads.empty()) reads.push_back(&item.reads);
    return reads;
}

void Writer::commit_batch(std::deque<Item>& batch) {
    bool committed = false;
    std::exception_ptr batch_error;
    const auto started = std::chrono::steady_clock::now();
    const bool repeatable = std::all_of(batch.begin(), batch.end(),
                                        [](const Item& item) { return item.reads.repeatable; });
    if (backend_->runs_batches_whole() && repeatable) committed = commit_whole(batch);
    if (!committed) {
        batch_error = commit_job_by_job(batch);
        committed = !batch_error;
    }
    settle(batch, committed, batch_error,
           std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

// The whole batch in one go: anything failing (a job, a statement the store refused, the
// COMMIT) rolls all of it back, and the batch runs again job by job, where a failure is its own
// job's alone. Repeatable jobs only, so running one twice changes nothing but the store.
bool Writer::commit_whole(std::deque<Item>& batch) {
    try {
        backend_->begin();
        auto& tx = backend_->transaction();
        tx.read_ahead(reads_of(batch));
        for (auto& item : batch) item.job(tx);
        backend_->commit();
        return true;
    } catch (...) {
        backend_->rollback();
        return false;
    }
}

std::exception_ptr Writer::commit_job_by_job(std::deque<Item>& batch) {
    try {
        backend_->begin();
        auto& tx = backend_->transaction();
        tx.read_ahead(reads_of(batch));
        for (auto& item : batch) {
            backend_->savepoint();
            try {
                item.job(tx);
                backend_->release();
            } catch (...) {
                item.error = std::current_exception();
                backend_->rollback_to();
            }
        }
        backend_->commit();
        return nullptr;
    } catch (...) {
        backend_->rollback();
        return std::current_exception();
    }
}

// Counts the batch, tells the listeners, and answers every job: its own error, or the batch's
// when the commit failed (then nothing of it is durable).
void Writer::settle(std::deque<Item>& batch, bool committed, std::exception_ptr batch_error,
                    double seconds) {
    {
        std::lock_guard lock(mutex_);
        stats_.jobs += batch.size();
        batch_started_.reset();
        last_batch_error_ = committed ? nullptr : batch_error;
        if (committed)
            ++stats_.commits;
        else
            ++stats_.failed_commits;
    }
    if (limits_.on_batch) {
        try {
            limits_.on_batch(seconds, batch.size());
        } catch (...) {
            // Metrics must not take the writer down.
        }
    }
    if (committed && limits_.on_commit) {
        try {
            limits_.on_commit();
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
