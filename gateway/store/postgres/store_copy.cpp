#include "store_copy.h"

#include <memory>

#include <algorithm>
#include <string_view>

#include "pg.h"
#include "pg_migrations.h"
#include "sqlite.h"

namespace fieldgate::store {

namespace {

constexpr std::size_t kRowsPerInsert = 1000;
constexpr std::size_t kMaxParams = 65535;  // PostgreSQL's limit for one statement
// Photo chunks and raw payload bodies are large: a batch of them is cut short.
constexpr std::size_t kBytesPerInsert = 16u << 20;

struct Column {
    std::string sqlite_name;
    std::string pg_name;
    bool bytes = false;
};

struct Table {
    std::string name;
    std::vector<Column> columns;
    std::string identity;  // the identity column, empty when the table has none
};

std::string quote_identifier(std::string_view name) {
    std::string out = "\"";
    for (char c : name) {
        out += c;
        if (c == '"') out += '"';
    }
    return out + "\"";
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

// "offset" is reserved in PostgreSQL, whose schema names that column chunk_offset.
std::string pg_column_name(const std::string& table, const std::string& column) {
    return table == "crew_photo_chunks" && column == "offset" ? "chunk_offset" : column;
}

// The running gateways' delivery leases (schema version 2): nothing of them is history.
bool postgres_only(const std::string& table, const std::string& column) {
    return table == "outbox" && (column == "lease_owner" || column == "lease_until");
}

std::vector<std::string> sqlite_tables(sqlite::Connection& db) {
    auto q = db.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
        "ESCAPE '\\' AND name <> 'schema_migrations' ORDER BY name");
    std::vector<std::string> out;
    while (q->step()) out.push_back(q->text(0));
    return out;
}

std::vector<std::string> pg_tables(pg::Connection& db) {
    const auto r = db.query(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = "
        "current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'");
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
    std::sort(out.begin(), out.end());  // as SQLite orders them, whatever the collation here
    return out;
}

void refuse_rows(pg::Connection& db, const std::vector<std::string>& tables) {
    std::vector<std::string> with_rows;
    for (const auto& t : tables)
        if (db.query("SELECT EXISTS (SELECT 1 FROM " + quote_identifier(t) + ")").boolean(0, 0))
            with_rows.push_back(t);
    if (with_rows.empty()) return;
    throw CopyRefused("the PostgreSQL database already holds rows (" + joined(with_rows) +
                      "): a copy never merges into a store in use; copy into a new, empty "
                      "database (createdb)");
}

std::string version_refusal(int version) {
    const std::string wanted = std::to_string(kSqliteVersionOfPgSchema);
    if (version == 0)
        return "the SQLite file is not a fieldgate store (it has no schema version): give the "
               "gateway's store file (store.path in gateway.json)";
    const std::string at = "the SQLite file is at schema version " + std::to_string(version);
    if (version < kSqliteVersionOfPgSchema)
        return at + ", the copy needs version " + wanted +
               ": start the gateway once on it so it migrates the file, stop it, then copy";
    return at + ", newer than the PostgreSQL schema of this fieldgate holds (version " + wanted +
           "): copy it with a fieldgate release that knows that version";
}

// Referenced tables first: PostgreSQL checks each foreign key as its row arrives.
std::vector<std::string> in_dependency_order(pg::Connection& db,
                                             const std::vector<std::string>& tables) {
    const auto refs = db.query(
        "SELECT r.relname::text, f.relname::text FROM pg_constraint c "
        "JOIN pg_class r ON r.oid = c.conrelid JOIN pg_class f ON f.oid = c.confrelid "
        "JOIN pg_namespace n ON n.oid = r.relnamespace "
        "WHERE c.contype = 'f' AND n.nspname = current_schema()");
    std::vector<std::string> ordered;
    while (ordered.size() < tables.size()) {
        const auto placed = ordered.size();
        for (const auto& t : tables) {
            if (contains(ordered, t)) continue;
            bool ready = true;
            for (int i = 0; i < refs.rows(); ++i)
                if (refs.text(i, 0) == t && refs.text(i, 1) != t &&
                    !contains(ordered, refs.text(i, 1)))
                    ready = false;
            if (ready) ordered.push_back(t);
        }
        if (ordered.size() == placed)
            throw std::runtime_error("the PostgreSQL tables' foreign keys form a cycle");
    }
    return ordered;
}

Table table_plan(sqlite::Connection& from, pg::Connection& to, const std::string& name) {
    Table t{name, {}, {}};
    {
        auto q = from.prepare("SELECT name FROM pragma_table_info(?) ORDER BY cid");
        q->bind(1, name);
        while (q->step())
            t.columns.push_back({q->text(0), pg_column_name(name, q->text(0)), false});
    }
    const auto pg_columns = to.query(
        "SELECT column_name::text, data_type::text, is_identity::text FROM "
        "information_schema.columns WHERE table_schema = current_schema() AND table_name = $1",
        pg::Params().text(name));
    int shared_columns = 0;
    for (int i = 0; i < pg_columns.rows(); ++i)
        if (!postgres_only(name, pg_columns.text(i, 0))) ++shared_columns;
    if (static_cast<int>(t.columns.size()) != shared_columns)
        throw std::runtime_error("table " + name +
                                 " has other columns in SQLite than in PostgreSQL");
    for (int i = 0; i < pg_columns.rows(); ++i) {
        const auto column = pg_columns.text(i, 0);
        if (postgres_only(name, column)) continue;
        auto it = std::find_if(t.columns.begin(), t.columns.end(),
                               [&](const Column& c) { return c.pg_name == column; });
        if (it == t.columns.end())
            throw std::runtime_error("column " + name + "." + column +
                                     " is not in the SQLite file");
        it->bytes = pg_columns.text(i, 1) == "bytea";
        if (pg_columns.text(i, 2) == "YES") t.identity = column;
    }
    return t;
}

std::vector<Table> copy_plan(sqlite::Connection& from, pg::Connection& to) {
    const auto tables = sqlite_tables(from);
    if (tables != pg_tables(to))
        throw std::runtime_error("the SQLite file's tables (" + joined(tables) +
                                 ") are not those of the PostgreSQL schema (" +
                                 joined(pg_tables(to)) + ")");
    std::vector<Table> plan;
    for (const auto& name : in_dependency_order(to, tables))
        plan.push_back(table_plan(from, to, name));
    return plan;
}

std::string insert_sql(const Table& t, std::size_t rows) {
    std::string sql = "INSERT INTO " + quote_identifier(t.name) + " (";
    for (std::size_t c = 0; c < t.columns.size(); ++c)
        sql += (c ? ", " : "") + quote_identifier(t.columns[c].pg_name);
    sql += ") VALUES ";
    std::size_t param = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        sql += r ? ", (" : "(";
        for (std::size_t c = 0; c < t.columns.size(); ++c)
            sql += (c ? ", $" : "$") + std::to_string(++param);
        sql += ")";
    }
    return sql;
}

// Rows gathered into multi-row INSERTs. SQLite keeps a type per value, not per column: each
// value goes as the type it has, except into a bytea column, which takes its bytes.
class BatchInsert {
  public:
    BatchInsert(pg::Connection& db, const Table& t)
        : db_(db), t_(t), max_rows_(std::min(kRowsPerInsert, kMaxParams / t.columns.size())) {}

