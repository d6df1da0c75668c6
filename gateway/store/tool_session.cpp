#include "tool_session.h"

#include "migrations.h"
#include "pg.h"
#include "pg_migrations.h"
#include "pg_transaction.h"
#include "sqlite_transaction.h"

namespace fieldgate::store {

// Both stores answer the summary's SQL alike; each runs it on its own connection.
struct ToolSession::Impl {
    virtual ~Impl() = default;
    virtual Transaction& tx() = 0;
    virtual void exec(const std::string& sql) = 0;
    // Rows of `keys` key columns and a count, folded into `into` as nested objects.
    virtual void count_into(const std::string& sql, nlohmann::json& into, int keys) = 0;
};

namespace {

nlohmann::json& nested(nlohmann::json& into, const std::vector<std::string>& keys) {
    nlohmann::json* at = &into;
    for (const auto& k : keys) at = &(*at)[k];
    return *at;
}

struct SqliteTool final : ToolSession::Impl {
    SqliteTool(const StoreSettings& s, bool read_only) : db(s.sqlite_path, options(s, read_only)) {
        if (!read_only) migrate(db);
    }
    static sqlite::OpenOptions options(const StoreSettings& s, bool read_only) {
        sqlite::OpenOptions o;
        o.read_only = read_only;
        if (!read_only) o.synchronous = s.synchronous;
        return o;
    }
    Transaction& tx() override { return transaction; }
    void exec(const std::string& sql) override {
        db.exec(sql == "BEGIN" ? "BEGIN IMMEDIATE" : sql);
    }
    void count_into(const std::string& sql, nlohmann::json& into, int keys) override {
        auto q = db.prepare(sql);
        while (q->step()) {
            std::vector<std::string> path;
            for (int k = 0; k < keys; ++k) path.push_back(q->is_null(k) ? "(none)" : q->text(k));
            nested(into, path) = q->integer(keys);
        }
    }
    sqlite::Connection db;
    SqliteTransaction transaction{db};
};

struct PgTool final : ToolSession::Impl {
    PgTool(const StoreSettings& s, bool read_only) : db(s.url, s.password) {
        if (!read_only) migrate(db);
    }
    Transaction& tx() override { return transaction; }
    void exec(const std::string& sql) override { db.exec(sql); }
    void count_into(const std::string& sql, nlohmann::json& into, int keys) override {
        const auto r = db.query(sql);
        for (int i = 0; i < r.rows(); ++i) {
            std::vector<std::string> path;
            for (int k = 0; k < keys; ++k)
                path.push_back(r.is_null(i, k) ? "(none)" : r.text(i, k));
            nested(into, path) = r.integer(i, keys);
        }
    }
    pg::Connection db;
    PgTransaction transaction{db, true};  // its writes lock what they read, as the writer's do
};

}  // namespace

ToolSession::ToolSession(const StoreSettings& settings, bool read_only) {
    if (settings.url.empty())
        impl_ = std::make_unique<SqliteTool>(settings, read_only);
    else
        impl_ = std::make_unique<PgTool>(settings, read_only);
}

ToolSession::~ToolSession() = default;

Transaction& ToolSession::reads() {
    return impl_->tx();
}

void ToolSession::run(const std::function<void(Transaction&)>& work) {
    impl_->exec("BEGIN");
    try {
        work(impl_->tx());
        impl_->exec("COMMIT");
    } catch (...) {
        impl_->exec("ROLLBACK");
        throw;
    }
}

nlohmann::json ToolSession::summary() {
    nlohmann::json s = {{"work_orders", nlohmann::json::object()},
                        {"outcomes", nlohmann::json::object()},
                        {"by_vendor", nlohmann::json::object()},
                        {"quarantine", nlohmann::json::object()},
                        {"outbox", nlohmann::json::object()}};
    impl_->count_into("SELECT status, COUNT(*) FROM work_orders GROUP BY 1 ORDER BY 1",
                      s["work_orders"], 1);
    impl_->count_into("SELECT disposition, COUNT(*) FROM outcomes GROUP BY 1 ORDER BY 1",
                      s["outcomes"], 1);
    nlohmann::json by_outcome = nlohmann::json::object();
    impl_->count_into(
        "SELECT o.vendor, o.outcome, COUNT(*) FROM work_orders w JOIN outcomes o ON o.id = "
        "w.outcome_id GROUP BY 1, 2 ORDER BY 1, 2",
        by_outcome, 2);
    nlohmann::json by_reason = nlohmann::json::object();
    impl_->count_into(
        "SELECT o.vendor, o.reason, COUNT(*) FROM work_orders w JOIN outcomes o ON o.id = "
        "w.outcome_id WHERE o.reason IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2",
        by_reason, 2);
    for (auto& [vendor, counts] : by_outcome.items()) s["by_vendor"][vendor]["outcomes"] = counts;
    for (auto& [vendor, counts] : by_reason.items()) s["by_vendor"][vendor]["reasons"] = counts;
    impl_->count_into(
        "SELECT vendor, problem_type, COUNT(*) FROM quarantine WHERE state = 'open' GROUP BY 1, "
        "2 ORDER BY 1, 2",
        s["quarantine"], 2);
    impl_->count_into("SELECT state, COUNT(*) FROM outbox GROUP BY 1 ORDER BY 1", s["outbox"], 1);
    return s;
}

}  // namespace fieldgate::store
