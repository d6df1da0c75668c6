// Synchronous client on Beast: each call runs async operations on a private io_context until
// they finish, so every step is bounded by the caller's deadline (tcp_stream timeouts).
#include "http_client.h"

#include <sys/socket.h>

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cerrno>
#include <limits>
#include <stdexcept>

namespace fieldgate::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = ascii_lower(c);
    return out;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    }
    return true;
}

std::string_view to_sv(beast::string_view s) {
    return {s.data(), s.size()};
}

[[noreturn]] void fail(const std::string& what, const std::string& where, const error_code& ec) {
    const std::string reason = ec == beast::error::timeout ? "timed out" : ec.message();
    throw std::runtime_error("http client: " + what + " " + where + ": " + reason);
}

// Runs the io_context until every queued operation completed.
void run_all(net::io_context& ioc) {
    ioc.restart();
    ioc.run();
}

}  // namespace

std::optional<std::string> ClientResponse::header(std::string_view name) const {
    auto it = headers.find(lower(name));
    if (it == headers.end()) return std::nullopt;
    return it->second;
}

struct HttpClient::Impl {
    Impl(std::string h, std::uint16_t p) : host(std::move(h)), port(p) {}

    std::string where() const { return host + ":" + std::to_string(port); }

    void resolve() {
        if (!endpoints.empty()) return;
        tcp::resolver resolver(ioc);
        error_code ec;
        endpoints = resolver.resolve(host, std::to_string(port), ec);
        if (ec) fail("cannot resolve", where(), ec);
    }

    void connect(Clock::time_point deadline) {
        close();
        resolve();
        stream.emplace(ioc);
        stream->expires_at(deadline);
        error_code ec;
        stream->async_connect(endpoints, [&](error_code e, const tcp::endpoint&) { ec = e; });
        run_all(ioc);
        if (ec) {
            close();
            fail("cannot connect to", where(), ec);
        }
        error_code ignored;
        stream->socket().set_option(tcp::no_delay(true), ignored);
        ++opened;
    }

    void close() {
        if (stream) {
            error_code ec;
            stream->socket().shutdown(tcp::socket::shutdown_both, ec);
            stream->close();
            stream.reset();
        }
        buffer.clear();
    }

