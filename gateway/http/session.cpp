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
#include "session.h"

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "client_address.h"

namespace fieldgate::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

// How much one read asks for; a typical request (header and a few KB of JSON) fits in one.
constexpr std::size_t kReadChunk = 16 * 1024;
// After a response that closes the connection while request bytes may still be unread, keep
// reading and discarding for at most this long so that closing does not reset the connection
// (a reset can destroy the response before the client reads it).
constexpr std::chrono::seconds kLingerTime{3};
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr std::string_view kProblemBase = "https://fieldgate.example/problems/";

std::string_view to_sv(beast::string_view s) {
    return {s.data(), s.size()};
}

char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
char ascii_upper(char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    }
    return true;
}

void json_escape_into(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (u < 0x20) {
            out += "\\u00";
            out.push_back(kHex[u >> 4]);
            out.push_back(kHex[u & 0xF]);
        } else {
            out.push_back(c);
        }
    }
}

// RFC 9457 problem details for the errors the HTTP layer answers itself.
Response problem(int status, std::string_view type, std::string_view title,
                 std::string_view detail) {
    Response r;
    r.status = status;
    r.content_type = "application/problem+json";
    r.body = "{\"type\":\"";
    r.body += kProblemBase;
    json_escape_into(r.body, type);
    r.body += "\",\"title\":\"";
    json_escape_into(r.body, title);
    r.body += "\",\"status\":";
    r.body += std::to_string(status);
    r.body += ",\"detail\":\"";
    json_escape_into(r.body, detail);
    r.body += "\"}";
    return r;
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

bool header_value_is_safe(std::string_view s) {
    return s.find_first_of("\r\n") == std::string_view::npos && s.find('\0') == s.npos;
}

}  // namespace

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket&& socket, std::string peer, std::shared_ptr<const SessionContext> ctx)
        : stream_(std::move(socket)),
          strand_(stream_.get_executor()),
          ctx_(std::move(ctx)),
          remote_address_(std::move(peer)) {
        error_code ec;
        stream_.socket().set_option(tcp::no_delay(true), ec);
    }

    ~Session() {
        end_in_flight();
        if (registry_id_ != 0) ctx_->registry->remove(registry_id_);
    }

    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    void set_registry_id(std::uint64_t id) { registry_id_ = id; }

    void start() {
        net::dispatch(strand_,
                      beast::bind_front_handler(&Session::begin_request, shared_from_this()));
    }

    // Any thread.
    void shutdown() {
        net::post(strand_, beast::bind_front_handler(&Session::on_shutdown, shared_from_this()));
    }

    // Only when no I/O thread runs (Server teardown).
    void abandon() {
        self_.reset();
        stream_.close();
        state_ = State::closed;
    }

    const net::any_io_executor& strand() const { return strand_; }

    // On the strand: the service's answer to request number `seq`.
    void deliver(std::uint64_t seq, Response response) {
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

  private:
    enum class State { reading, handling, writing, closing, closed };

    // ---- reading --------------------------------------------------------------------------

    void begin_request() {
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

    void on_first_bytes(error_code ec, std::size_t n) {
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

    void parse_header() {
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

    void on_header_read(error_code ec) {
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
            if (ec == beast::error::timeout)
                spdlog::debug("http: {} header timeout", remote_address_);
            close_connection(false);
            return;
        }
        send_problem(400, "malformed-request", "Malformed request",
                     "The request line or headers could not be parsed: " + ec.message() + ".");
    }

    void on_header() {
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
            for (char& c : h.name) c = ascii_lower(c);
            h.value.assign(to_sv(field.value()));
            head_.headers.push_back(std::move(h));
        }
        head_.remote_address = remote_address_;
        head_.client_address = client_address(remote_address_, head_.header("x-forwarded-for"),
                                              ctx_->options.trusted_proxies);
        head_.body_follows = !header_parser_->is_done();
        version_ = msg.version();
        keep_alive_ = msg.keep_alive();
        head_method_ = msg.method() == bhttp::verb::head;

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
        if (expect && version_ >= 11 && iequals(*expect, "100-continue") && buffer_.size() == 0) {
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

    void read_body() {
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

    void on_body_read(error_code ec) {
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

    // ---- handing over to the service --------------------------------------------------------

    // Shared by every copy of one request's `respond`: makes it exactly-once, and turns a
    // `respond` that the service dropped without calling into a 500 instead of a hung client.
    struct RespondState {
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
                net::post(s->strand(), [s, n = seq, r = std::move(response)]() mutable {
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

    void dispatch() {
        // A direct client has one request in flight per connection, and its connections are
        // capped; clients behind a trusted proxy share the proxy's connections, so for them the
        // cap is on requests in flight.
        const bool forwarded = head_.client_address != remote_address_;
        if (forwarded &&
            !ctx_->registry->begin_request(head_.client_address,
                                           ctx_->options.max_requests_in_flight_per_client)) {
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

    void end_in_flight() {
        if (!in_flight_client_) return;
        ctx_->registry->end_request(*in_flight_client_);
        in_flight_client_.reset();
    }

    // ---- writing ----------------------------------------------------------------------------

    void send_problem(int status, std::string_view type, std::string_view title,
                      const std::string& detail) {
        close_after_response_ = true;
        send(problem(status, type, title, detail));
    }

    void send(Response r) {
        const bool keep = keep_alive_ && !r.close && !close_after_response_ && !stopping_;
        try {
            build_response(r, keep);
        } catch (const std::exception& e) {
            spdlog::error("http: cannot build the response: {}", e.what());
            close_connection(unread_input_);
            return;
        }
        state_ = State::writing;
        // Almost every answer fits the socket's send buffer: write it now, without an async
        // operation, a timer and a completion hop per response (measured on the ingest path).
        // Whatever does not fit goes on asynchronously from where the serializer stopped.
        serializer_.emplace(response_);
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

    void build_response(Response& r, bool keep) {
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
            if (iequals(h.name, "content-length") || iequals(h.name, "transfer-encoding") ||
                iequals(h.name, "connection")) {
                continue;
            }
            if (iequals(h.name, "content-type")) {
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

    void on_write(error_code ec, bool keep) {
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

    void close_connection(bool linger) {
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

    void drain() {
        stream_.async_read_some(net::buffer(drain_),
                                [self = shared_from_this()](error_code ec, std::size_t) {
                                    if (ec || self->state_ != State::closing) {
                                        self->stream_.close();
                                        self->state_ = State::closed;
                                        return;
                                    }
                                    self->drain();
                                });
    }

    void on_shutdown() {
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

    beast::tcp_stream stream_;
    const net::any_io_executor strand_;
    const std::shared_ptr<const SessionContext> ctx_;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::empty_body>> header_parser_;
    std::optional<bhttp::request_parser<bhttp::string_body>> body_parser_;
    bhttp::response<bhttp::string_body> response_;
    std::optional<bhttp::response_serializer<bhttp::string_body>> serializer_;
    Request head_;
    std::string remote_address_;
    std::optional<std::string> in_flight_client_;  // counted by registry->begin_request()
    std::shared_ptr<Session> self_;                // set while the service holds the request
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
