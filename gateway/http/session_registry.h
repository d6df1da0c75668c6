// Private to gateway/http: the set of live sessions, for the connection cap and for stop().
// No Asio here; the session side is reached through the two functions declared below.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
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

    enum class Reservation { taken, server_full, client_full };

    // Counts a connection from `peer` in before its session exists: refused when `max` are
    // open, or when `per_client_max` (0: no cap) are open from that peer.
    Reservation try_reserve(const std::string& peer, std::size_t max, std::size_t per_client_max);
    // Gives back a reservation that never became a session.
    void cancel_reservation(const std::string& peer);
    // The session for a reservation; returns the id to remove() with.
    std::uint64_t add(std::weak_ptr<Session> session, std::string peer);
    // Called from the session's destructor: ends its reservation.
    void remove(std::uint64_t id);

    // A request of `client` handed to the service; false (nothing counted) when `max` (0: no
    // cap) are already in flight for it. Every true is paired with one end_request().
    bool begin_request(const std::string& client, std::size_t max);
    void end_request(const std::string& client);

    // Marks stopping and asks every session to shut down; calls on_drained when none is open.
    void begin_stop();
    // Closes every session now; only when no I/O thread runs. Also drops on_drained.
    void abandon_all();

    bool stopping() const { return stopping_.load(std::memory_order_acquire); }
    std::size_t size() const { return count_.load(std::memory_order_acquire); }

  private:
    void drained_check();

    struct Entry {
        std::weak_ptr<Session> session;
        std::string peer;
    };
    // Drops the count for `key` by one, erasing it at zero (so the maps hold live clients only).
    static void release(std::unordered_map<std::string, std::size_t>& counts,
                        const std::string& key);

    mutable std::mutex mutex_;
    std::unordered_map<std::uint64_t, Entry> sessions_;
    std::unordered_map<std::string, std::size_t> per_peer_;   // connections
    std::unordered_map<std::string, std::size_t> in_flight_;  // requests
    std::uint64_t next_id_ = 1;
    std::atomic<std::size_t> count_{0};
    std::atomic<bool> stopping_{false};
    std::function<void()> on_drained_;
};

}  // namespace fieldgate::http
