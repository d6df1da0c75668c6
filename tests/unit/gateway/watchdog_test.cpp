// The watchdog's sweep against a real store: when a window has ended is service_window()'s
// rule, the same the evidence check uses.
#include <gtest/gtest.h>

#include "sqlite_transaction.h"
#include "support/ingest_fixture.h"
#include "time_util.h"
#include "watchdog.h"

namespace fieldgate {
namespace {

class WatchdogSweep : public test::IngestFixture {
  protected:
    int sweep(const std::string& now) {
        WatchdogOptions options;
        options.city_zone = "America/Los_Angeles";
        options.events = ctx_.events;
        Watchdog watchdog(options, *writer_, *reads_, nullptr);
        return watchdog.sweep(*parse_rfc3339(now));
    }
    void set_window_end(const std::string& id, const std::string& end) {
        writer_->run_sync([&](store::Transaction& db) {
            store::sqlite_connection(db)
                .prepare(
                    "UPDATE work_orders SET window_start = '07:00', window_end = ? WHERE id = ?")
                ->bind(1, end)
                .bind(2, id)
                .run();
        });
    }
};

TEST_F(WatchdogSweep, ADayWithoutAWindowIsNotOverdueBeforeMidnight) {
    add_order("wo_1", "SR-1", "bay-hauling");  // scheduled 2026-02-03, no window, dispatched
    EXPECT_EQ(sweep("2026-02-03T23:59:59.500-08:00"), 0);
    EXPECT_EQ(order("wo_1").status, "dispatched");
    EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), 0);
    EXPECT_EQ(sweep("2026-02-04T00:00:00.000-08:00"), 1);  // the day is over
    auto db = reads_->acquire();
    const auto history = db->list_history("wo_1");
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(history[0].note,
              "overdue: the window ended at 2026-02-04T08:00:00.000Z with no outcome");
}

TEST_F(WatchdogSweep, AGivenWindowEndIsInclusive) {
    add_order("wo_1", "SR-1", "bay-hauling");
    set_window_end("wo_1", "17:00");
    EXPECT_EQ(sweep("2026-02-03T17:00:00.000-08:00"), 0);  // a result now is still on time
    EXPECT_EQ(sweep("2026-02-03T17:00:00.001-08:00"), 1);
}

}  // namespace
}  // namespace fieldgate
