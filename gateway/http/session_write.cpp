// The Session's TLS handshake, response writing and closing (the reading side is session.cpp).
#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <string>
#include <utility>

#include "problem.h"
#include "session_impl.h"
#include "tls_context.h"

namespace fieldgate::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

// After a response that closes the connection while request bytes may still be unread, keep
// reading and discarding for at most this long so that closing does not reset the connection
// (a reset can destroy the response before the client reads it).
constexpr std::chrono::seconds kLingerTime{3};

}  // namespace

Session::Session(tcp::socket&& socket, std::string peer, std::shared_ptr<const SessionContext> ctx)
    : stream_(std::move(socket)),
      strand_(stream_.get_executor()),
      ctx_(std::move(ctx)),
      remote_address_(std::move(peer)) {
    error_code ec;
    stream_.socket().set_option(tcp::no_delay(true), ec);
    if (ctx_->tls) stream_.use_tls(ctx_->tls->current());
}

Session::~Session() {
    end_in_flight();
    if (registry_id_ != 0) ctx_->registry->remove(registry_id_);
}

void Session::start() {
    net::dispatch(strand_, [self = shared_from_this()] {
        if (!self->stream_.tls()) {
            self->begin_request();
            return;
        }
        self->stream_.expires_after(self->ctx_->options.read_timeout);
        self->stream_.tls_stream().async_handshake(
            net::ssl::stream_base::server, beast::bind_front_handler(&Session::on_handshake, self));
    });
}

void Session::on_handshake(error_code ec) {
    if (ec) {
        spdlog::debug("http: TLS handshake with {} failed: {}", remote_address_, ec.message());
        close_connection(false);
        return;
    }
    client_certificate_ = peer_certificate(stream_.tls_stream().native_handle());
    begin_request();
}

void Session::shutdown() {
    net::post(strand_, beast::bind_front_handler(&Session::on_shutdown, shared_from_this()));
}

void Session::abandon() {
    self_.reset();
    stream_.close();
    state_ = State::closed;
}

void Session::deliver(std::uint64_t seq, Response response) {
    if (state_ != State::handling || seq != seq_) return;
    auto keep = std::move(self_);  // `this` stays alive until the end of this call
    end_in_flight();
    if (response.prepare) {
        auto prepare = std::move(response.prepare);
        response.prepare = nullptr;
        try {
            prepare(response);
        } catch (const std::exception& e) {
            spdlog::error("http: preparing a response failed: {}", e.what());
            response = problem(500, "internal-error", "Internal error",
                               "The response could not be produced.");
        }
    }
    send(std::move(response));
}

// ---- writing ------------------------------------------------------------------------------

void Session::send_problem(int status, std::string_view type, std::string_view title,
                           const std::string& detail) {
    close_after_response_ = true;
    send(problem(status, type, title, detail));
}

void Session::send(Response r) {
    const bool keep = keep_alive_ && !r.close && !close_after_response_ && !stopping_;
    try {
        build_response(r, keep);
    } catch (const std::exception& e) {
        spdlog::error("http: cannot build the response: {}", e.what());
        close_connection(unread_input_);
        return;
    }
    state_ = State::writing;
    serializer_.emplace(response_);
    if (!stream_.tls()) {
        write_plain(keep);
        return;
    }
    stream_.expires_after(ctx_->options.write_timeout);
    bhttp::async_write(stream_, *serializer_,
                       [self = shared_from_this(), keep](error_code ec, std::size_t) {
                           self->on_write(ec, keep);
                       });
}

// Almost every answer fits the socket's send buffer: write it now, without an async operation,
// a timer and a completion hop per response (measured on the ingest path). Whatever does not fit
// goes on asynchronously from where the serializer stopped. Plain TCP only: a TLS record cannot
// be written past the SSL engine.
void Session::write_plain(bool keep) {
    error_code ec;
    auto& socket = stream_.socket();
    if (!socket.non_blocking()) socket.non_blocking(true, ec);
    while (!ec && !serializer_->is_done()) bhttp::write_some(socket, *serializer_, ec);
    if (ec == net::error::would_block || ec == net::error::try_again) {
        stream_.expires_after(ctx_->options.write_timeout);
        bhttp::async_write(stream_, *serializer_,
                           [self = shared_from_this(), keep](error_code ec, std::size_t) {
                               self->on_write(ec, keep);
                           });
        return;
    }
    on_write(ec, keep);
}

