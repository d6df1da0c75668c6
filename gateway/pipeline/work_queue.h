// A few threads that run posted jobs in order of arrival, for work too long for an HTTP I/O
// thread: normalizing a vendor's payload of thousands of results takes up to seconds, and on
// the I/O thread every other request (other vendors, the CRM, tablets, health probes) would
// wait for it. The queue is bounded: post() refuses when full, and the caller answers 503.
// shutdown() (or the destructor) runs what was queued, then joins.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace fieldgate {

class WorkQueue {
  public:
    WorkQueue(std::size_t threads, std::size_t max_queued);
    ~WorkQueue();
    WorkQueue(const WorkQueue&) = delete;
    WorkQueue& operator=(const WorkQueue&) = delete;

    // False (the job is dropped, not run) when max_queued jobs are waiting, or after shutdown.
    bool post(std::function<void()> job);

    // Refuses new jobs, runs what was queued, joins the threads. Idempotent; the destructor
    // calls it. Not from one of the queue's own jobs.
    void shutdown();

  private:
    void work();

    const std::size_t max_queued_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace fieldgate
