// The writer and the read pool on both stores: a job is durable when it is answered, a job
// that throws is rolled back alone, and on PostgreSQL a server that went away fails the batch
// it was in (a transient failure) and the writer reconnects by itself once it is back.
#include <array>
#include <future>
#include <stdexcept>

#include "pg_store.h"
#include "sqlite_read_pool.h"
#include "sqlite_writer.h"
#include "store_fixture.h"

namespace fieldgate::test {
namespace {

class StoreWriterTest : public testing::TestWithParam<StoreKind> {
  protected:
    void SetUp() override {
        if (GetParam() == StoreKind::sqlite) {
            writer_ = std::make_unique<store::SqliteWriter>(
                store::SqliteWriterOptions{dir_.file("s.db")});
            reads_ = std::make_unique<store::SqliteReadPool>(dir_.file("s.db"));
            return;
        }
        store::PgStoreOptions options;
        options.url = fresh_pg_database("w");
        options.password = shared_pg_cluster().password();
        writer_ = std::make_unique<store::PgWriter>(options);
        reads_ = std::make_unique<store::PgReadPool>(options);
    }

    // Saves a poll state for `vendor` (a row any store has), as one writer job.
    static store::Writer::Job save(const std::string& vendor) {
        return [vendor](store::Transaction& tx) {
            store::PollState s;
            s.vendor = vendor;
            s.updated_at = "2026-12-01T08:00:00Z";
            tx.save_poll_state(s);
        };
    }
    bool stored(const std::string& vendor) {
        return reads_->acquire()->load_poll_state(vendor).has_value();
    }
    // Runs save("a"), `middle` and save("c") as one batch (a first job holds the writer while
    // they queue) and returns the three answers.
    std::array<std::exception_ptr, 3> batch_around(store::Writer::Job middle,
                                                   store::ReadAhead reads = {}) {
        std::promise<void> hold;
        auto held = hold.get_future().share();
        // With the same reads: in the batch of the three or not, it does not decide how it runs.
        EXPECT_TRUE(writer_->submit([held](store::Transaction&) { held.wait(); }, nullptr, reads));
        std::array<std::promise<std::exception_ptr>, 3> answered;
        const std::array<store::Writer::Job, 3> jobs{save("a"), std::move(middle), save("c")};
        for (std::size_t i = 0; i < jobs.size(); ++i)
            EXPECT_TRUE(writer_->submit(
                jobs[i], [&answered, i](std::exception_ptr e) { answered[i].set_value(e); },
                reads));
        hold.set_value();
        std::array<std::exception_ptr, 3> answers;
        for (std::size_t i = 0; i < answers.size(); ++i)
            answers[i] = answered[i].get_future().get();
        return answers;
    }

    // save("b"), then a row the database refuses: no such work order for its foreign key.
    static store::Writer::Job saves_b_then_a_refused_write() {
        return [](store::Transaction& tx) {
            save("b")(tx);
            tx.append_history("wo-missing",
                              store::HistoryEntry{"2026-12-01T08:00:00Z", std::nullopt, "completed",
                                                  "test", std::nullopt, std::nullopt});
        };
    }
    void expect_only_b_refused(const std::array<std::exception_ptr, 3>& answers) {
        EXPECT_EQ(answers[0], nullptr);
        EXPECT_NE(answers[1], nullptr) << "the refused write went unnoticed";
        EXPECT_EQ(answers[2], nullptr);
        EXPECT_TRUE(stored("a"));
        EXPECT_FALSE(stored("b"));
        EXPECT_TRUE(stored("c"));
    }

