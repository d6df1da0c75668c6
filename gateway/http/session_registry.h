// Private to gateway/http: the set of live sessions, for the connection cap and for stop().
// No Asio here; the session side is reached through the two functions declared below.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace fieldgate::http {

class Session;

// Defined in session.cpp. shutdown: from any thread, asks the session (on its strand) to finish
// the response it owes and close. abandon: only when no I/O thread runs; closes at once.
void shutdown_session(const std::shared_ptr<Session>& session);
void abandon_session(const std::shared_ptr<Session>& session);

class SessionRegistry {
  public:
    // on_drained runs (on whatever thread released the last session) once stopping and empty.
    explicit SessionRegistry(std::function<void()> on_drained);

    // Counts a connection in before its session exists; false when `max` are already open.
    bool try_reserve(std::size_t max);
    // Gives back a reservation that never became a session.
    void cancel_reservation();
    // The session for a reservation; returns the id to remove() with.
    std::uint64_t add(std::weak_ptr<Session> session);
    // Called from the session's destructor: ends its reservation.
    void remove(std::uint64_t id);

    // Marks stopping and asks every session to shut down; calls on_drained when none is open.
    void begin_stop();
    // Closes every session now; only when no I/O thread runs. Also drops on_drained.
    void abandon_all();

    bool stopping() const { return stopping_.load(std::memory_order_acquire); }
    std::size_t size() const { return count_.load(std::memory_order_acquire); }

  private:
    void drained_check();

    mutable std::mutex mutex_;
    std::unordered_map<std::uint64_t, std::weak_ptr<Session>> sessions_;
    std::uint64_t next_id_ = 1;
    std::atomic<std::size_t> count_{0};
    std::atomic<bool> stopping_{false};
    std::function<void()> on_drained_;
};

}  // namespace fieldgate::http
