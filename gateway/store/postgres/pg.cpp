#include "pg.h"

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <charconv>
#include <climits>

namespace fieldgate::pg {

namespace {

std::string sqlstate_of(const PGresult* r) {
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    return state ? state : "";
}

std::string number_text(auto value) {
    char buf[32];
    const auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
    return std::string(buf, static_cast<std::size_t>(end - buf));
}

using Clock = std::chrono::steady_clock;

// Waits until the socket is ready for `events`; false when the deadline passed first.
bool wait_socket(PGconn* conn, short events, const std::optional<Clock::time_point>& deadline) {
    pollfd fd{PQsocket(conn), events, 0};
    for (;;) {
        int wait_ms = -1;
        if (deadline) {
            const auto left =
                std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now()).count();
            if (left <= 0) return false;
            wait_ms = static_cast<int>(std::min<long long>(left, INT_MAX));
        }
        const int n = ::poll(&fd, 1, wait_ms);
        if (n > 0) return true;
        if (n == 0) return false;
        if (errno != EINTR) return true;  // libpq reports the socket's error when it reads
    }
}

}  // namespace

bool Error::transient() const {
    if (sqlstate_.empty()) return true;  // no answer: the connection is gone
    const std::string_view cls = std::string_view(sqlstate_).substr(0, 2);
    // 08 connection exception, 53 insufficient resources, 57 operator intervention (shutdown,
    // admin restart), 40001 serialization failure, 40P01 deadlock.
    return cls == "08" || cls == "53" || cls == "57" || sqlstate_ == "40001" ||
           sqlstate_ == "40P01";
}

Params& Params::text(std::string_view value) {
    values_.emplace_back(std::string(value));
    formats_.push_back(0);
    return *this;
}

Params& Params::integer(std::int64_t value) {
    return text(number_text(value));
}

Params& Params::real(double value) {
    return text(number_text(value));
}

Params& Params::boolean(bool value) {
    return text(value ? "true" : "false");
}

Params& Params::bytes(std::string_view value) {
    values_.emplace_back(std::string(value));
    formats_.push_back(1);
    return *this;
}

// An array literal: every element quoted, so commas, braces, spaces and the word NULL stay text.
Params& Params::text_array(const std::vector<std::string>& values) {
    std::string literal = "{";
    for (const auto& v : values) {
        if (literal.size() > 1) literal += ',';
        literal += '"';
        for (char c : v) {
            if (c == '"' || c == '\\') literal += '\\';
            literal += c;
        }
        literal += '"';
    }
    literal += '}';
    return text(literal);
}

Params& Params::null() {
    values_.emplace_back(std::nullopt);
    formats_.push_back(0);
    return *this;
}

Result::Result(pg_result* r) : r_(r) {}
Result::Result(Result&& other) noexcept : r_(other.r_) {
    other.r_ = nullptr;
}
Result& Result::operator=(Result&& other) noexcept {
    if (this != &other) {
        if (r_) PQclear(r_);
        r_ = other.r_;
        other.r_ = nullptr;
    }
    return *this;
}
Result::~Result() {
    if (r_) PQclear(r_);
}

int Result::columns() const {
    return PQnfields(r_);
}

int Result::rows() const {
    return PQntuples(r_);
}

std::int64_t Result::affected() const {
    const char* n = PQcmdTuples(r_);
    std::int64_t v = 0;
    if (n && *n) std::from_chars(n, n + std::char_traits<char>::length(n), v);
    return v;
}

bool Result::is_null(int row, int column) const {
    return PQgetisnull(r_, row, column) == 1;
}

std::string Result::text(int row, int column) const {
    return std::string(PQgetvalue(r_, row, column),
                       static_cast<std::size_t>(PQgetlength(r_, row, column)));
}

std::optional<std::string> Result::optional_text(int row, int column) const {
    if (is_null(row, column)) return std::nullopt;
    return text(row, column);
}

std::int64_t Result::integer(int row, int column) const {
    const char* v = PQgetvalue(r_, row, column);
    std::int64_t out = 0;
    std::from_chars(v, v + PQgetlength(r_, row, column), out);
    return out;
}

