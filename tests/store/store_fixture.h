// The repository tests run every case against both stores: a SQLite file and a database on a
// real PostgreSQL cluster (one cluster per test program, one database per test).
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

#include "migrations.h"
#include "pg.h"
#include "pg_migrations.h"
#include "poll_state_pg.h"
#include "report_pg.h"
#include "sqlite.h"
#include "sqlite_transaction.h"
#include "support/pg_cluster.h"
#include "support/temp_dir.h"

namespace fieldgate::test {

inline PgCluster& shared_pg_cluster() {
    // Durability is the fault suite's subject; here fsync only slows the cases down.
    static PgCluster cluster(PgClusterOptions{.fsync = false});
    return cluster;
}

enum class StoreKind { sqlite, postgres };

inline std::string store_name(const testing::TestParamInfo<StoreKind>& info) {
    return info.param == StoreKind::sqlite ? "Sqlite" : "Postgres";
}

// A migrated, empty store of the kind the test runs on, with its repositories.
class StoreTest : public testing::TestWithParam<StoreKind> {
  protected:
    void SetUp() override {
        if (GetParam() == StoreKind::sqlite) {
            sqlite_ =
                std::make_unique<sqlite::Connection>(dir_.file("store.db"), sqlite::OpenOptions{});
            store::migrate(*sqlite_);
            sqlite_tx_ = std::make_unique<store::SqliteTransaction>(*sqlite_);
            return;
        }
        static std::atomic<int> next{0};
        auto& cluster = shared_pg_cluster();
        const auto url = cluster.create_database("t" + std::to_string(::getpid()) + "_" +
                                                 std::to_string(next++));
        pg_ = std::make_unique<pg::Connection>(url, cluster.password());
        store::migrate(*pg_);
        pg_poll_ = std::make_unique<store::PgPollStateRepository>(*pg_);
        pg_reports_ = std::make_unique<store::PgReportRepository>(*pg_);
    }

    // Rows a case starts from, written as SQL both dialects accept, so that a case depends only
    // on the repository it tests.
    void setup_sql(const std::string& sql) {
        if (sqlite_) {
            sqlite_->exec(sql);
            return;
        }
        pg_->exec(sql);
    }

    store::PollStateRepository& poll_state() {
        if (sqlite_tx_) return *sqlite_tx_;
        return *pg_poll_;
    }

    store::ReportRepository& reports() {
        if (sqlite_tx_) return *sqlite_tx_;
        return *pg_reports_;
    }

  private:
    TempDir dir_;
    std::unique_ptr<sqlite::Connection> sqlite_;
    std::unique_ptr<store::SqliteTransaction> sqlite_tx_;
    std::unique_ptr<pg::Connection> pg_;
    std::unique_ptr<store::PgPollStateRepository> pg_poll_;
    std::unique_ptr<store::PgReportRepository> pg_reports_;
};

}  // namespace fieldgate::test