    void add(const sqlite::Statement& row) {
        using Type = sqlite::Statement::Type;
        for (std::size_t c = 0; c < t_.columns.size(); ++c) {
            const int i = static_cast<int>(c);
            const auto type = row.type(i);
            if (type == Type::null) {
                params_.null();
            } else if (t_.columns[c].bytes || type == Type::text || type == Type::blob) {
                const auto value = row.text(i);
                t_.columns[c].bytes ? params_.bytes(value) : params_.text(value);
                bytes_ += value.size();
            } else if (type == Type::integer) {
                params_.integer(row.integer(i));
            } else {
                params_.real(row.real(i));
            }
        }
        if (++rows_ == max_rows_ || bytes_ >= kBytesPerInsert) flush();
    }

    void flush() {
        if (rows_ == 0) return;
        db_.query(insert_sql(t_, rows_), params_);
        copied_ += static_cast<std::int64_t>(rows_);
        rows_ = bytes_ = 0;
        params_ = pg::Params();
    }

    std::int64_t copied() const { return copied_; }

  private:
    pg::Connection& db_;
    const Table& t_;
    const std::size_t max_rows_;
    pg::Params params_;
    std::size_t rows_ = 0;
    std::size_t bytes_ = 0;
    std::int64_t copied_ = 0;
};

std::int64_t copy_table(sqlite::Connection& from, pg::Connection& to, const Table& t) {
    std::string select = "SELECT ";
    for (std::size_t c = 0; c < t.columns.size(); ++c)
        select += (c ? ", " : "") + quote_identifier(t.columns[c].sqlite_name);
    BatchInsert batch(to, t);
    auto rows = from.prepare(select + " FROM " + quote_identifier(t.name));
    while (rows->step()) batch.add(*rows);
    batch.flush();
    return batch.copied();
}

// The ids were written as they were, so the identity's sequence never moved: new rows would
// start again at 1.
void move_identity_past_copied_ids(pg::Connection& to, const Table& t) {
    if (t.identity.empty()) return;
    to.query("SELECT setval(pg_get_serial_sequence($1, $2)::regclass, (SELECT COALESCE(MAX(" +
                 quote_identifier(t.identity) + "), 0) + 1 FROM " + quote_identifier(t.name) +
                 "), false)",
             pg::Params().text(quote_identifier(t.name)).text(t.identity));
}

void verify_count(sqlite::Connection& from, pg::Connection& to, const Table& t,
                  std::int64_t copied) {
    auto q = from.prepare("SELECT count(*) FROM " + quote_identifier(t.name));
    const std::int64_t in_file = q->step() ? q->integer(0) : -1;
    const std::int64_t in_database =
        to.query("SELECT count(*) FROM " + quote_identifier(t.name)).integer(0, 0);
    if (in_file != copied || in_database != copied)
        throw std::runtime_error("table " + t.name + ": " + std::to_string(in_file) +
                                 " rows in the SQLite file, " + std::to_string(copied) +
                                 " copied, " + std::to_string(in_database) +
                                 " in PostgreSQL; nothing was committed");
}

CopyReport copy_in_one_transaction(sqlite::Connection& from, pg::Connection& to) {
    to.exec("BEGIN");
    try {
        const auto plan = copy_plan(from, to);
        std::vector<std::string> names;
        for (const auto& t : plan) names.push_back(quote_identifier(t.name));
        // Checked again under the lock: a gateway may have started on the target meanwhile.
        to.exec("LOCK TABLE " + joined(names) + " IN EXCLUSIVE MODE");
        refuse_rows(to, pg_tables(to));
        CopyReport report;
        for (const auto& t : plan) {
            const auto rows = copy_table(from, to, t);
            move_identity_past_copied_ids(to, t);
            verify_count(from, to, t, rows);
            report.tables.push_back({t.name, rows});
            report.total += rows;
        }
        to.exec("COMMIT");
        return report;
    } catch (...) {
        try {
            to.exec("ROLLBACK");
        } catch (...) {
            // The connection is gone: the server rolled back on its side.
        }
        throw;
    }
}

}  // namespace