std::optional<std::int64_t> Result::optional_integer(int row, int column) const {
    if (is_null(row, column)) return std::nullopt;
    return integer(row, column);
}

double Result::real(int row, int column) const {
    const char* v = PQgetvalue(r_, row, column);
    double out = 0;
    std::from_chars(v, v + PQgetlength(r_, row, column), out);
    return out;
}

std::optional<double> Result::optional_real(int row, int column) const {
    if (is_null(row, column)) return std::nullopt;
    return real(row, column);
}

bool Result::boolean(int row, int column) const {
    const char* v = PQgetvalue(r_, row, column);
    return v && *v == 't';
}

std::string Result::bytes(int row, int column) const {
    std::size_t length = 0;
    auto* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r_, row, column)),
                                &length);
    if (!raw) throw Error("", "bytea column could not be decoded");
    std::string out(reinterpret_cast<const char*>(raw), length);
    PQfreemem(raw);
    return out;
}

Connection::Connection(const std::string& conninfo, const std::string& password,
                       ConnectionLimits limits)
    : limits_(limits) {
    // Later entries win over earlier ones, so these defaults come before the URL (dbname, with
    // expand_dbname=1) and a URL that sets them keeps its own. Keepalives let the kernel notice
    // a server that vanished while the connection sat idle.
    const char* keys[] = {
        "connect_timeout",  "keepalives", "keepalives_idle", "keepalives_interval",
        "keepalives_count", "dbname",     "password",        nullptr};
    const char* values[] = {"10",
                            "1",
                            "10",
                            "3",
                            "3",
                            conninfo.c_str(),
                            password.empty() ? nullptr : password.c_str(),
                            nullptr};
    conn_ = PQconnectdbParams(keys, values, 1);
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
        std::string message = conn_ ? PQerrorMessage(conn_) : "out of memory";
        if (conn_) PQfinish(conn_);
        conn_ = nullptr;
        while (!message.empty() && message.back() == '\n') message.pop_back();
        throw Error("", "cannot connect to PostgreSQL: " + message);
    }
    // Statements are sent without blocking so that waiting for the answer has a deadline.
    PQsetnonblocking(conn_, 1);
    // Notices ("relation already exists, skipping") are not errors and no one reads stderr.
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
}

Connection::~Connection() {
    if (conn_) PQfinish(conn_);
}

bool Connection::ok() const {
    if (!conn_) return false;
    // Reads what the server sent meanwhile without waiting: a server that shut down or
    // restarted has closed the socket (with a FATAL notice), which turns the status bad here
    // instead of in the next query.
    PQconsumeInput(conn_);
    return PQstatus(conn_) == CONNECTION_OK;
}

bool Connection::answers() {
    if (!ok()) return false;
    bool answered = false;
    try {
        if (PQsendQuery(conn_, "")) {
            PGresult* r = await_answer("PostgreSQL");
            answered = r && PQresultStatus(r) == PGRES_EMPTY_QUERY;
            if (r) PQclear(r);
        }
    } catch (const Error&) {
        // No answer in time: the connection was dropped.
    }
    if (!answered) prepared_.clear();
    return answered && ok();
}

bool Connection::encrypted() const {
    return conn_ && PQsslInUse(conn_) == 1;
}

void Connection::throw_error(pg_result* r, const std::string& context) {
    std::string message = r && PQresultErrorMessage(r)[0] ? PQresultErrorMessage(r)
                          : conn_                         ? PQerrorMessage(conn_)
                                                          : "the connection was dropped";
    const std::string state = sqlstate_of(r);
    if (r) PQclear(r);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    // A broken connection loses its prepared statements with it.
    if (PQstatus(conn_) != CONNECTION_OK) prepared_.clear();
    throw Error(state, context + ": " + message);
}

void Connection::drop_unanswered(const std::string& context) {
    PQfinish(conn_);
    conn_ = nullptr;
    prepared_.clear();
    throw Error("", context + ": no answer from PostgreSQL within " +
                        std::to_string(limits_.answer_timeout.count()) +
                        " ms; the connection was dropped");
}

Connection::Deadline Connection::deadline() const {
    if (limits_.answer_timeout.count() <= 0) return std::nullopt;
    return Clock::now() + limits_.answer_timeout;
}

