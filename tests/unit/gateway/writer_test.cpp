#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <vector>

#include "read_pool.h"
#include "sqlite_read_pool.h"
#include "sqlite_transaction.h"
#include "sqlite_writer.h"
#include "support/temp_dir.h"
#include "writer.h"

namespace fieldgate::store {
namespace {

int count_rows(const std::string& path, const std::string& table) {
    SqliteReadPool reads(path);
    auto db = reads.acquire();
    auto q = store::sqlite_connection(*db).prepare("SELECT COUNT(*) FROM " + table);
    q->step();
    return static_cast<int>(q->integer(0));
}

TEST(Writer, AppliesMigrationsAtStart) {
    test::TempDir dir;
    SqliteWriter writer({dir.file("s.db")});
    SqliteReadPool reads(dir.file("s.db"));
    auto db = reads.acquire();
    for (const char* table : {"work_orders", "outcomes", "raw_payloads", "quarantine",
                              "idempotency_keys", "outbox", "work_order_history"}) {
        auto q = store::sqlite_connection(*db).prepare(
            "SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name=?");
        q->bind(1, table);
        ASSERT_TRUE(q->step());
        EXPECT_EQ(q->integer(0), 1) << table;
    }
}

TEST(Writer, CommitsQueuedJobsTogetherAndReportsOnlyAfterCommit) {
    test::TempDir dir;
    const auto path = dir.file("s.db");
    SqliteWriter writer({path});
    writer.run_sync([](store::Transaction& db) {
        store::sqlite_connection(db).exec("CREATE TABLE t (v INTEGER)");
    });

    // Hold the writer inside a job so the next 100 submissions queue up behind it.
    std::promise<void> release;
    auto released = release.get_future().share();
    std::promise<void> entered;
    writer.submit(
        [released, &entered](store::Transaction&) {
            entered.set_value();
            released.wait();
        },
        nullptr);
    entered.get_future().wait();
    const auto commits_before = writer.stats().commits;

    std::atomic<int> done{0};
    std::vector<int> visible_at_done(100, -1);
    for (int i = 0; i < 100; ++i) {
        writer.submit(
            [i](store::Transaction& db) {
                store::sqlite_connection(db).prepare("INSERT INTO t VALUES (?)")->bind(1, i).run();
            },
            [&, i](std::exception_ptr error) {
                EXPECT_FALSE(error);
                // Durable before acknowledged: a separate connection sees the row now.
                SqliteReadPool reads(path);
                auto db = reads.acquire();
                auto q =
                    store::sqlite_connection(*db).prepare("SELECT COUNT(*) FROM t WHERE v = ?");
                q->bind(1, i);
                q->step();
                visible_at_done[static_cast<std::size_t>(i)] = static_cast<int>(q->integer(0));
                ++done;
            });
    }
    release.set_value();
    writer.run_sync([](store::Transaction&) {});
    EXPECT_EQ(done.load(), 100);
    for (int v : visible_at_done) EXPECT_EQ(v, 1);
    EXPECT_EQ(count_rows(path, "t"), 100);
    // The blocked batch, then at most a couple of batches for the 100 queued jobs.
    EXPECT_LE(writer.stats().commits - commits_before, 4u);
}

TEST(Writer, AFailingJobIsRolledBackAloneAndTheRestCommit) {
    test::TempDir dir;
    const auto path = dir.file("s.db");
    SqliteWriter writer({path});
    writer.run_sync([](store::Transaction& db) {
        store::sqlite_connection(db).exec("CREATE TABLE t (v INTEGER)");
    });

    std::promise<void> release;
    auto released = release.get_future().share();
    writer.submit([released](store::Transaction&) { released.wait(); }, nullptr);

    std::exception_ptr bad_error, good_error;
    std::promise<void> all_done;
    std::atomic<int> remaining{2};
    writer.submit(
        [](store::Transaction& db) {
            store::sqlite_connection(db).exec("INSERT INTO t VALUES (1)");
            throw std::runtime_error("half-way failure");
        },
        [&](std::exception_ptr e) {
            bad_error = e;
            if (--remaining == 0) all_done.set_value();
        });
    writer.submit(
        [](store::Transaction& db) {
            store::sqlite_connection(db).exec("INSERT INTO t VALUES (2)");
        },
        [&](std::exception_ptr e) {
            good_error = e;
            if (--remaining == 0) all_done.set_value();
        });
    release.set_value();
    all_done.get_future().wait();

    EXPECT_TRUE(bad_error);
    EXPECT_FALSE(good_error);
    SqliteReadPool reads(path);
    auto db = reads.acquire();
    auto q = store::sqlite_connection(*db).prepare("SELECT group_concat(v) FROM t");
    q->step();
    EXPECT_EQ(q->text(0), "2");  // nothing half-written by the failed job
}

TEST(Writer, RunSyncRethrowsTheJobsError) {
    test::TempDir dir;
    SqliteWriter writer({dir.file("s.db")});
    EXPECT_THROW(writer.run_sync([](store::Transaction& db) {
        store::sqlite_connection(db).exec("INSERT INTO no_such_table VALUES (1)");
    }),
                 sqlite::Error);
}

TEST(Writer, RefusesWhenTheQueueIsFull) {
    test::TempDir dir;
    SqliteWriterOptions options{dir.file("s.db")};
    options.limits.max_queue = 2;
    SqliteWriter writer(options);
    std::promise<void> release;
    auto released = release.get_future().share();
    std::promise<void> entered;
    ASSERT_TRUE(writer.submit(
        [released, &entered](store::Transaction&) {
            entered.set_value();
            released.wait();
        },
        nullptr));
    entered.get_future().wait();
    EXPECT_TRUE(writer.submit([](store::Transaction&) {}, nullptr));
    EXPECT_TRUE(writer.submit([](store::Transaction&) {}, nullptr));
    EXPECT_FALSE(writer.submit([](store::Transaction&) {}, nullptr));
    release.set_value();
}

// /readyz reads busy_for to see a store that stopped answering: it counts from the batch's
// start while the batch is held and is zero again once the batch is answered.
TEST(Writer, BusyForCountsWhileABatchIsHeld) {
    test::TempDir dir;
    SqliteWriter writer({dir.file("s.db")});
    const auto now = [] { return std::chrono::steady_clock::now(); };
    EXPECT_EQ(writer.busy_for(now()).count(), 0) << "an idle writer is not busy";
    std::promise<void> release;
    auto released = release.get_future().share();
    std::promise<void> entered;
    std::promise<void> done;
    ASSERT_TRUE(writer.submit(
        [released, &entered](store::Transaction&) {
            entered.set_value();
            released.wait();
        },
        [&done](std::exception_ptr) { done.set_value(); }));
    entered.get_future().wait();
    const auto later = now() + std::chrono::seconds(7);
    EXPECT_GE(writer.busy_for(later), std::chrono::seconds(7)) << "a held batch is busy";
    release.set_value();
    done.get_future().wait();
    EXPECT_EQ(writer.busy_for(later).count(), 0) << "an answered batch is not busy any more";
}

}  // namespace
}  // namespace fieldgate::store