void Session::build_response(Response& r, bool keep) {
    response_ = {};
    response_.version(version_ == 10 ? 10 : 11);
    unsigned status = 500;
    if (r.status >= 200 && r.status <= 999) {
        status = static_cast<unsigned>(r.status);
    } else {
        spdlog::error("http: invalid response status {}; sending 500", r.status);
    }
    response_.result(status);
    response_.set(bhttp::field::server, "fieldgate");
    if (!r.content_type.empty() && header_value_is_safe(r.content_type)) {
        response_.set(bhttp::field::content_type, r.content_type);
    }
    for (const auto& h : r.headers) {
        if (h.name.empty() || !header_value_is_safe(h.name) || !header_value_is_safe(h.value) ||
            h.name.find_first_of(": ") != std::string::npos) {
            spdlog::warn("http: dropping an invalid response header");
            continue;
        }
        // Framing is the server's business.
        if (iequals_ascii(h.name, "content-length") || iequals_ascii(h.name, "transfer-encoding") ||
            iequals_ascii(h.name, "connection")) {
            continue;
        }
        if (iequals_ascii(h.name, "content-type")) {
            response_.set(bhttp::field::content_type, h.value);
        } else {
            response_.insert(h.name, h.value);
        }
    }
    response_.keep_alive(keep);
    if (status == 204 || status == 304) {
        response_.body().clear();
    } else if (head_method_) {
        response_.content_length(r.body.size());  // what a GET would carry; no body sent
    } else {
        response_.body() = std::move(r.body);
        response_.prepare_payload();
    }
}

void Session::on_write(error_code ec, bool keep) {
    serializer_.reset();
    response_ = {};
    if (ec) {
        close_connection(false);
        return;
    }
    if (!keep) {
        close_connection(unread_input_ || buffer_.size() > 0);
        return;
    }
    begin_request();
}

// ---- closing ----------------------------------------------------------------------------

void Session::close_connection(bool linger) {
    if (state_ == State::closed) return;
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (!linger || ec || stopping_) {
        stream_.close();
        state_ = State::closed;
        return;
    }
    state_ = State::closing;
    buffer_.clear();
    stream_.expires_after(kLingerTime);
    drain();
}

void Session::drain() {
    // Raw TCP even under TLS: the bytes are thrown away unread.
    stream_.tcp().async_read_some(net::buffer(drain_),
                                  [self = shared_from_this()](error_code ec, std::size_t) {
                                      if (ec || self->state_ != State::closing) {
                                          self->stream_.close();
                                          self->state_ = State::closed;
                                          return;
                                      }
                                      self->drain();
                                  });
}

void Session::on_shutdown() {
    stopping_ = true;
    switch (state_) {
        case State::reading:
        case State::closing: {
            // Cancels the pending read; its handler finishes closing.
            stream_.close();
            break;
        }
        case State::handling:
        case State::writing:
            break;  // finish the response, then close (stopping_ turns keep-alive off)
        case State::closed:
            break;
    }
}

void start_session(tcp::socket socket, std::string peer,
                   std::shared_ptr<const SessionContext> ctx) {
    auto registry = ctx->registry;
    std::shared_ptr<Session> session;
    try {
        session = std::make_shared<Session>(std::move(socket), peer, std::move(ctx));
    } catch (const std::exception& e) {
        spdlog::error("http: cannot start a session: {}", e.what());
        registry->cancel_reservation(peer);
        return;
    }
    session->set_registry_id(registry->add(session, std::move(peer)));
    session->start();
}

void shutdown_session(const std::shared_ptr<Session>& session) {
    session->shutdown();
}

void abandon_session(const std::shared_ptr<Session>& session) {
    session->abandon();
}

}  // namespace fieldgate::http