bool Connection::flush(const Deadline& deadline, const std::string& context) {
    for (int unsent; (unsent = PQflush(conn_)) != 0;) {
        if (unsent < 0) return false;
        if (!wait_socket(conn_, POLLIN | POLLOUT, deadline)) drop_unanswered(context);
        if (!PQconsumeInput(conn_)) return false;
    }
    return true;
}

pg_result* Connection::next_result(const Deadline& deadline, const std::string& context) {
    while (PQisBusy(conn_)) {
        if (!wait_socket(conn_, POLLIN, deadline)) drop_unanswered(context);
        if (!PQconsumeInput(conn_)) break;  // the connection broke: libpq says so next
    }
    return PQgetResult(conn_);
}

pg_result* Connection::await_answer(const std::string& context) {
    const auto until = deadline();
    if (!flush(until, context)) return nullptr;
    PGresult* answer = nullptr;  // the last result, unless an earlier one was an error
    for (;;) {
        PGresult* r = nullptr;
        try {
            r = next_result(until, context);
        } catch (...) {
            if (answer) PQclear(answer);
            throw;
        }
        if (!r) break;
        if (answer && PQresultStatus(answer) == PGRES_FATAL_ERROR) {
            PQclear(r);
            continue;
        }
        if (answer) PQclear(answer);
        answer = r;
        if (PQstatus(conn_) != CONNECTION_OK) break;
    }
    return answer;
}

void Connection::exec(const std::string& sql) {
    if (!conn_) throw_error(nullptr, "PostgreSQL");
    // exec may carry several statements, which a pipeline cannot: what is queued goes first.
    if (!queued_.empty()) sync();
    PGresult* r = PQsendQuery(conn_, sql.c_str()) ? await_answer("PostgreSQL") : nullptr;
    const auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw_error(r, "PostgreSQL");
    PQclear(r);
}

const std::string& Connection::prepared_name(const std::string& sql) {
    if (!conn_) throw_error(nullptr, "prepare");
    auto it = prepared_.find(sql);
    if (it != prepared_.end()) return it->second;
    std::string name = "fg" + std::to_string(prepared_.size() + 1);
    PGresult* r = PQsendPrepare(conn_, name.c_str(), sql.c_str(), 0, nullptr)
                      ? await_answer("prepare")
                      : nullptr;
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) throw_error(r, "prepare");
    PQclear(r);
    return prepared_.emplace(sql, std::move(name)).first->second;
}

Result Connection::query(const std::string& sql, const Params& params) {
    const std::string& name = prepared_name(sql);
    PGresult* r = nullptr;
    if (!queued_.empty()) {
        const Asking statement{sql, name, params};
        r = send_queued(&statement);
    } else {
        r = send(sql, name, params) ? await_answer("PostgreSQL") : nullptr;
    }
    const auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw_error(r, "PostgreSQL");
    return Result(r);
}

std::optional<std::string> url_problem(const std::string& url) {
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
    if (!options) {
        std::string message = error ? error : "not a connection URL";
        if (error) PQfreemem(error);
        while (!message.empty() && message.back() == '\n') message.pop_back();
        return message;
    }
    std::string host, sslmode;
    bool password = false;
    for (auto* o = options; o->keyword; ++o) {
        const std::string key = o->keyword;
        const std::string value = o->val ? o->val : "";
        if (key == "host" || key == "hostaddr") host += value;
        if (key == "sslmode") sslmode = value;
        if (key == "password" && !value.empty()) password = true;
    }
    PQconninfoFree(options);
    if (password) return "carries a password: put it in the secret store (store.password_secret)";
    if (sslmode == "prefer" || sslmode == "allow")
        return "sslmode=" + sslmode +
               " falls back to plaintext silently: say require, verify-ca or verify-full (or "
               "disable, knowingly)";
    const bool local = host.empty() || host == "localhost" || host == "127.0.0.1" ||
                       host == "::1" || host.front() == '/';
    if (!local && sslmode.empty())
        return "the database is on another machine: add sslmode=verify-full (with sslrootcert) "
               "or another mode, so TLS is never left to chance";
    return std::nullopt;
}

}  // namespace fieldgate::pg