    TempDir dir_;
    std::unique_ptr<store::Writer> writer_;
    std::unique_ptr<store::ReadPool> reads_;
};

TEST_P(StoreWriterTest, AnsweredJobIsReadableFromAnotherSession) {
    std::promise<std::exception_ptr> answered;
    ASSERT_TRUE(writer_->submit(save("a"), [&](std::exception_ptr e) { answered.set_value(e); }));
    EXPECT_EQ(answered.get_future().get(), nullptr);
    EXPECT_TRUE(stored("a"));
}

TEST_P(StoreWriterTest, FailingJobIsRolledBackAloneAndTheRestCommits) {
    const auto answers = batch_around([](store::Transaction& tx) {
        save("b")(tx);
        throw std::runtime_error("the job failed after writing");
    });
    EXPECT_EQ(answers[0], nullptr);
    EXPECT_NE(answers[1], nullptr);
    EXPECT_EQ(answers[2], nullptr);
    EXPECT_TRUE(stored("a"));
    EXPECT_FALSE(stored("b"));
    EXPECT_TRUE(stored("c"));
}

// On PostgreSQL a job's history and outbox rows are sent ahead without waiting (pg.h): one that
// the database refuses must still fail its own job, not the next one, and undo only that job.
TEST_P(StoreWriterTest, AJobWhoseLastWriteIsRefusedIsRolledBackAloneAndTheRestCommits) {
    expect_only_b_refused(batch_around(saves_b_then_a_refused_write()));
}

// Repeatable jobs run as one whole batch first on both stores (on PostgreSQL nothing is waited
// for until COMMIT; on SQLite no savepoint copies pages per job); a write refused in it sends the
// batch round again job by job, where the refusal is its own job's alone and the other jobs are
// stored.
TEST_P(StoreWriterTest, ARefusedWriteInARepeatableBatchFailsOnlyItsOwnJob) {
    store::ReadAhead repeatable;
    repeatable.repeatable = true;
    expect_only_b_refused(batch_around(saves_b_then_a_refused_write(), repeatable));
}

// The whole batch is tried first: a repeatable job that fails runs twice (in the whole batch,
// then alone); one that is not repeatable runs once, in its own savepoint.
TEST_P(StoreWriterTest, ARepeatableBatchIsTriedWholeBeforeJobByJob) {
    auto failing = [](int& runs) {
        return [&runs](store::Transaction& tx) {
            ++runs;
            save("b")(tx);
            throw std::runtime_error("the job failed after writing");
        };
    };
    store::ReadAhead repeatable;
    repeatable.repeatable = true;
    int whole_first = 0;
    auto answers = batch_around(failing(whole_first), repeatable);
    EXPECT_EQ(whole_first, 2);
    EXPECT_NE(answers[1], nullptr);
    EXPECT_TRUE(stored("a"));
    EXPECT_FALSE(stored("b"));
    EXPECT_TRUE(stored("c"));

    int job_by_job = 0;
    answers = batch_around(failing(job_by_job));
    EXPECT_EQ(job_by_job, 1);
    EXPECT_NE(answers[1], nullptr);
}

TEST_P(StoreWriterTest, SnapshotReadsAgree) {
    writer_->run_sync(save("a"));
    bool seen = false;
    reads_->acquire().snapshot(
        [&](store::Transaction& tx) { seen = tx.load_poll_state("a").has_value(); });
    EXPECT_TRUE(seen);
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreWriterTest,
                         testing::Values(StoreKind::sqlite, StoreKind::postgres), store_name);

// Its own cluster: the case stops and starts the server.
TEST(PgWriter, ServerLossFailsTheBatchTransientlyAndTheWriterReconnects) {
    PgCluster cluster(PgClusterOptions{.fsync = false});
    store::PgStoreOptions options;
    options.url = cluster.create_database("restart");
    options.password = cluster.password();
    store::PgWriter writer(options);
    store::PgReadPool reads(options);
    writer.run_sync([](store::Transaction& tx) {
        store::PollState s;
        s.vendor = "before";
        s.updated_at = "2026-12-01T08:00:00Z";
        tx.save_poll_state(s);
    });

    cluster.stop();
    try {
        writer.run_sync([](store::Transaction&) {});
        FAIL() << "a job was answered as durable with the server down";
    } catch (const std::exception& e) {
        EXPECT_TRUE(store::is_transient_failure(e)) << e.what();
    }

    cluster.start();
    writer.run_sync([](store::Transaction& tx) {
        store::PollState s;
        s.vendor = "after";
        s.updated_at = "2026-12-01T08:01:00Z";
        tx.save_poll_state(s);
    });
    EXPECT_TRUE(reads.acquire()->load_poll_state("before"));
    EXPECT_TRUE(reads.acquire()->load_poll_state("after"));
}

}  // namespace
}  // namespace fieldgate::test
