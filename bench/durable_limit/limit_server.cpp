// The durable limit's HTTP side and group commit (limit_server.h); the stores are in
// sqlite_limit.cpp and pg_limit.cpp.
#include "limit_server.h"

#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace fieldgate::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using json = nlohmann::json;

namespace {

constexpr const char* kResultsTarget = "/v1/vendors/bay-hauling/results";

std::string text(const json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<double> number(const json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_number()) return std::nullopt;
    return it->get<double>();
}

const json& object(const json& j, const char* key) {
    static const json empty = json::object();
    const auto it = j.find(key);
    return it != j.end() && it->is_object() ? *it : empty;
}

}  // namespace

std::optional<ResultRow> parse_result(const std::string& body) {
    const json j = json::parse(body, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    ResultRow r;
    r.ticket = text(j, "ticket_number");
    r.service_request = text(j, "service_request");
    r.status = text(j, "status");
    if (r.ticket.empty() || r.service_request.empty() || r.status.empty()) return std::nullopt;
    r.exception_code = text(object(j, "exception"), "code");
    r.service_date = text(j, "service_date");
    r.closed_at = text(j, "closed_at");
    r.truck = text(object(j, "truck"), "id");
    r.driver = text(object(j, "truck"), "driver_id");
    const json& gps = object(j, "gps");
    r.lat = number(gps, "lat");
    r.lon = number(gps, "lng");
    r.accuracy_m = number(gps, "accuracy_m");
    const auto photos = j.find("photos");
    r.photos = photos != j.end() && photos->is_array() ? photos->dump() : "[]";
    if (const auto items = j.find("items_collected");
        items != j.end() && items->is_number_integer()) {
        r.items_collected = items->get<std::int64_t>();
    }
    r.notes = text(j, "notes");
    return r;
}

namespace {

// Group commit: the writer takes everything queued the moment its previous commit ends, commits
// it as one transaction, then hands every status back to the I/O thread in one post.
class GroupWriter {
  public:
    struct Pending {
        ResultRow row;
        std::function<void(unsigned status)> done;
    };

    GroupWriter(LimitStore& store, asio::io_context& io)
        : store_(store), io_(io), thread_([this] { run(); }) {}
    ~GroupWriter() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        ready_.notify_one();
        thread_.join();
    }

    void submit(Pending p) {
        {
            std::lock_guard lock(mutex_);
            queue_.push_back(std::move(p));
        }
        ready_.notify_one();
    }

  private:
    void run() {
        std::vector<Pending> group;
        std::vector<const ResultRow*> rows;
        for (;;) {
            {
                std::unique_lock lock(mutex_);
                ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
                if (queue_.empty()) return;
                group.swap(queue_);
            }
            rows.clear();
            for (const auto& p : group) rows.push_back(&p.row);
            auto statuses = store_.commit_group(rows);
            asio::post(io_, [group = std::move(group), statuses = std::move(statuses)] {
                for (std::size_t i = 0; i < group.size(); ++i) group[i].done(statuses[i]);
            });
            group.clear();
        }
    }

    LimitStore& store_;
    asio::io_context& io_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::vector<Pending> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

std::string answer_body(unsigned status, const std::string& ticket) {
    if (status == 201) return json{{"accepted", true}, {"ticket_number", ticket}}.dump();
    if (status == 200) return json{{"duplicate", true}, {"ticket_number", ticket}}.dump();
    return R"({"error":"store_failed"})";
}

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket socket, GroupWriter& writer)
        : socket_(std::move(socket)), writer_(writer) {}

    void read() {
        req_ = {};
        http::async_read(socket_, buffer_, req_,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             if (!ec) self->handle();
                         });
    }

  private:
    void handle() {
        if (req_.method() != http::verb::post || req_.target() != kResultsTarget) {
            return answer(404, R"({"error":"not_found"})");
        }
        auto row = parse_result(req_.body());
        if (!row) return answer(400, R"({"error":"invalid_payload"})");
        std::string ticket = row->ticket;
        writer_.submit({std::move(*row),
                        [self = shared_from_this(), ticket = std::move(ticket)](unsigned status) {
                            self->answer(status, answer_body(status, ticket));
                        }});
    }

    void answer(unsigned status, std::string body) {
        res_ = {};
        res_.result(status);
        res_.version(req_.version());
        res_.keep_alive(req_.keep_alive());
        res_.set(http::field::content_type, "application/json");
        res_.body() = std::move(body);
        res_.prepare_payload();
        http::async_write(socket_, res_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (!ec && self->res_.keep_alive()) return self->read();
                              beast::error_code ignored;
                              self->socket_.shutdown(tcp::socket::shutdown_both, ignored);
                          });
    }

    tcp::socket socket_;
    GroupWriter& writer_;
    beast::flat_buffer buffer_;
    http::request<http::string_body> req_;
    http::response<http::string_body> res_;
};

void accept(tcp::acceptor& acceptor, GroupWriter& writer) {
    acceptor.async_accept([&acceptor, &writer](beast::error_code ec, tcp::socket socket) {
        if (ec) return;
        socket.set_option(tcp::no_delay(true), ec);
        std::make_shared<Session>(std::move(socket), writer)->read();
        accept(acceptor, writer);
    });
}

void write_port_file(const std::string& path, unsigned short port) {
    const std::string tmp = path + ".tmp";
    std::ofstream(tmp) << port << "\n";
    if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("port file");
}

}  // namespace

void serve(LimitStore& store, const std::string& port_file, unsigned short port) {
    asio::io_context io(1);
    tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), port});
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code, int) { io.stop(); });
    GroupWriter writer(store, io);
    accept(acceptor, writer);
    write_port_file(port_file, acceptor.local_endpoint().port());
    io.run();
}

}  // namespace fieldgate::bench
