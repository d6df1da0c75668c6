// Private to gateway/http: the stream one session reads and writes, plain TCP or TLS over the
// same tcp_stream (whose timer bounds the TLS records' reads and writes as well). A branch per
// operation instead of a template keeps one Session for both; the plain path stays as it was.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <memory>
#include <optional>
#include <utility>

namespace fieldgate::http {

class SessionStream {
  public:
    using executor_type = boost::beast::tcp_stream::executor_type;
    using Tls = boost::asio::ssl::stream<boost::beast::tcp_stream&>;

    explicit SessionStream(boost::asio::ip::tcp::socket&& socket) : tcp_(std::move(socket)) {}

    // Before the first read: every byte from here on goes through TLS with `context`, which
    // stays alive as long as the stream.
    void use_tls(std::shared_ptr<boost::asio::ssl::context> context) {
        context_ = std::move(context);
        tls_.emplace(tcp_, *context_);
    }
    bool tls() const { return tls_.has_value(); }
    Tls& tls_stream() { return *tls_; }

    executor_type get_executor() { return tcp_.get_executor(); }
    boost::beast::tcp_stream& tcp() { return tcp_; }
    boost::asio::ip::tcp::socket& socket() { return tcp_.socket(); }
    template <class Duration>
    void expires_after(Duration d) {
        tcp_.expires_after(d);
    }
    void close() { tcp_.close(); }

    template <class Buffers, class Handler>
    void async_read_some(const Buffers& buffers, Handler&& handler) {
        if (tls_)
            tls_->async_read_some(buffers, std::forward<Handler>(handler));
        else
            tcp_.async_read_some(buffers, std::forward<Handler>(handler));
    }
    template <class Buffers, class Handler>
    void async_write_some(const Buffers& buffers, Handler&& handler) {
        if (tls_)
            tls_->async_write_some(buffers, std::forward<Handler>(handler));
        else
            tcp_.async_write_some(buffers, std::forward<Handler>(handler));
    }

  private:
    boost::beast::tcp_stream tcp_;
    std::shared_ptr<boost::asio::ssl::context> context_;  // before tls_: outlives it
    std::optional<Tls> tls_;
};

}  // namespace fieldgate::http
