#include <gtest/gtest.h>

#include "evidence.h"
#include "lifecycle.h"
#include "schedule.h"
#include "time_util.h"

namespace fieldgate {
namespace {

store::WorkOrder order_with_window(std::optional<std::string> start,
                                   std::optional<std::string> end) {
    store::WorkOrder wo;
    wo.lat = 37.33452;
    wo.lon = -121.88861;
    wo.scheduled_date = "2026-07-03";
    wo.window_start = std::move(start);
    wo.window_end = std::move(end);
    return wo;
}

TEST(Evidence, DistanceIsHaversine) {
    // Two points in downtown San Jose about 1.5 km apart (checked by hand).
    EXPECT_NEAR(distance_m(37.3378, -121.8856, 37.3327, -121.9010), 1470, 60);
    EXPECT_DOUBLE_EQ(distance_m(37.0, -121.0, 37.0, -121.0), 0.0);
}

TEST(Evidence, TimeIsJudgedAgainstTheLocalWindowInSummerTime) {
    ReasonInfo reason;
    reason.evidence.in_window = true;
    NormalizedResult r;
    const auto wo = order_with_window("07:00", "15:00");
    r.occurred_at = "2026-07-03T14:59:00-07:00";  // PDT
    EXPECT_EQ(check_evidence(r, &reason, wo, "America/Los_Angeles").detail["time"], "in_window");
    r.occurred_at = "2026-07-03T22:30:00Z";  // 15:30 PDT
    auto late = check_evidence(r, &reason, wo, "America/Los_Angeles");
    EXPECT_EQ(late.detail["time"], "outside_window");
    EXPECT_FALSE(late.complete);
    r.occurred_at.reset();
    EXPECT_EQ(check_evidence(r, &reason, wo, "America/Los_Angeles").detail["time"], "unknown");
}

TEST(Evidence, WithoutAWindowTheWholeScheduledDayCounts) {
    ReasonInfo reason;
    reason.evidence.in_window = true;
    NormalizedResult r;
    r.occurred_at = "2026-07-03T23:30:00-07:00";
    EXPECT_EQ(check_evidence(r, &reason, order_with_window(std::nullopt, std::nullopt),
                             "America/Los_Angeles")
                  .detail["time"],
              "in_window");
    r.occurred_at = "2026-07-04T07:30:00Z";  // 00:30 next day local
    EXPECT_EQ(check_evidence(r, &reason, order_with_window(std::nullopt, std::nullopt),
                             "America/Los_Angeles")
                  .detail["time"],
              "outside_window");
}

TEST(Evidence, ADayWithoutAWindowEndsAtTheNextMidnightExclusive) {
    ReasonInfo reason;
    reason.evidence.in_window = true;
    const auto wo = order_with_window(std::nullopt, std::nullopt);
    NormalizedResult r;
    r.occurred_at = "2026-07-03T23:59:59.500-07:00";
    auto v = check_evidence(r, &reason, wo, "America/Los_Angeles");
    EXPECT_EQ(v.detail["time"], "in_window");
    EXPECT_TRUE(v.complete);
    r.occurred_at = "2026-07-04T00:00:00.000-07:00";
    EXPECT_EQ(check_evidence(r, &reason, wo, "America/Los_Angeles").detail["time"],
              "outside_window");
    // A given end is inclusive: "until 15:00" takes 15:00:00.000 and nothing later.
    r.occurred_at = "2026-07-03T15:00:00-07:00";
    EXPECT_EQ(check_evidence(r, &reason, order_with_window("07:00", "15:00"), "America/Los_Angeles")
                  .detail["time"],
              "in_window");
    r.occurred_at = "2026-07-03T15:00:00.001-07:00";
    EXPECT_EQ(check_evidence(r, &reason, order_with_window("07:00", "15:00"), "America/Los_Angeles")
                  .detail["time"],
              "outside_window");
}

TEST(ServiceWindow, IsTheScheduledDayInTheCityZoneWhenNoneIsGiven) {
    // 2026-03-08 has 23 hours in Los Angeles: its day still ends at the next local midnight.
    const auto short_day =
        service_window("2026-03-08", std::nullopt, std::nullopt, "America/Los_Angeles");
    ASSERT_TRUE(short_day);
    EXPECT_EQ(format_utc(short_day->start), "2026-03-08T08:00:00.000Z");
    EXPECT_EQ(format_utc(short_day->end), "2026-03-09T07:00:00.000Z");
    EXPECT_FALSE(short_day->end_inclusive);
    EXPECT_FALSE(short_day->ended_by(short_day->end - std::chrono::milliseconds(1)));
    EXPECT_TRUE(short_day->ended_by(short_day->end));
    const auto given = service_window("2026-02-03", std::string("07:00"),
                                      std::string("2026-02-03T12:00:00Z"), "America/New_York");
    ASSERT_TRUE(given);
    EXPECT_EQ(format_utc(given->end), "2026-02-03T12:00:00.000Z");
    EXPECT_TRUE(given->contains(given->end));
    EXPECT_FALSE(given->ended_by(given->end));
    EXPECT_FALSE(service_window("2026-02-30", std::nullopt, std::nullopt, "America/Los_Angeles"));
}

TEST(Evidence, CompletedWithoutAReasonExpectsNothing) {
    NormalizedResult r;
    auto v = check_evidence(r, nullptr, order_with_window("07:00", "15:00"), "America/Los_Angeles");
    EXPECT_TRUE(v.complete);
    EXPECT_EQ(v.detail["photo"], "not_expected");
}

TEST(Lifecycle, RanksAndTerminalStatuses) {
    EXPECT_LT(status_rank("received"), status_rank("dispatched"));
    EXPECT_LT(status_rank("acknowledged"), status_rank("en_route"));
    EXPECT_LT(status_rank("en_route"), status_rank("on_site"));
    EXPECT_LT(status_rank("on_site"), status_rank("completed"));
    EXPECT_TRUE(is_terminal_status("not_collected"));
    EXPECT_FALSE(is_terminal_status("on_site"));
    EXPECT_EQ(status_for_outcome("PARTIALLY_COMPLETED"), "partially_completed");
}

}  // namespace
}  // namespace fieldgate

