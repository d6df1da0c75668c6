// The repository tests run every case against both stores: a SQLite file and a database on a
// real PostgreSQL cluster (one cluster per test program, one database per test).
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "crew_pg.h"
#include "migrations.h"
#include "outbox_pg.h"
#include "pg.h"
#include "pg_migrations.h"
#include "poll_state_pg.h"
#include "quarantine_pg.h"
#include "sqlite.h"
#include "sqlite_transaction.h"
#include "support/pg_cluster.h"
#include "support/temp_dir.h"
#include "work_order_pg.h"
#include "truck_pg.h"

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
        pg_work_orders_ = std::make_unique<store::PgWorkOrderRepository>(*pg_);
        pg_outbox_ = std::make_unique<store::PgOutboxRepository>(*pg_);
        pg_quarantine_ = std::make_unique<store::PgQuarantineRepository>(*pg_);
        pg_trucks_ = std::make_unique<store::PgTruckRepository>(*pg_);
        pg_crew_ = std::make_unique<store::PgCrewRepository>(*pg_);
    }

    store::PollStateRepository& poll_state() {
        if (sqlite_tx_) return *sqlite_tx_;
        return *pg_poll_;
    }
    store::QuarantineRepository& quarantine() {
        if (sqlite_tx_) return *sqlite_tx_;
        return *pg_quarantine_;
    }
    store::TruckRepository& trucks() {
        if (sqlite_tx_) return *sqlite_tx_;
        return *pg_trucks_;
    }
    store::CrewRepository& crew() {
        if (sqlite_tx_) return *sqlite_tx_;
        return *pg_crew_;
    }

    // Setup of rows in tables a test's repository does not write: plain SQL that both stores
    // take, run on the store of the case.
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

    store::WorkOrderRepository& work_orders() {
        if (sqlite_tx_) return *sqlite_tx_;
        return *pg_work_orders_;
    }

    store::OutboxRepository& outbox() {
        if (sqlite_tx_) return *sqlite_tx_;
        return *pg_outbox_;
    }

  private:
    TempDir dir_;
    std::unique_ptr<sqlite::Connection> sqlite_;
    std::unique_ptr<store::SqliteTransaction> sqlite_tx_;
    std::unique_ptr<pg::Connection> pg_;
    std::unique_ptr<store::PgPollStateRepository> pg_poll_;
    std::unique_ptr<store::PgWorkOrderRepository> pg_work_orders_;
    std::unique_ptr<store::PgOutboxRepository> pg_outbox_;
    std::unique_ptr<store::PgQuarantineRepository> pg_quarantine_;
    std::unique_ptr<store::PgTruckRepository> pg_trucks_;
    std::unique_ptr<store::PgCrewRepository> pg_crew_;
};

}  // namespace fieldgate::test
