// One HTTP/1.1 connection on Beast (STYLE.md 2, 3, 4): the session owns its stream, runs on its
// own strand, keeps itself alive with shared_from_this(), bounds every read with a timeout and
// every body with the service's limit, and reports errors with error_code, never by throwing
// across a completion handler.
//
// Request cycle: wait for the first byte (idle_timeout, or read_timeout on a new connection),
// then the whole request must arrive within read_timeout: header through a
// request_parser<empty_body> (header limit), Service::admit() on the head (which may answer at
// once, credentials refused, before any body byte is read), then the body through a
// request_parser<string_body> built from the header parser, up to the admitted limit. The service
// answers through `respond`, from any thread; the answer is posted back to the strand and written.
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "client_address.h"
#include "problem.h"
#include "session_impl.h"

namespace fieldgate::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

// How much one read asks for; a typical request (header and a few KB of JSON) fits in one.
constexpr std::size_t kReadChunk = 16 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

std::string_view to_sv(beast::string_view s) {
    return {s.data(), s.size()};
}

bool is_http_error(const error_code& ec) {
    return ec.category() == bhttp::make_error_code(bhttp::error::need_more).category();
}

// Errors that only mean "the peer went away or took too long": close without answering.
bool is_disconnect(const error_code& ec) {
    return ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
           ec == net::error::eof || ec == beast::error::timeout ||
           ec == net::error::operation_aborted || ec == net::error::connection_reset ||
           ec == net::error::broken_pipe || ec == net::error::bad_descriptor || !is_http_error(ec);
}

}  // namespace

// ---- reading ------------------------------------------------------------------------------

void Session::begin_request() {
    if (stopping_) {
        close_connection(false);
        return;
    }
    state_ = State::reading;
    close_after_response_ = false;
    unread_input_ = false;
    head_ = Request{};
    body_parser_.reset();
    header_parser_.emplace();
    header_parser_->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(
        ctx_->options.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
    // No limit yet: Service::admit() decides once the head is known. (A disengaged
    // optional would be compared as "less than any length" by Beast 1.74, so use max.)
    header_parser_->body_limit(std::numeric_limits<std::uint64_t>::max());

    if (buffer_.size() > 0) {  // a pipelined request is already here
        first_ = false;
        stream_.expires_after(ctx_->options.read_timeout);
        parse_header();
        return;
    }
    stream_.expires_after(first_ ? ctx_->options.read_timeout : ctx_->options.idle_timeout);
    stream_.async_read_some(
        buffer_.prepare(kReadChunk),
        beast::bind_front_handler(&Session::on_first_bytes, shared_from_this()));
}

void Session::on_first_bytes(error_code ec, std::size_t n) {
    if (ec) {
        close_connection(false);
        return;
    }
    buffer_.commit(n);
    // From the first byte on, the whole request must arrive within read_timeout.
    if (!first_) stream_.expires_after(ctx_->options.read_timeout);
    first_ = false;
    parse_header();
}

void Session::parse_header() {
    error_code ec;
    while (buffer_.size() > 0 && !header_parser_->is_header_done()) {
        const std::size_t used = header_parser_->put(buffer_.data(), ec);
        buffer_.consume(used);
        if (ec == bhttp::error::need_more) {
            ec = {};
            break;
        }
        if (ec) break;
    }
    if (ec) {
        on_header_read(ec);
        return;
    }
    if (header_parser_->is_header_done()) {
        on_header();
        return;
    }
    bhttp::async_read_header(
        stream_, buffer_, *header_parser_,
        [self = shared_from_this()](error_code e, std::size_t) { self->on_header_read(e); });
}

void Session::on_header_read(error_code ec) {
    if (!ec) {
        on_header();
        return;
    }
    unread_input_ = true;
    if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
        send_problem(431, "header-too-large", "Request header fields too large",
                     "The request header exceeds " +
                         std::to_string(ctx_->options.max_header_bytes) + " bytes.");
        return;
    }
    if (is_disconnect(ec)) {
        if (ec == beast::error::timeout) spdlog::debug("http: {} header timeout", remote_address_);
        close_connection(false);
        return;
    }
    send_problem(400, "malformed-request", "Malformed request",
                 "The request line or headers could not be parsed: " + ec.message() + ".");
}