int sqlite_schema_version(sqlite::Connection& db) {
    {
        auto q = db.prepare(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
        if (!q->step()) return 0;
    }
    auto q = db.prepare("SELECT IFNULL(MAX(version), 0) FROM schema_migrations");
    return q->step() ? static_cast<int>(q->integer(0)) : 0;
}

void check_copy_source(sqlite::Connection& from) {
    const int version = sqlite_schema_version(from);
    if (version != kSqliteVersionOfPgSchema) throw CopyRefused(version_refusal(version));
}

CopyReport copy_sqlite_to_postgres(sqlite::Connection& from, pg::Connection& to) {
    check_copy_source(from);
    refuse_rows(to, pg_tables(to));
    migrate(to);
    // One snapshot of the file, whatever else opens it while the rows are read.
    from.exec("BEGIN");
    try {
        auto report = copy_in_one_transaction(from, to);
        from.exec("COMMIT");
        return report;
    } catch (...) {
        from.exec("ROLLBACK");
        throw;
    }
}

CopyReport copy_store(const std::string& sqlite_path, const std::string& url,
                      const std::string& password) {
    if (const auto problem = pg::url_problem(url)) throw CopyRefused("--to " + *problem);
    std::unique_ptr<sqlite::Connection> from;
    try {
        sqlite::OpenOptions read_only;
        read_only.read_only = true;
        from = std::make_unique<sqlite::Connection>(sqlite_path, read_only);
        check_copy_source(*from);
    } catch (const sqlite::Error& e) {
        throw CopyFailed(CopyFailed::Side::source,
                         "cannot read " + sqlite_path + " as a SQLite store: " + e.what());
    }
    std::unique_ptr<pg::Connection> to;
    try {
        to = std::make_unique<pg::Connection>(url, password);
    } catch (const pg::Error& e) {
        // libpq's messages name the server and the user, never the password.
        throw CopyFailed(CopyFailed::Side::target_unreachable, e.what());
    }
    try {
        return copy_sqlite_to_postgres(*from, *to);
    } catch (const pg::Error& e) {
        throw CopyFailed(CopyFailed::Side::target, e.what());
    } catch (const sqlite::Error& e) {
        throw CopyFailed(CopyFailed::Side::source, e.what());
    }
}

}  // namespace fieldgate::store
