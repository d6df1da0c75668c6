// The tablet library against the real gateway process on loopback: pulling, recording offline,
// syncing, conflicts, clock skew and a connection cut after the commit.
#include "fault_proxy.h"
#include "sync_component_fixture.h"
#include "time_util.h"

namespace fieldgate::test {
namespace {

using offline::ActionInput;
using offline::Tablet;

TEST_F(CrewSync, ATabletPullsRecordsOfflineSyncsAndLearnsOfCancellationsAndReschedules) {
    const auto d = issue_device(*gw_, "north", "north-1");
    const auto keep = create_crew_order(*gw_, "north", "SR-NORTH-1");
    const auto drop = create_crew_order(*gw_, "north", "SR-NORTH-2");
    const auto moved = create_crew_order(*gw_, "north", "SR-NORTH-3");
    auto tablet = enrolled_tablet(*gw_, dir_, d);
    EXPECT_EQ(tablet->pull(3), 3u);
    const auto a = tablet->assignment(keep);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->address, "200 E Santa Clara St, San Jose, CA 95113");
    EXPECT_EQ(a->instructions, "at the curb");
    EXPECT_NE(tablet->catalog_json().find("NOT_SET_OUT"), std::string::npos);

    // Offline: the CRM cancels one order meanwhile; the crew still records on both.
    ASSERT_EQ(cancel_order(*gw_, drop), 200);
    {
        auto c = gw_->client();
        const auto r =
            c.post("/v1/work-orders/" + moved + "/reschedule",
                   R"({"scheduled_date":"2031-05-06","window":{"start":"08:00","end":"12:00"}})",
                   "application/json", gw_->crm_headers());
        ASSERT_EQ(r.status, 200) << r.body;
    }
    ActionInput done{"completed", keep, "", "", 37.3377, -121.8863, 5.0, {}, 2, std::nullopt};
    tablet->record(done);
    ActionInput missed{"not_collected", drop, "NOT_SET_OUT", "", {}, {}, {}, {}, {}, std::nullopt};
    tablet->record(missed);
    EXPECT_EQ(tablet->status().pending_actions, 2u);

