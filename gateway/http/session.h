// Private to gateway/http: one HTTP connection. The Session class itself is in session_impl.h,
// included only by session.cpp and session_write.cpp; this header needs only Asio.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "server.h"
#include "session_registry.h"
#include "types.h"

namespace fieldgate::http {

// Where answers enter the I/O threads. Closed (under the exclusive lock) before the io_context
// is destroyed; a `respond` called after that is a no-op instead of a post into a dead
// io_context.
//
// Answers handed over from another thread (the store writer settles a whole batch of jobs at
// once) queue here and reach the I/O thread in one post per burst, not one each: every post from
// outside takes the io_context's lock against the running I/O thread, and a batch of 60 answers
// was 60 of them (the durable-limit bench answers a batch with one post too).
class RespondGate : public std::enable_shared_from_this<RespondGate> {
  public:
    std::shared_mutex mutex;
    bool open = true;

    void close() {
        std::unique_lock lock(mutex);
        open = false;
    }

    // Any thread, under the shared lock with `open` checked: runs `deliver` on `strand`.
    void hand_over(const boost::asio::any_io_executor& strand, std::function<void()> deliver);

  private:
    void drain();

    std::mutex inbox_mutex_;
    std::vector<std::pair<boost::asio::any_io_executor, std::function<void()>>> inbox_;
};

class TlsContexts;

// What every session of one server shares.
struct SessionContext {
    SessionContext(ServerOptions options_in, Service& service_in,
                   std::shared_ptr<SessionRegistry> registry_in,
                   std::shared_ptr<TlsContexts> tls_in)
        : options(std::move(options_in)),
          service(service_in),
          registry(std::move(registry_in)),
          gate(std::make_shared<RespondGate>()),
          tls(std::move(tls_in)) {}

    const ServerOptions options;
    Service& service;
    const std::shared_ptr<SessionRegistry> registry;
    const std::shared_ptr<RespondGate> gate;
    const std::shared_ptr<TlsContexts> tls;  // null: plain HTTP
};

// Takes over a connection already counted in with registry->try_reserve(); the socket must be
// bound to its own strand. The session keeps itself alive through its pending operations.
// `peer` is the address the reservation was counted under.
void start_session(boost::asio::ip::tcp::socket socket, std::string peer,
                   std::shared_ptr<const SessionContext> ctx);

}  // namespace fieldgate::http