namespace fieldgate {
namespace {

TEST(TimeUtil, ParsesRfc3339WithOffsetsFractionsAndRejectsTheRest) {
    const auto z = parse_rfc3339("2026-02-03T18:42:17Z");
    ASSERT_TRUE(z);
    EXPECT_EQ(parse_rfc3339("2026-02-03T10:42:17-08:00"), z);
    EXPECT_EQ(parse_rfc3339("2026-02-04T00:12:17+05:30"), z);
    EXPECT_EQ(format_utc(*parse_rfc3339("2026-02-03T18:42:17.5Z")), "2026-02-03T18:42:17.500Z");
    for (const char* bad : {"2026-02-03T18:42:17", "2026-02-30T10:00:00Z", "2026-02-03T24:00:00Z",
                            "2026-02-03 18:42Z", "2026-02-03T18:42:17+0800",
                            "2026-02-03T18:42:17Zjunk", "", "tomorrow"}) {
        EXPECT_FALSE(parse_rfc3339(bad)) << bad;
    }
}

TEST(TimeUtil, LocalTimesFollowTheZonesDaylightSaving) {
    EXPECT_EQ(local_to_instant("2026-02-03", "07:00", "America/Los_Angeles"),
              parse_rfc3339("2026-02-03T15:00:00Z"));
    EXPECT_EQ(local_to_instant("2026-07-03", "07:00:30", "America/Los_Angeles"),
              parse_rfc3339("2026-07-03T14:00:30Z"));
    EXPECT_FALSE(local_to_instant("2026-07-03", "7:00", "America/Los_Angeles"));
    EXPECT_FALSE(local_to_instant("2026-07-03", "07:00", "Mars/Olympus_Mons"));
    EXPECT_TRUE(is_iso_date("2024-02-29"));
    EXPECT_FALSE(is_iso_date("2026-02-29"));
}

}  // namespace
}  // namespace fieldgate
