// Slow mode: answers that are due later, sent from one timer thread so no I/O thread waits.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace fieldgate::crm_sim {

class DelayedResponder {
  public:
    DelayedResponder();
    // Sends whatever is still pending at once, then stops.
    ~DelayedResponder();
    DelayedResponder(const DelayedResponder&) = delete;
    DelayedResponder& operator=(const DelayedResponder&) = delete;

    void after(std::chrono::milliseconds delay, std::function<void()> send);

  private:
    void run();

    std::mutex mutex_;
    std::condition_variable cv_;
    // By deadline; equal deadlines keep their insertion order.
    std::multimap<std::chrono::steady_clock::time_point, std::function<void()>> due_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace fieldgate::crm_sim