void Session::read_head_fields() {
    const auto& msg = header_parser_->get();
    std::string& method = head_.method;
    method.assign(to_sv(msg.method_string()));
    for (char& c : method) c = ascii_upper(c);
    head_.target.assign(to_sv(msg.target()));
    const std::string_view target = head_.target;
    const auto q = target.find('?');
    head_.path = percent_decode(target.substr(0, q), false);
    if (q != std::string_view::npos) head_.query.assign(target.substr(q + 1));
    head_.headers.reserve(16);
    for (const auto& field : msg) {
        Header h;
        h.name.assign(to_sv(field.name_string()));
        for (char& c : h.name) c = lower_ascii(c);
        h.value.assign(to_sv(field.value()));
        head_.headers.push_back(std::move(h));
    }
    head_.remote_address = remote_address_;
    head_.tls = stream_.tls();
    head_.client_certificate = client_certificate_;
    head_.client_address = client_address(remote_address_, head_.header("x-forwarded-for"),
                                          ctx_->options.trusted_proxies);
    head_.body_follows = !header_parser_->is_done();
    version_ = msg.version();
    keep_alive_ = msg.keep_alive();
    head_method_ = msg.method() == bhttp::verb::head;
}

void Session::on_header() {
    read_head_fields();
    Admission admission;
    try {
        admission = ctx_->service.admit(head_);
    } catch (const std::exception& e) {
        spdlog::error("http: admit() threw for {} {}: {}", head_.method, head_.path, e.what());
        unread_input_ = head_.body_follows;
        send_problem(500, "internal-error", "Internal error", "The request failed.");
        return;
    }
    if (admission.refusal) {
        // Answered from the head: not one byte of the body is read or kept.
        header_parser_.reset();
        if (head_.body_follows) {
            close_after_response_ = true;
            unread_input_ = true;
        }
        send(std::move(*admission.refusal));
        return;
    }
    if (!head_.body_follows) {
        header_parser_.reset();
        dispatch();
        return;
    }
    const std::size_t limit = admission.body_limit;

    const auto declared = header_parser_->content_length();
    if (declared && *declared > limit) {
        // Do not read a body we will not take: answer from the head and close.
        head_.body_too_large = true;
        head_.declared_length = static_cast<std::size_t>(*declared);
        close_after_response_ = true;
        unread_input_ = true;
        header_parser_.reset();
        dispatch();
        return;
    }
    if (declared) head_.declared_length = static_cast<std::size_t>(*declared);

    try {
        body_parser_.emplace(std::move(*header_parser_));
    } catch (const std::exception& e) {
        spdlog::error("http: cannot continue with the body: {}", e.what());
        header_parser_.reset();
        unread_input_ = true;
        send_problem(500, "internal-error", "Internal error", "The request failed.");
        return;
    }
    header_parser_.reset();
    body_parser_->body_limit(static_cast<std::uint64_t>(limit));

    const auto expect = head_.header("expect");
    if (expect && version_ >= 11 && iequals_ascii(*expect, "100-continue") && buffer_.size() == 0) {
        net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                         [self = shared_from_this()](error_code ec, std::size_t) {
                             if (ec) {
                                 self->close_connection(false);
                                 return;
                             }
                             self->read_body();
                         });
        return;
    }
    read_body();
}

void Session::read_body() {
    error_code ec;
    while (buffer_.size() > 0 && !body_parser_->is_done()) {
        const std::size_t used = body_parser_->put(buffer_.data(), ec);
        buffer_.consume(used);
        if (ec == bhttp::error::need_more) {
            ec = {};
            break;
        }
        if (ec || used == 0) break;
    }
    if (ec || body_parser_->is_done()) {
        on_body_read(ec);
        return;
    }
    bhttp::async_read(
        stream_, buffer_, *body_parser_,
        [self = shared_from_this()](error_code e, std::size_t) { self->on_body_read(e); });
}

