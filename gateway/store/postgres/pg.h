// A thin RAII layer over libpq: a connection with its prepared statements cached by SQL text,
// parameters sent as text (bytes as binary), results read by row and column, and errors as
// exceptions carrying the SQLSTATE (callers decide what is retryable).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

struct pg_conn;
struct pg_result;

namespace fieldgate::pg {

class Error : public std::runtime_error {
  public:
    Error(std::string sqlstate, const std::string& what)
        : std::runtime_error(what), sqlstate_(std::move(sqlstate)) {}
    // Five characters, or empty when the server never answered (connection lost or refused).
    const std::string& sqlstate() const { return sqlstate_; }
    bool unique_violation() const { return sqlstate_ == "23505"; }
    // Worth trying again later: the server is unreachable, shutting down, out of resources, or
    // the transaction lost a serialization or deadlock race.
    bool transient() const;

  private:
    std::string sqlstate_;
};

// Positional parameters ($1, $2, …) in the order they are added.
class Params {
  public:
    Params& text(std::string_view value);
    Params& integer(std::int64_t value);
    Params& real(double value);
    Params& boolean(bool value);
    Params& bytes(std::string_view value);                       // sent in binary: any byte is fine
    Params& text_array(const std::vector<std::string>& values);  // a text[] ($1::text[])
    Params& null();
    Params& optional_text(const std::optional<std::string>& value) {
        return value ? text(*value) : null();
    }
    Params& optional_integer(const std::optional<std::int64_t>& value) {
        return value ? integer(*value) : null();
    }
    Params& optional_real(const std::optional<double>& value) {
        return value ? real(*value) : null();
    }

  private:
    friend class Connection;
    std::vector<std::optional<std::string>> values_;
    std::vector<int> formats_;
};

class Result {
  public:
    explicit Result(pg_result* r);
    Result(Result&&) noexcept;
    Result& operator=(Result&&) noexcept;
    ~Result();
    pg_result* release() { return std::exchange(r_, nullptr); }

    int rows() const;
    int columns() const;
    std::int64_t affected() const;  // rows an INSERT, UPDATE or DELETE touched
    bool is_null(int row, int column) const;
    std::string text(int row, int column) const;
    std::optional<std::string> optional_text(int row, int column) const;
    std::int64_t integer(int row, int column) const;
    std::optional<std::int64_t> optional_integer(int row, int column) const;
    double real(int row, int column) const;
    std::optional<double> optional_real(int row, int column) const;
    bool boolean(int row, int column) const;
    std::string bytes(int row, int column) const;  // a bytea column, decoded

  private:
    pg_result* r_;
};

// How long a connection waits for the server. A gateway's connections give up on a server
// that stopped answering (a silent network cut, a stalled proxy, a commit waiting for a
// synchronous replica that is gone): the connection is dropped, the statement fails as
// unreachable, and the next use connects afresh. Staff commands (a store copy) wait.
struct ConnectionLimits {
    std::chrono::milliseconds answer_timeout{0};  // 0: wait as long as the server takes
};

class Connection {
  public:
    // `conninfo` is a libpq connection string or a postgresql:// URL; `password`, when set,
    // is passed apart from it so it never appears in a URL that could be logged. TCP
    // keepalives are on unless the URL says otherwise.
    explicit Connection(const std::string& conninfo, const std::string& password = "",
                        ConnectionLimits limits = {});
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // One or more statements without parameters (DDL, BEGIN, COMMIT).
    void exec(const std::string& sql);
    // One statement, prepared once per connection and reused. Statements queued by write() go
    // ahead of it in the same round trip.
    Result query(const std::string& sql, const Params& params = {});

    // Sending ahead (the writer's batch): a write whose answer no one reads is queued by write()
    // instead of waiting for its round trip, and reaches the server, in order, with the next
    // statement that needs an answer (query, exec or sync) — one round trip for all of them
    // (libpq's pipeline mode). A failure among them is thrown by that call; nothing queued after
    // the failure ran. Off by default: then write() runs the statement at once.
    void set_send_ahead(bool on) { send_ahead_ = on; }
    bool sending_ahead() const { return send_ahead_; }
    void write(const std::string& sql, Params params = {});
    // Statements that each need an answer, sent with what write() queued in one round trip; their
    // answers in order. The first failure among all of them is thrown.
    std::vector<Result> query_together(const std::vector<std::pair<std::string, Params>>& asks);
    // Sends what write() queued and waits for it.
    void sync();
    // Forgets what write() queued without sending it.
    void discard_queued() { queued_.clear(); }
    // Inside a transaction block on the server (open or failed).
    bool in_transaction() const;
    // Whether the connection still reaches the server, as far as libpq knows without asking.
    bool ok() const;
    // Asks the server (an empty query, one round trip): for a connection that sat idle.
    bool answers();
    // TLS in use on this connection (sslmode asked for it and the server agreed).
    bool encrypted() const;

  private:
    using Deadline = std::optional<std::chrono::steady_clock::time_point>;
    struct Queued {
        std::string sql;
        std::string prepared;  // empty: sent unprepared (statements without parameters)
        Params params;
        bool answered = false;  // its answer is handed back
    };
    // Sends one statement (prepared, or unprepared when `prepared` is empty) without waiting.
    bool send(const std::string& sql, const std::string& prepared, const Params& params);
    // The statement that needs an answer, sent after the queued ones.
    struct Asking {
        const std::string& sql;
        const std::string& prepared;
        const Params& params;
    };
    // Sends the queued statements and `last` (when given) as one pipeline and returns the last
    // one's answer; the first failure among them is thrown.
    pg_result* send_queued(const Asking* last);
    // Sends the queued statements as one pipeline: the answers of those marked answered, in order.
    std::vector<Result> send_pipeline(std::vector<Queued> queue);
    Deadline deadline() const;
    // Writes what libpq holds to the socket; false when the connection broke.
    bool flush(const Deadline& deadline, const std::string& context);
    // The next result, waiting for it until the deadline.
    pg_result* next_result(const Deadline& deadline, const std::string& context);
    const std::string& prepared_name(const std::string& sql);
    void throw_error(pg_result* r, const std::string& context);
    // Sends what was queued and collects the answer (the last result, or the first error) within
    // the answer timeout; past it the connection is dropped and Error (no SQLSTATE) thrown.
    pg_result* await_answer(const std::string& context);
    void drop_unanswered(const std::string& context);

    pg_conn* conn_ = nullptr;
    ConnectionLimits limits_;
    std::unordered_map<std::string, std::string> prepared_;
    bool send_ahead_ = false;
    std::vector<Queued> queued_;
};

// Why `url` may not be used as a store address, or nullopt when it may: it must parse, carry no
// password (that comes from the secret store), and say how to treat TLS when the server is not
// on this machine, never with a mode that falls back to plaintext (prefer, allow) unannounced.
std::optional<std::string> url_problem(const std::string& url);

}  // namespace fieldgate::pg
