#include "session_registry.h"

#include <utility>
#include <vector>

namespace fieldgate::http {

SessionRegistry::SessionRegistry(std::function<void()> on_drained)
    : on_drained_(std::move(on_drained)) {}

bool SessionRegistry::try_reserve(std::size_t max) {
    std::size_t current = count_.load(std::memory_order_relaxed);
    do {
        if (current >= max) return false;
    } while (!count_.compare_exchange_weak(current, current + 1, std::memory_order_acq_rel));
    return true;
}

void SessionRegistry::cancel_reservation() {
    count_.fetch_sub(1, std::memory_order_acq_rel);
    drained_check();
}

std::uint64_t SessionRegistry::add(std::weak_ptr<Session> session) {
    std::lock_guard lock(mutex_);
    const std::uint64_t id = next_id_++;
    sessions_.emplace(id, std::move(session));
    return id;
}

void SessionRegistry::remove(std::uint64_t id) {
    {
        std::lock_guard lock(mutex_);
        sessions_.erase(id);
    }
    count_.fetch_sub(1, std::memory_order_acq_rel);
    drained_check();
}

void SessionRegistry::begin_stop() {
    std::vector<std::shared_ptr<Session>> live;
    {
        std::lock_guard lock(mutex_);
        stopping_.store(true, std::memory_order_release);
        live.reserve(sessions_.size());
        for (auto& [id, weak] : sessions_) {
            if (auto s = weak.lock()) live.push_back(std::move(s));
        }
    }
    for (auto& s : live) shutdown_session(s);
    drained_check();
}

void SessionRegistry::abandon_all() {
    std::vector<std::shared_ptr<Session>> live;
    {
        std::lock_guard lock(mutex_);
        on_drained_ = nullptr;
        for (auto& [id, weak] : sessions_) {
            if (auto s = weak.lock()) live.push_back(std::move(s));
        }
    }
    for (auto& s : live) abandon_session(s);
    // `live` releases the last references here, while the io_context still exists.
}

void SessionRegistry::drained_check() {
    if (!stopping() || size() != 0) return;
    std::function<void()> callback;
    {
        std::lock_guard lock(mutex_);
        callback = on_drained_;
    }
    if (callback) callback();
}

}  // namespace fieldgate::http