void Session::on_body_read(error_code ec) {
    if (ec == bhttp::error::body_limit) {
        head_.body_too_large = true;
        head_.body = std::move(body_parser_->get().body());
        body_parser_.reset();
        close_after_response_ = true;
        unread_input_ = true;
        dispatch();
        return;
    }
    if (ec) {
        body_parser_.reset();
        unread_input_ = true;
        if (is_disconnect(ec)) {
            close_connection(false);
            return;
        }
        send_problem(400, "malformed-request", "Malformed request",
                     "The request body could not be read: " + ec.message() + ".");
        return;
    }
    head_.body = std::move(body_parser_->get().body());
    body_parser_.reset();
    dispatch();
}

// ---- handing over to the service ------------------------------------------------------------

struct Session::RespondState {
    RespondState(std::weak_ptr<Session> s, std::shared_ptr<RespondGate> g, std::uint64_t n)
        : session(std::move(s)), gate(std::move(g)), seq(n) {}
    RespondState(const RespondState&) = delete;
    RespondState& operator=(const RespondState&) = delete;

    ~RespondState() {
        if (done.load(std::memory_order_acquire)) return;
        spdlog::error("http: a request's respond was dropped without being called");
        deliver(problem(500, "internal-error", "Internal error", "No response was produced."));
    }

    void deliver(Response response) noexcept {
        if (done.exchange(true, std::memory_order_acq_rel)) {
            spdlog::warn("http: respond called more than once; ignored");
            return;
        }
        try {
            std::shared_lock lock(gate->mutex);
            if (!gate->open) return;  // server torn down
            auto s = session.lock();
            if (!s) return;  // connection already gone
            gate->hand_over(s->strand(), [s, n = seq, r = std::move(response)]() mutable {
                s->deliver(n, std::move(r));
            });
        } catch (const std::exception& e) {
            spdlog::error("http: cannot deliver a response: {}", e.what());
        }
    }

    std::weak_ptr<Session> session;
    std::shared_ptr<RespondGate> gate;
    std::uint64_t seq;
    std::atomic<bool> done{false};
};

void Session::dispatch() {
    // A direct client has one request in flight per connection, and its connections are
    // capped; clients behind a trusted proxy share the proxy's connections, so for them the
    // cap is on requests in flight.
    const bool forwarded = head_.client_address != remote_address_;
    if (forwarded && !ctx_->registry->begin_request(
                         head_.client_address, ctx_->options.max_requests_in_flight_per_client)) {
        send(problem(429, "too-many-requests-in-flight", "Too many requests in flight",
                     "This client has " +
                         std::to_string(ctx_->options.max_requests_in_flight_per_client) +
                         " requests waiting for an answer; wait for them."));
        return;
    }
    if (forwarded) in_flight_client_ = head_.client_address;
    state_ = State::handling;
    ++seq_;
    // The service may hold `respond` for as long as it likes; until it answers, the
    // session keeps itself alive (`respond` only holds a weak reference, so a late
    // answer after the connection or the server is gone does nothing).
    self_ = shared_from_this();
    auto state = std::make_shared<RespondState>(weak_from_this(), ctx_->gate, seq_);
    try {
        ctx_->service.handle(std::move(head_),
                             [state](Response r) { state->deliver(std::move(r)); });
    } catch (const std::exception& e) {
        spdlog::error("http: handler threw (client {}): {}", remote_address_, e.what());
        state->deliver(problem(500, "internal-error", "Internal error",
                               "The request could not be processed."));
    } catch (...) {
        spdlog::error("http: handler threw a non-standard exception");
        state->deliver(problem(500, "internal-error", "Internal error",
                               "The request could not be processed."));
    }
}

void Session::end_in_flight() {
    if (!in_flight_client_) return;
    ctx_->registry->end_request(*in_flight_client_);
    in_flight_client_.reset();
}

}  // namespace fieldgate::http
