#include "session_registry.h"

#include <utility>
#include <vector>

namespace fieldgate::http {

SessionRegistry::SessionRegistry(std::function<void()> on_drained)
    : on_drained_(std::move(on_drained)) {}

void SessionRegistry::release(std::unordered_map<std::string, std::size_t>& counts,
                              const std::string& key) {
    const auto it = counts.find(key);
    if (it == counts.end()) return;
    if (--it->second == 0) counts.erase(it);
}

SessionRegistry::Reservation SessionRegistry::try_reserve(const std::string& peer, std::size_t max,
                                                          std::size_t per_client_max) {
    std::lock_guard lock(mutex_);
    if (count_.load(std::memory_order_relaxed) >= max) return Reservation::server_full;
    auto& from_peer = per_peer_[peer];
    if (per_client_max != 0 && from_peer >= per_client_max) {
        if (from_peer == 0) per_peer_.erase(peer);
        return Reservation::client_full;
    }
    ++from_peer;
    count_.fetch_add(1, std::memory_order_acq_rel);
    return Reservation::taken;
}

void SessionRegistry::cancel_reservation(const std::string& peer) {
    {
        std::lock_guard lock(mutex_);
        release(per_peer_, peer);
    }
    count_.fetch_sub(1, std::memory_order_acq_rel);
    drained_check();
}

std::uint64_t SessionRegistry::add(std::weak_ptr<Session> session, std::string peer) {
    std::lock_guard lock(mutex_);
    const std::uint64_t id = next_id_++;
    sessions_.emplace(id, Entry{std::move(session), std::move(peer)});
    return id;
}

void SessionRegistry::remove(std::uint64_t id) {
    {
        std::lock_guard lock(mutex_);
        if (const auto it = sessions_.find(id); it != sessions_.end()) {
            release(per_peer_, it->second.peer);
            sessions_.erase(it);
        }
    }
    count_.fetch_sub(1, std::memory_order_acq_rel);
    drained_check();
}

bool SessionRegistry::begin_request(const std::string& client, std::size_t max) {
    std::lock_guard lock(mutex_);
    auto& n = in_flight_[client];
    if (max != 0 && n >= max) return false;
    ++n;
    return true;
}

void SessionRegistry::end_request(const std::string& client) {
    std::lock_guard lock(mutex_);
    release(in_flight_, client);
}

void SessionRegistry::begin_stop() {
    std::vector<std::shared_ptr<Session>> live;
    {
        std::lock_guard lock(mutex_);
        stopping_.store(true, std::memory_order_release);
        live.reserve(sessions_.size());
        for (auto& [id, entry] : sessions_) {
            if (auto s = entry.session.lock()) live.push_back(std::move(s));
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
        for (auto& [id, entry] : sessions_) {
            if (auto s = entry.session.lock()) live.push_back(std::move(s));
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
