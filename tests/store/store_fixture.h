// The repository tests run every case against both stores: a SQLite file and a database on a
// real PostgreSQL cluster (one cluster per test program, one database per test).
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "migrations.h"
#include "pg.h"
#include "pg_migrations.h"
#include "pg_transaction.h"
#include "sqlite.h"
#include "sqlite_transaction.h"
#include "support/pg_cluster.h"
#include "support/temp_dir.h"

namespace fieldgate::test {

inline PgCluster& shared_pg_cluster() {
    return run_pg_cluster();
}

enum class StoreKind { sqlite, postgres };

inline std::string store_name(const testing::TestParamInfo<StoreKind>& info) {
    return info.param == StoreKind::sqlite ? "Sqlite" : "Postgres";
}

// A fresh database on the shared cluster, migrated; its URL.
inline std::string fresh_pg_database(const std::string& prefix) {
    static std::atomic<int> next{0};
    return shared_pg_cluster().create_database(prefix + std::to_string(::getpid()) + "_" +
                                               std::to_string(next++));
}

// A migrated, empty store of the kind the test runs on, with its repositories.
class StoreTest : public testing::TestWithParam<StoreKind> {
  protected:
    void SetUp() override {
        if (GetParam() == StoreKind::sqlite) {
            sqlite_ =
                std::make_unique<sqlite::Connection>(dir_.file("store.db"), sqlite::OpenOptions{});
            store::migrate(*sqlite_);
            tx_ = std::make_unique<store::SqliteTransaction>(*sqlite_);
            return;
        }
        pg_ = std::make_unique<pg::Connection>(fresh_pg_database("t"),
                                               shared_pg_cluster().password());
        store::migrate(*pg_);
        tx_ = std::make_unique<store::PgTransaction>(*pg_);
    }

    store::Transaction& tx() { return *tx_; }
    // The writer's unit of work on the same connection: on PostgreSQL it locks the work orders
    // it reads and reads a batch ahead (read_ahead.h); on SQLite it is tx().
    store::Transaction& writer_tx() {
        if (!pg_) return *tx_;
        if (!writer_tx_) writer_tx_ = std::make_unique<store::PgTransaction>(*pg_, true);
        return *writer_tx_;
    }
    store::PollStateRepository& poll_state() { return *tx_; }
    store::WorkOrderRepository& work_orders() { return *tx_; }
    store::OutboxRepository& outbox() { return *tx_; }
    store::QuarantineRepository& quarantine() { return *tx_; }
    store::TruckRepository& trucks() { return *tx_; }
    store::CrewRepository& crew() { return *tx_; }
    store::ReportRepository& reports() { return *tx_; }

    // Rows a case starts from, in tables its repository does not write: plain SQL that both
    // stores take, run on the store of the case.
    void setup_sql(const std::string& sql) {
        if (sqlite_) {
            sqlite_->exec(sql);
        } else {
            pg_->exec(sql);
        }
    }
    // The first column of the first row of `sql` (plain SQL both stores take), as text; nullopt
    // for NULL or no row. For asserting on columns no repository method reads back.
    std::optional<std::string> query_value(const std::string& sql) {
        if (sqlite_) {
            auto q = sqlite_->prepare(sql);
            if (!q->step()) return std::nullopt;
            return q->optional_text(0);
        }
        const auto r = pg_->query(sql);
        if (r.rows() == 0) return std::nullopt;
        return r.optional_text(0, 0);
    }
    // The case's connection, for setup that binds parameters: the other store's is null.
    sqlite::Connection* sqlite_db() { return sqlite_.get(); }
    pg::Connection* pg_db() { return pg_.get(); }

  private:
    TempDir dir_;
    std::unique_ptr<sqlite::Connection> sqlite_;
    std::unique_ptr<pg::Connection> pg_;
    std::unique_ptr<store::Transaction> tx_;
    std::unique_ptr<store::Transaction> writer_tx_;
};

}  // namespace fieldgate::test
