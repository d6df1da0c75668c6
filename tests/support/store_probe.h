// Reads what a gateway stored, on whichever store it runs (its SQLite file or its PostgreSQL
// database), for assertions on rows no API returns. SQL both stores take, with `?` for each
// argument; where the two dialects differ, give each its own text.
#pragma once

#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "pg.h"
#include "sqlite.h"
#include "support/gateway_process.h"

namespace fieldgate::test {

class StoreProbe {
  public:
    explicit StoreProbe(const GatewayProcess& gateway)
        : sqlite_path_(gateway.db_path()), pg_url_(gateway.store_url()) {
        if (postgres())
            std::getline(std::ifstream(gateway.dir().file("secrets/store/password")), pg_password_);
    }

    bool postgres() const { return !pg_url_.empty(); }

    // The first column of the first row (nullopt for NULL or no row), as text.
    std::optional<std::string> text(const std::string& sql,
                                    const std::vector<std::string>& args = {}) const {
        if (postgres()) {
            pg::Connection db(pg_url_, pg_password_);
            pg::Params params;
            for (const auto& a : args) params.text(a);
            const auto r = db.query(numbered(sql), params);
            if (r.rows() == 0 || r.is_null(0, 0)) return std::nullopt;
            return r.text(0, 0);
        }
        sqlite::OpenOptions options;
        options.read_only = true;
        sqlite::Connection db(sqlite_path_, options);
        auto q = db.prepare(sql);
        for (std::size_t i = 0; i < args.size(); ++i) q->bind(static_cast<int>(i + 1), args[i]);
        if (!q->step()) return std::nullopt;
        return q->optional_text(0);
    }
    std::int64_t integer(const std::string& sql, const std::vector<std::string>& args = {}) const {
        const auto value = text(sql, args);
        return value ? std::stoll(*value) : 0;
    }
    // For SQL the dialects write differently: `sqlite_sql` on SQLite, `pg_sql` on PostgreSQL.
    std::int64_t integer(const std::string& sqlite_sql, const std::string& pg_sql,
                         const std::vector<std::string>& args) const {
        return integer(postgres() ? pg_sql : sqlite_sql, args);
    }

  private:
    // `?` -> $1, $2, ... (the tests' SQL has no `?` inside string literals).
    static std::string numbered(const std::string& sql) {
        std::string out;
        int n = 0;
        for (const char c : sql) {
            if (c == '?')
                out += "$" + std::to_string(++n);
            else
                out += c;
        }
        return out;
    }

    std::string sqlite_path_;
    std::string pg_url_;
    std::string pg_password_;
};

}  // namespace fieldgate::test
