#include "work_queue.h"

#include <spdlog/spdlog.h>

#include <exception>

namespace fieldgate {

WorkQueue::WorkQueue(std::size_t threads, std::size_t max_queued) : max_queued_(max_queued) {
    threads_.reserve(threads);
    for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

WorkQueue::~WorkQueue() {
    shutdown();
}

void WorkQueue::shutdown() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_)
        if (t.joinable()) t.join();
}

bool WorkQueue::post(std::function<void()> job) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || jobs_.size() >= max_queued_) return false;
        jobs_.push_back(std::move(job));
    }
    ready_.notify_one();
    return true;
}

void WorkQueue::work() {
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(mutex_);
            ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            if (jobs_.empty()) return;  // stopping, and nothing left to run
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        try {
            job();
        } catch (const std::exception& e) {
            spdlog::error("work queue: a job threw: {}", e.what());
        } catch (...) {
            spdlog::error("work queue: a job threw a non-standard exception");
        }
    }
}

}  // namespace fieldgate
