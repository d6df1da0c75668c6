#include "delayed_responder.h"

namespace fieldgate::crm_sim {

DelayedResponder::DelayedResponder() : thread_([this] { run(); }) {}

DelayedResponder::~DelayedResponder() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void DelayedResponder::after(std::chrono::milliseconds delay, std::function<void()> send) {
    {
        std::lock_guard lock(mutex_);
        due_.emplace(std::chrono::steady_clock::now() + delay, std::move(send));
    }
    cv_.notify_all();
}

void DelayedResponder::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        if (due_.empty()) {
            if (stopping_) return;
            cv_.wait(lock);
            continue;
        }
        const auto first = due_.begin();
        if (!stopping_ && std::chrono::steady_clock::now() < first->first) {
            cv_.wait_until(lock, first->first);
            continue;
        }
        auto send = std::move(first->second);
        due_.erase(first);
        lock.unlock();
        send();
        lock.lock();
    }
}

}  // namespace fieldgate::crm_sim
