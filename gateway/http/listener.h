// Private to gateway/http: accepts connections and hands each to a session on its own strand.
// An accept error is logged and accepting goes on (STYLE.md 3).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "log_throttle.h"
#include "session.h"

namespace fieldgate::http {

class Listener : public std::enable_shared_from_this<Listener> {
  public:
    Listener(boost::asio::io_context& ioc, std::shared_ptr<const SessionContext> ctx);

    // Binds and listens; throws std::runtime_error when that fails.
    void open(const std::string& address, std::uint16_t port);
    std::uint16_t port() const { return port_; }
    // Starts the accept loop (runs once the io_context runs).
    void start();
    // Any thread: closes the acceptor on its strand.
    void stop();

  private:
    void do_accept();
    void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);
    void refuse(boost::asio::ip::tcp::socket& socket, const std::string& answer,
                const std::string& peer, std::string_view cap, std::size_t connections);

    boost::asio::io_context& ioc_;
    std::shared_ptr<const SessionContext> ctx_;
    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer backoff_;
    std::uint16_t port_ = 0;
    LogThrottle refusal_log_{std::chrono::seconds(10), 5};
};

}  // namespace fieldgate::http
