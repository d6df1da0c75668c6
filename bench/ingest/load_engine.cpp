// The load engine: one io_context, each connection a small state machine on its own strand
// (connect → [pace] → write → read → record → next), all bounded by one deadline timer.
#include "load_engine.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <limits>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "load_summary.h"

namespace fieldgate::bench {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

class Engine;

class Connection : public std::enable_shared_from_this<Connection> {
  public:
    Connection(Engine& engine, net::io_context& ioc);

    void start();
    // Any thread: the deadline passed; abort what is in flight and finish.
    void abort();
    std::vector<RequestRecord>& records() { return records_; }

  private:
    void connect();
    void on_connect(error_code ec);
    void retry_later();
    void next();
    void send();
    void on_write(error_code ec);
    void on_read(error_code ec);
    void record(int status, Failure failure);
    void close();
    void finish();

    Engine& engine_;
    net::strand<net::io_context::executor_type> strand_;
    std::optional<beast::tcp_stream> stream_;
    net::steady_timer timer_;
    beast::flat_buffer buffer_;
    bhttp::request<bhttp::string_body> request_;
    std::optional<bhttp::response_parser<bhttp::string_body>> parser_;
    std::vector<RequestRecord> records_;
    std::string tag_;
    std::size_t index_ = 0;
    Clock::time_point t0_;
    std::chrono::milliseconds backoff_{0};
    bool in_flight_ = false;
    bool finished_ = false;
};

class Engine {
  public:
    Engine(const LoadOptions& options, const RequestGenerator& generator)
        : options_(options),
          generator_(generator),
          ioc_(std::max(1, options.threads)),
          deadline_timer_(ioc_) {
        tcp::resolver resolver(ioc_);
        error_code ec;
        endpoints_ = resolver.resolve(options.host, std::to_string(options.port), ec);
        if (ec) {
            throw std::runtime_error("load engine: cannot resolve " + options.host + ": " +
                                     ec.message());
        }
        host_header_ = options.host + ":" + std::to_string(options.port);
    }

    LoadResult run() {
        start_ = Clock::now();
        deadline_ = start_ + options_.duration;
        const std::size_t n = options_.connections;
        active_ = n;
        for (std::size_t i = 0; i < n; ++i) {
            connections_.push_back(std::make_shared<Connection>(*this, ioc_));
        }
        if (n > 0) {
            deadline_timer_.expires_at(deadline_);
            deadline_timer_.async_wait([this](error_code ec) {
                if (ec) return;  // everyone finished first
                deadline_hit_ = true;
                for (auto& c : connections_) c->abort();
            });
        }
        for (auto& c : connections_) c->start();

        std::vector<std::thread> extra;
        for (int i = 1; i < options_.threads; ++i) extra.emplace_back([this] { ioc_.run(); });
        ioc_.run();
        for (auto& t : extra) t.join();
        const auto end = Clock::now();

        LoadResult result;
        for (auto& c : connections_) {
            auto& r = c->records();
            result.records.insert(result.records.end(), std::make_move_iterator(r.begin()),
                                  std::make_move_iterator(r.end()));
        }
        connections_.clear();
        std::sort(result.records.begin(), result.records.end(),
                  [](const RequestRecord& a, const RequestRecord& b) {
                      return a.completed < b.completed;
                  });
        summarize(result, connects.load(), connect_failures.load(),
                  std::chrono::duration<double>(end - start_).count());
        if (!options_.keep_records) result.records.clear();
        return result;
    }

    // Serialized; nullopt once the generator ran dry or the run is over.
    std::optional<PreparedRequest> claim(std::size_t& index) {
        std::lock_guard lock(generator_mutex_);
        if (stopping()) return std::nullopt;
        index = next_index_;
        auto request = generator_(index);
        if (!request) {
            exhausted_ = true;
            return std::nullopt;
        }
        ++next_index_;
        return request;
    }

    // When a request with this index should go out (open-loop pacing); start_ when unpaced.
    Clock::time_point scheduled(std::size_t index) const {
        if (options_.rate <= 0) return start_;
        const auto offset =
            std::chrono::duration<double>(static_cast<double>(index) / options_.rate);
        return start_ + std::chrono::duration_cast<Clock::duration>(offset);
    }

    void connection_finished() {
        if (active_.fetch_sub(1) == 1) {
            net::post(deadline_timer_.get_executor(), [this] { deadline_timer_.cancel(); });
        }
    }

    bool stopping() const { return deadline_hit_.load() || exhausted_.load(); }
    bool deadline_hit() const { return deadline_hit_.load(); }
    const LoadOptions& options() const { return options_; }
    const tcp::resolver::results_type& endpoints() const { return endpoints_; }
    const std::string& host_header() const { return host_header_; }
    std::atomic<std::size_t> connects{0};
    std::atomic<std::size_t> connect_failures{0};

