// The durable limit for the ingest benchmark (bench/ingest/run_durable_ratio.sh): the least any
// gateway must do per Bay Hauling result before answering it — parse the JSON, insert one row
// keyed by the vendor's ticket, commit it with synchronous=FULL — on one Asio I/O thread and one
// SQLite writer that commits everything queued as one group. What the real gateway reaches on
// the same machine is read as a fraction of this ceiling.
#include <sqlite3.h>

#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using json = nlohmann::json;

namespace {

constexpr const char* kResultsTarget = "/v1/vendors/bay-hauling/results";

struct ResultRow {
    std::string ticket, service_request, status, exception_code, service_date, closed_at;
    std::string truck, driver, photos, notes;
    std::optional<double> lat, lon, accuracy_m;
    std::optional<std::int64_t> items_collected;
};

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

class Store {
  public:
    explicit Store(const std::string& path) {
        if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) fail("open");
        exec(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
            "CREATE TABLE IF NOT EXISTS results (ticket TEXT PRIMARY KEY,"
            " service_request TEXT NOT NULL, status TEXT NOT NULL, exception_code TEXT,"
            " service_date TEXT, closed_at TEXT, truck TEXT, driver TEXT, lat REAL, lon REAL,"
            " gps_accuracy_m REAL, photos TEXT NOT NULL, items_collected INTEGER, notes TEXT,"
            " received_at TEXT NOT NULL)");
        insert_ = prepare(
            "INSERT INTO results VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
            " ?14, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
        begin_ = prepare("BEGIN");
        commit_ = prepare("COMMIT");
        rollback_ = prepare("ROLLBACK");
    }
    ~Store() {
        for (auto* s : {insert_, begin_, commit_, rollback_}) sqlite3_finalize(s);
        sqlite3_close(db_);
    }
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    // One transaction for all rows: 201 for a new row, 200 for a ticket already stored, 500 for
    // every row when the commit fails.
    std::vector<unsigned> commit_group(const std::vector<const ResultRow*>& rows) {
        std::vector<unsigned> statuses(rows.size(), 500);
        if (step(begin_) != SQLITE_DONE) return statuses;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            bind(*rows[i]);
            const int rc = step(insert_);
            statuses[i] = rc == SQLITE_DONE ? 201 : rc == SQLITE_CONSTRAINT ? 200 : 500;
        }
        if (step(commit_) != SQLITE_DONE) {
            step(rollback_);
            statuses.assign(rows.size(), 500);
        }
        return statuses;
    }

  private:
    [[noreturn]] void fail(const std::string& what) {
        throw std::runtime_error(what + ": " + sqlite3_errmsg(db_));
    }
    void exec(const char* sql) {
        if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(sql);
    }
    sqlite3_stmt* prepare(const char* sql) {
        sqlite3_stmt* s = nullptr;
        if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK) fail(sql);
        return s;
    }
    static int step(sqlite3_stmt* s) {
        const int rc = sqlite3_step(s);
        sqlite3_reset(s);
        return rc;
    }
    void bind_text(int i, const std::string& v, bool null_if_empty = true) {
        if (v.empty() && null_if_empty) {
            sqlite3_bind_null(insert_, i);
        } else {
            sqlite3_bind_text(insert_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
        }
    }
    void bind_real(int i, std::optional<double> v) {
        v ? sqlite3_bind_double(insert_, i, *v) : sqlite3_bind_null(insert_, i);
    }
    void bind(const ResultRow& r) {
        bind_text(1, r.ticket);
        bind_text(2, r.service_request);
        bind_text(3, r.status);
        bind_text(4, r.exception_code);
        bind_text(5, r.service_date);
        bind_text(6, r.closed_at);
        bind_text(7, r.truck);
        bind_text(8, r.driver);
        bind_real(9, r.lat);
        bind_real(10, r.lon);
        bind_real(11, r.accuracy_m);
        bind_text(12, r.photos, false);
        r.items_collected ? sqlite3_bind_int64(insert_, 13, *r.items_collected)
                          : sqlite3_bind_null(insert_, 13);
        bind_text(14, r.notes);
    }

    sqlite3* db_ = nullptr;
    sqlite3_stmt* insert_ = nullptr;
    sqlite3_stmt* begin_ = nullptr;
    sqlite3_stmt* commit_ = nullptr;
    sqlite3_stmt* rollback_ = nullptr;
};

// Group commit: the writer takes everything queued the moment its previous commit ends, commits
// it as one transaction, then hands every status back to the I/O thread in one post.
class GroupWriter {
  public:
    struct Pending {
        ResultRow row;
        std::function<void(unsigned status)> done;
    };

    GroupWriter(Store& store, asio::io_context& io)
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

    Store& store_;
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

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: fieldgate-bench-durable-limit DB_PATH PORT_FILE [PORT]\n"
                     "  POST "
                  << kResultsTarget << " on 127.0.0.1:PORT (0 = any; written to PORT_FILE)\n";
        return 64;
    }
    try {
        Store store(argv[1]);
        asio::io_context io(1);
        const auto port = static_cast<unsigned short>(argc > 3 ? std::stoi(argv[3]) : 0);
        tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), port});
        asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&](beast::error_code, int) { io.stop(); });
        GroupWriter writer(store, io);
        accept(acceptor, writer);
        write_port_file(argv[2], acceptor.local_endpoint().port());
        io.run();
    } catch (const std::exception& e) {
        std::cerr << "fieldgate-bench-durable-limit: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