    // A kept-alive connection is usable when the server has neither closed it nor sent
    // anything unasked (leftovers would be mistaken for the next response).
    bool reusable() {
        if (!stream || !stream->socket().is_open() || buffer.size() != 0) return false;
        char c;
        const auto n = ::recv(stream->socket().native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
        return false;  // 0: closed by the server; > 0: unexpected bytes
    }

    std::string host;
    std::uint16_t port;
    net::io_context ioc{1};
    std::optional<beast::tcp_stream> stream;
    beast::flat_buffer buffer;
    tcp::resolver::results_type endpoints;
    std::size_t opened = 0;
};

HttpClient::HttpClient(std::string host, std::uint16_t port)
    : impl_(std::make_unique<Impl>(std::move(host), port)) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

ClientResponse HttpClient::request(std::string_view method, std::string_view target,
                                   const HeaderList& headers, std::string_view body,
                                   std::chrono::milliseconds timeout) {
    Impl& d = *impl_;
    const auto deadline = Clock::now() + timeout;

    bhttp::request<bhttp::string_body> req;
    const auto verb = bhttp::string_to_verb(beast::string_view(method.data(), method.size()));
    if (verb == bhttp::verb::unknown) {
        req.method_string(beast::string_view(method.data(), method.size()));
    } else {
        req.method(verb);
    }
    req.target(beast::string_view(target.data(), target.size()));
    req.version(11);
    bool has_host = false;
    bool has_framing = false;
    bool chunked = false;
    bool has_agent = false;
    for (const auto& [name, value] : headers) {
        if (iequals(name, "host")) has_host = true;
        if (iequals(name, "user-agent")) has_agent = true;
        if (iequals(name, "transfer-encoding")) {
            has_framing = true;
            chunked = lower(value).find("chunked") != std::string::npos;
            continue;  // the serializer writes it from req.chunked()
        }
        if (iequals(name, "content-length")) has_framing = true;
        req.insert(name, value);
    }
    if (!has_host) req.set(bhttp::field::host, d.where());
    if (!has_agent) req.set(bhttp::field::user_agent, "fieldgate-http-client");
    req.body().assign(body.data(), body.size());
    if (chunked) {
        req.chunked(true);
    } else if (!has_framing) {
        req.prepare_payload();
    }
    const std::string where = d.where() + std::string(target);

    // Connect or reuse; at most one reconnect, and only while nothing has been sent.
    bool fresh = false;
    if (!d.reusable()) {
        d.connect(deadline);
        fresh = true;
    }
    for (;;) {
        d.stream->expires_at(deadline);
        error_code ec;
        std::size_t sent = 0;
        bhttp::async_write(*d.stream, req, [&](error_code e, std::size_t n) {
            ec = e;
            sent = n;
        });
        run_all(d.ioc);
        if (!ec) break;
        d.close();
        if (fresh || sent != 0 || ec == beast::error::timeout) fail("cannot send to", where, ec);
        d.connect(deadline);  // the old connection died before taking a byte
        fresh = true;
    }

    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    parser.header_limit(1024 * 1024);
    if (req.method() == bhttp::verb::head) parser.skip(true);
    error_code ec;
    bhttp::async_read(*d.stream, d.buffer, parser, [&](error_code e, std::size_t) { ec = e; });
    run_all(d.ioc);
    if (ec) {
        d.close();
        if (ec == bhttp::error::end_of_stream) {
            throw std::runtime_error("http client: " + where +
                                     ": connection closed before a response (the request may "
                                     "have been processed; not retried)");
        }
        fail("no response from", where, ec);
    }

    auto& msg = parser.get();
    ClientResponse out;
    out.status = static_cast<int>(msg.result_int());
    for (const auto& field : msg) {
        std::string name = lower(to_sv(field.name_string()));
        auto [it, inserted] = out.headers.try_emplace(std::move(name), to_sv(field.value()));
        if (!inserted) {
            it->second += ", ";
            it->second += to_sv(field.value());
        }
    }
    const bool keep = msg.keep_alive() && !parser.need_eof();
    out.body = std::move(msg.body());
    if (!keep) d.close();
    return out;
}

ClientResponse HttpClient::get(std::string_view target, const HeaderList& headers,
                               std::chrono::milliseconds timeout) {
    return request("GET", target, headers, {}, timeout);
}

ClientResponse HttpClient::post(std::string_view target, std::string_view body,
                                std::string_view content_type, const HeaderList& headers,
                                std::chrono::milliseconds timeout) {
    HeaderList all = headers;
    all.emplace_back("Content-Type", std::string(content_type));
    return request("POST", target, all, body, timeout);
}

void HttpClient::close() {
    impl_->close();
}

bool HttpClient::is_connected() const {
    return impl_->stream.has_value();
}

std::size_t HttpClient::connections_opened() const {
    return impl_->opened;
}

std::string HttpClient::raw_exchange(const std::string& host, std::uint16_t port,
                                     std::string_view bytes, std::chrono::milliseconds timeout) {
    return raw_exchange_detailed(host, port, bytes, timeout).data;
}

RawReply HttpClient::raw_exchange_detailed(const std::string& host, std::uint16_t port,
                                           std::string_view bytes,
                                           std::chrono::milliseconds timeout) {
    Impl d(host, port);
    d.connect(Clock::now() + timeout);  // sets the deadline for everything below
    auto& stream = *d.stream;
    // A write error is not final: the server may have answered and closed early.
    error_code write_ec;
    net::async_write(stream, net::buffer(bytes.data(), bytes.size()),
                     [&](error_code e, std::size_t) { write_ec = e; });
    run_all(d.ioc);

    RawReply reply;
    if (write_ec == beast::error::timeout) return reply;  // never got it all out: not closed
    std::array<char, 8192> chunk{};
    for (;;) {
        error_code ec;
        std::size_t n = 0;
        stream.async_read_some(net::buffer(chunk), [&](error_code e, std::size_t got) {
            ec = e;
            n = got;
        });
        run_all(d.ioc);
        reply.data.append(chunk.data(), n);
        if (ec) {
            reply.closed = ec != beast::error::timeout;
            break;
        }
    }
    d.close();
    return reply;
}

}  // namespace fieldgate::http
