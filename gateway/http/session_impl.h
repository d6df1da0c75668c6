// Private to gateway/http: the Session class, shared by session.cpp (reading a request and
// handing it to the service) and session_write.cpp (TLS handshake, writing, closing). Only
// these two translation units include Beast's HTTP parser.
#pragma once

#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "session.h"
#include "session_stream.h"

namespace fieldgate::http {

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(boost::asio::ip::tcp::socket&& socket, std::string peer,
            std::shared_ptr<const SessionContext> ctx);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    void set_registry_id(std::uint64_t id) { registry_id_ = id; }
    void start();
    // Any thread.
    void shutdown();
    // Only when no I/O thread runs (Server teardown).
    void abandon();
    const boost::asio::any_io_executor& strand() const { return strand_; }
    // On the strand: the service's answer to request number `seq`.
    void deliver(std::uint64_t seq, Response response);

  private:
    enum class State { reading, handling, writing, closing, closed };
    struct RespondState;

    // session_write.cpp
    void on_handshake(boost::system::error_code ec);
    // session.cpp
    void begin_request();
    void on_first_bytes(boost::system::error_code ec, std::size_t n);
    void parse_header();
    void on_header_read(boost::system::error_code ec);
    void on_header();
    void read_head_fields();
    void read_body();
    void on_body_read(boost::system::error_code ec);
    void dispatch();
    void end_in_flight();
    // session_write.cpp
    void send_problem(int status, std::string_view type, std::string_view title,
                      const std::string& detail);
    void send(Response r);
    void write_plain(bool keep);
    void build_response(Response& r, bool keep);
    void on_write(boost::system::error_code ec, bool keep);
    void close_connection(bool linger);
    void drain();
    void on_shutdown();

    SessionStream stream_;
    const boost::asio::any_io_executor strand_;
    const std::shared_ptr<const SessionContext> ctx_;
    boost::beast::flat_buffer buffer_;
    std::optional<boost::beast::http::request_parser<boost::beast::http::empty_body>>
        header_parser_;
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> body_parser_;
    boost::beast::http::response<boost::beast::http::string_body> response_;
    std::optional<boost::beast::http::response_serializer<boost::beast::http::string_body>>
        serializer_;
    Request head_;
    std::string remote_address_;
    std::optional<PeerCertificate> client_certificate_;  // from the TLS handshake
    std::optional<std::string> in_flight_client_;        // counted by registry->begin_request()
    std::shared_ptr<Session> self_;                      // set while the service holds the request
    std::array<char, 4096> drain_{};
    std::uint64_t registry_id_ = 0;
    std::uint64_t seq_ = 0;
    State state_ = State::reading;
    unsigned version_ = 11;
    bool keep_alive_ = true;
    bool head_method_ = false;
    bool first_ = true;
    bool stopping_ = false;
    bool close_after_response_ = false;
    bool unread_input_ = false;
};

}  // namespace fieldgate::http
