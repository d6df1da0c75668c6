// A TCP proxy on loopback that injects the faults a tablet meets in the field: it can cut the
// connection after exactly N more bytes have passed in one direction (whatever connection and
// whichever step of a sync they belong to), refuse every connection (no signal), or stall
// every connection silently. Asio on one thread of its own; Asio stays in fault_proxy.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace fieldgate::sim {

class FaultProxy {
  public:
    enum class Direction { to_server, to_client };

    // Listens on 127.0.0.1, a free port; forwards to upstream_host:upstream_port.
    FaultProxy(std::string upstream_host, std::uint16_t upstream_port);
    ~FaultProxy();
    FaultProxy(const FaultProxy&) = delete;
    FaultProxy& operator=(const FaultProxy&) = delete;

    std::uint16_t port() const;
    // Once `after_bytes` more bytes have been forwarded in `direction`, the connection carrying
    // them is closed on both sides (the bytes up to the budget are delivered). One-shot.
    void cut_after(Direction direction, std::size_t after_bytes);
    void disarm();
    // Offline: new connections are accepted and closed at once; open ones are closed now.
    void set_offline(bool offline);
    // Stalled: a silent cut, as a network that drops every packet looks to an application.
    // Nothing is forwarded either way and nothing is closed: open connections keep what they
    // send (delivered once the stall ends, like a partition that heals), new ones are accepted
    // and held unconnected. Only a timeout of the application's own can tell.
    void set_stalled(bool stalled);

    std::size_t cuts() const;         // connections cut by a budget so far
    std::size_t connections() const;  // connections accepted so far
    bool armed() const;

  private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace fieldgate::sim
