// Reads what a gateway stored, on whichever store it runs (its SQLite file or its PostgreSQL
// database), for assertions on rows no API returns. SQL both stores take, with `?` for each
// argument (the few SQLite functions the tests use are respelled for PostgreSQL).
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
        if (postgres()) std::getline(std::ifstream(gateway.store_password_file()), pg_password_);
    }

    bool postgres() const { return !pg_url_.empty(); }

    using Row = std::vector<std::optional<std::string>>;  // nullopt for NULL

    // Every row of `sql`, each column as text.
    std::vector<Row> rows(const std::string& sql, const std::vector<std::string>& args = {}) const {
        std::vector<Row> out;
        if (postgres()) {
            pg::Connection db(pg_url_, pg_password_);
            pg::Params params;
            for (const auto& a : args) params.text(a);
            const auto r = db.query(numbered(sql), params);
            for (int i = 0; i < r.rows(); ++i) {
                Row row;
                for (int c = 0; c < r.columns(); ++c) row.push_back(r.optional_text(i, c));
                out.push_back(std::move(row));
            }
            return out;
        }
        sqlite::OpenOptions options;
        options.read_only = true;
        sqlite::Connection db(sqlite_path_, options);
        auto q = db.prepare(sql);
        for (std::size_t i = 0; i < args.size(); ++i) q->bind(static_cast<int>(i + 1), args[i]);
        while (q->step()) {
            Row row;
            for (int c = 0; c < q->columns(); ++c) row.push_back(q->optional_text(c));
            out.push_back(std::move(row));
        }
        return out;
    }
    // The first column of the first row (nullopt for NULL or no row), as text.
    std::optional<std::string> text(const std::string& sql,
                                    const std::vector<std::string>& args = {}) const {
        const auto all = rows(sql, args);
        if (all.empty() || all[0].empty()) return std::nullopt;
        return all[0][0];
    }
    std::int64_t integer(const std::string& sql, const std::vector<std::string>& args = {}) const {
        const auto value = text(sql, args);
        return value ? std::stoll(*value) : 0;
    }

  private:
    // The tests' SQL in PostgreSQL's spelling: `?` -> $1, $2, ... (no `?` inside string
    // literals), and the few SQLite functions they use.
    static std::string numbered(const std::string& sqlite_sql) {
        static const std::pair<std::string, std::string> kSpellings[] = {
            {"instr(", "strpos("},
            {"CAST(body AS TEXT)", "convert_from(body, 'UTF8')"},
            {"CAST(r.body AS TEXT)", "convert_from(r.body, 'UTF8')"},
            {"json_extract(extra, '$.", "(extra::json->>'"},
        };
        std::string sql = sqlite_sql;
        for (const auto& [from, to] : kSpellings)
            for (auto at = sql.find(from); at != std::string::npos; at = sql.find(from, at))
                sql.replace(at, from.size(), to), at += to.size();
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