    const auto report = tablet->sync();
    ASSERT_TRUE(report.complete) << report.error;
    EXPECT_EQ(report.accepted, 1u);
    EXPECT_EQ(report.cancelled, 1u);  // kept and flagged, not applied
    EXPECT_EQ(tablet->assignment(drop)->status, "cancelled");
    EXPECT_EQ(report.changes_applied, 2u);
    EXPECT_EQ(tablet->assignment(moved)->scheduled_date, "2031-05-06");
    EXPECT_EQ(tablet->assignment(moved)->window_start, "08:00");
    EXPECT_EQ(get_order(*gw_, keep)["status"], "completed");
    EXPECT_EQ(get_order(*gw_, drop)["status"], "cancelled");
    auto db = gateway_db(*gw_);
    EXPECT_EQ(count_rows(db, "SELECT COUNT(*) FROM outcomes WHERE work_order_id = ?", {drop}), 0);
    EXPECT_EQ(count_rows(db,
                         "SELECT COUNT(*) FROM quarantine WHERE problem_type = "
                         "'work-order-cancelled' AND vendor = 'crew:north'",
                         {}),
              1);
    EXPECT_EQ(tablet->status().pending_actions, 0u);
}

TEST_F(CrewSync, FirstTerminalOutcomeWinsAndALaterContradictionIsKeptAsConflict) {
    const auto first = issue_device(*gw_, "east", "east-1");
    const auto second = issue_device(*gw_, "east", "east-2");
    const auto order = create_crew_order(*gw_, "east", "SR-EAST-1");
    auto t1 = enrolled_tablet(*gw_, dir_, first);
    auto t2 = enrolled_tablet(*gw_, dir_, second);
    t1->record({"not_collected", order, "ACCESS_BLOCKED", "", {}, {}, {}, {}, {}, std::nullopt});
    t2->record({"completed", order, "", "", {}, {}, {}, {}, {}, std::nullopt});
    ASSERT_TRUE(t1->sync().complete);
    const auto r2 = t2->sync();
    ASSERT_TRUE(r2.complete) << r2.error;
    EXPECT_EQ(r2.conflict, 1u);
    const auto wo = get_order(*gw_, order);
    EXPECT_EQ(wo["status"], "not_collected");
    auto db = gateway_db(*gw_);
    EXPECT_EQ(count_rows(db,
                         "SELECT COUNT(*) FROM outcomes WHERE work_order_id = ? AND disposition = "
                         "'conflict' AND source = ?",
                         {order, "crew:east-2"}),
              1);
    // Only the first outcome went to the CRM.
    EXPECT_EQ(count_rows(db,
                         "SELECT COUNT(*) FROM outbox o JOIN outcomes c ON o.outcome_id = c.id "
                         "WHERE o.work_order_id = ? AND o.destination = 'crm' AND c.source = ?",
                         {order, "crew:east-2"}),
              0);
    EXPECT_EQ(count_rows(db,
                         "SELECT COUNT(*) FROM outbox o JOIN outcomes c ON o.outcome_id = c.id "
                         "WHERE o.work_order_id = ? AND o.destination = 'crm' AND c.source = ?",
                         {order, "crew:east-1"}),
              1);
}

TEST_F(CrewSync, ASkewedDeviceClockIsCorrectedAndFlagged) {
    const auto d = issue_device(*gw_, "skew", "skew-1");
    const auto order = create_crew_order(*gw_, "skew", "SR-SKEW-1");
    const auto skew = std::chrono::hours(3);
    auto tablet =
        enrolled_tablet(*gw_, dir_, d, [skew] { return std::chrono::system_clock::now() + skew; });
    const auto real = now_millis();
    tablet->record({"arrived", order, "", "", {}, {}, {}, {}, {}, std::nullopt});
    ASSERT_TRUE(tablet->sync().complete);
    auto db = gateway_db(*gw_);
    auto q = db.prepare(
        "SELECT occurred_at, time_flag, clock_skew_ms FROM crew_actions WHERE device_id = ?");
    q->bind(1, d.id);
    ASSERT_TRUE(q->step());
    const auto stored = parse_rfc3339(q->text(0));
    ASSERT_TRUE(stored);
    EXPECT_EQ(q->text(1), "clock_corrected");
    EXPECT_NEAR(static_cast<double>(q->integer(2)), 3.0 * 3600 * 1000, 60000.0);
    // Corrected back to the real time, give or take the time the test took (a minute at most).
    EXPECT_LT(std::chrono::abs(*stored - real), std::chrono::minutes(1));
}

TEST_F(CrewSync, AConnectionCutAfterTheCommitIsSafeToRetry) {
    const auto d = issue_device(*gw_, "cut", "cut-1");
    const auto order = create_crew_order(*gw_, "cut", "SR-CUT-1");
    sim::FaultProxy proxy("127.0.0.1", gw_->port());
    auto tablet = enrolled_tablet(*gw_, dir_, d);
    tablet->set_gateway({"127.0.0.1", proxy.port()});
    tablet->record({"arrived", order, "", "", {}, {}, {}, {}, {}, std::nullopt});
    tablet->record({"completed", order, "", "", {}, {}, {}, {}, {}, std::nullopt});
    // The reply's first bytes only: the gateway committed, the tablet never heard.
    proxy.cut_after(sim::FaultProxy::Direction::to_client, 12);
    EXPECT_FALSE(tablet->sync().complete);
    EXPECT_EQ(tablet->status().pending_actions, 2u);
    auto db = gateway_db(*gw_);
    EXPECT_EQ(count_rows(db, "SELECT COUNT(*) FROM crew_actions WHERE device_id = ?", {d.id}), 2);
    const auto retry = tablet->sync();
    ASSERT_TRUE(retry.complete) << retry.error;
    EXPECT_EQ(retry.accepted, 2u);  // the verdicts of the first time, not "duplicate"
    EXPECT_EQ(count_rows(db, "SELECT COUNT(*) FROM outcomes WHERE source = ?", {"crew:" + d.id}),
              2);
}

TEST_F(CrewSync, TheLibraryRefusesWhatItCanCheckOfflineAndKeepsTheRestUntilEnrolled) {
    Tablet tablet(dir_.file("offline.db"));
    using offline::InvalidArgument;
    EXPECT_THROW(tablet.record({"swept", "wo_1", "", "", {}, {}, {}, {}, {}, std::nullopt}),
                 InvalidArgument);
    EXPECT_THROW(tablet.record({"partial", "wo_1", "", "", {}, {}, {}, {}, {}, std::nullopt}),
                 InvalidArgument);
    EXPECT_THROW(
        tablet.record({"completed", "wo_1", "NOT_SET_OUT", "", {}, {}, {}, {}, {}, std::nullopt}),
        InvalidArgument);
    EXPECT_THROW(
        tablet.record(
            {"completed", "wo_1", "", "", {}, {}, {}, {dir_.file("none.jpg")}, {}, std::nullopt}),
        InvalidArgument);
    const auto a = tablet.record({"arrived", "wo_1", "", "", {}, {}, {}, {}, {}, std::nullopt});
    const auto b = tablet.record({"note", "wo_1", "", "gate", {}, {}, {}, {}, {}, std::nullopt});
    EXPECT_EQ(a.seq, 1);
    EXPECT_EQ(b.seq, 2);
    EXPECT_NE(a.action_id, b.action_id);
    const auto report = tablet.sync();
    EXPECT_FALSE(report.complete);
    EXPECT_NE(report.error.find("not enrolled"), std::string::npos);
    EXPECT_EQ(tablet.status().pending_actions, 2u);
}

}  // namespace
}  // namespace fieldgate::test