  private:
    const LoadOptions options_;
    const RequestGenerator& generator_;
    net::io_context ioc_;
    net::steady_timer deadline_timer_;
    tcp::resolver::results_type endpoints_;
    std::string host_header_;
    std::vector<std::shared_ptr<Connection>> connections_;
    std::mutex generator_mutex_;
    std::size_t next_index_ = 0;
    std::atomic<std::size_t> active_{0};
    std::atomic<bool> deadline_hit_{false};
    std::atomic<bool> exhausted_{false};
    Clock::time_point start_;
    Clock::time_point deadline_;
};

Connection::Connection(Engine& engine, net::io_context& ioc)
    : engine_(engine), strand_(net::make_strand(ioc)), timer_(strand_) {}

void Connection::start() {
    net::post(strand_, [self = shared_from_this()] { self->connect(); });
}

void Connection::abort() {
    net::post(strand_, [self = shared_from_this()] {
        self->timer_.cancel();
        if (self->stream_) self->stream_->close();  // pending operations end with an error
    });
}

void Connection::connect() {
    if (engine_.stopping()) {
        finish();
        return;
    }
    stream_.emplace(strand_);
    buffer_.clear();
    stream_->expires_after(engine_.options().request_timeout);
    stream_->async_connect(
        engine_.endpoints(),
        [self = shared_from_this()](error_code ec, const tcp::endpoint&) { self->on_connect(ec); });
}

void Connection::on_connect(error_code ec) {
    if (ec) {
        if (!engine_.deadline_hit()) ++engine_.connect_failures;
        close();
        retry_later();
        return;
    }
    ++engine_.connects;
    error_code ignored;
    stream_->socket().set_option(tcp::no_delay(true), ignored);
    next();
}

void Connection::retry_later() {
    if (engine_.stopping()) {
        finish();
        return;
    }
    const auto& o = engine_.options();
    backoff_ = backoff_.count() == 0 ? o.reconnect_backoff : std::min(backoff_ * 2, o.max_backoff);
    timer_.expires_after(backoff_);
    timer_.async_wait([self = shared_from_this()](error_code) { self->connect(); });
}

void Connection::next() {
    std::size_t index = 0;
    auto prepared = engine_.claim(index);
    if (!prepared) {
        finish();
        return;
    }
    index_ = index;
    tag_ = std::move(prepared->tag);
    request_ = {};
    const auto verb = bhttp::string_to_verb(prepared->method);
    if (verb == bhttp::verb::unknown) {
        request_.method_string(prepared->method);
    } else {
        request_.method(verb);
    }
    request_.target(prepared->target);
    request_.version(11);
    request_.set(bhttp::field::host, engine_.host_header());
    for (auto& [name, value] : prepared->headers) request_.insert(name, value);
    request_.body() = std::move(prepared->body);
    request_.prepare_payload();

    const auto when = engine_.scheduled(index_);
    if (engine_.options().rate > 0 && when > Clock::now()) {
        t0_ = when;
        timer_.expires_at(when);
        timer_.async_wait([self = shared_from_this()](error_code ec) {
            if (ec || self->engine_.deadline_hit()) {
                self->finish();  // the deadline passed before it was sent: not recorded
                return;
            }
            self->send();
        });
        return;
    }
    t0_ = engine_.options().rate > 0 ? when : Clock::now();
    send();
}

void Connection::send() {
    in_flight_ = true;
    stream_->expires_after(engine_.options().request_timeout);
    bhttp::async_write(*stream_, request_, [self = shared_from_this()](error_code ec, std::size_t) {
        self->on_write(ec);
    });
}

void Connection::on_write(error_code ec) {
    if (ec) {
        on_read(ec);
        return;
    }
    parser_.emplace();
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    parser_->header_limit(1024 * 1024);
    if (request_.method() == bhttp::verb::head) parser_->skip(true);
    bhttp::async_read(*stream_, buffer_, *parser_,
                      [self = shared_from_this()](error_code e, std::size_t) { self->on_read(e); });
}

void Connection::on_read(error_code ec) {
    if (ec) {
        Failure failure = Failure::transport;
        if (engine_.deadline_hit()) {
            failure = Failure::deadline;
        } else if (ec == beast::error::timeout) {
            failure = Failure::timeout;
        }
        record(0, failure);
        parser_.reset();
        close();
        retry_later();
        return;
    }
    backoff_ = std::chrono::milliseconds{0};
    const auto& msg = parser_->get();
    record(static_cast<int>(msg.result_int()), Failure::none);
    const bool keep = msg.keep_alive() && !parser_->need_eof();
    parser_.reset();
    if (!keep) {
        close();
        connect();
        return;
    }
    next();
}

void Connection::record(int status, Failure failure) {
    in_flight_ = false;
    RequestRecord r;
    r.index = index_;
    r.tag = std::move(tag_);
    r.status = status;
    r.failure = failure;
    r.completed = Clock::now();
    r.latency_us = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(r.completed - t0_).count());
    records_.push_back(std::move(r));
}

void Connection::close() {
    if (!stream_) return;
    error_code ec;
    stream_->socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_->close();
    stream_.reset();
}

void Connection::finish() {
    if (finished_) return;
    finished_ = true;
    close();
    engine_.connection_finished();
}

}  // namespace

LoadResult run_load(const LoadOptions& options, const RequestGenerator& generator) {
    Engine engine(options, generator);
    return engine.run();
}

}  // namespace fieldgate::bench
