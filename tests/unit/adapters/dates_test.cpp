// Named date formats and time zones (engine/dates.h), each format on its own.
#include <gtest/gtest.h>

#include "engine/dates.h"

namespace fieldgate::engine {
namespace {

const date::time_zone* la() {
    return find_zone("America/Los_Angeles");
}

std::string dt(const std::string& text, TimeFormat f, std::optional<int> offset = std::nullopt) {
    auto r = to_rfc3339(text, {f}, offset, la());
    return r.value.value_or("ERROR: " + r.error);
}

TEST(adapters_Dates, Iso8601KeepsTheValuesOwnOffset) {
    EXPECT_EQ(dt("2026-02-03T10:42:17-08:00", TimeFormat::kIso8601), "2026-02-03T10:42:17-08:00");
    EXPECT_EQ(dt("2026-02-03T10:42:17+05:30", TimeFormat::kIso8601), "2026-02-03T10:42:17+05:30");
}

TEST(adapters_Dates, Iso8601AcceptsZuluAndFractions) {
    EXPECT_EQ(dt("2026-02-03T18:42:17Z", TimeFormat::kIso8601), "2026-02-03T18:42:17Z");
    EXPECT_EQ(dt("2026-02-03T18:42:17.250Z", TimeFormat::kIso8601), "2026-02-03T18:42:17.250Z");
    EXPECT_EQ(dt("2026-02-03T10:42:17.5-08:00", TimeFormat::kIso8601),
              "2026-02-03T10:42:17.5-08:00");
}

TEST(adapters_Dates, Iso8601WithoutOffsetGetsTheZoneOffsetAcrossDst) {
    EXPECT_EQ(dt("2026-02-03T10:42:17", TimeFormat::kIso8601), "2026-02-03T10:42:17-08:00");  // PST
    EXPECT_EQ(dt("2026-07-14T09:05:00", TimeFormat::kIso8601), "2026-07-14T09:05:00-07:00");  // PDT
    // The day DST starts (2026-03-08): before and after 02:00.
    EXPECT_EQ(dt("2026-03-08T01:59:59", TimeFormat::kIso8601), "2026-03-08T01:59:59-08:00");
    EXPECT_EQ(dt("2026-03-08T03:00:00", TimeFormat::kIso8601), "2026-03-08T03:00:00-07:00");
}

TEST(adapters_Dates, ALocalTimeInTheSpringGapIsRefused) {
    auto r = to_rfc3339("2026-03-08T02:30:00", {TimeFormat::kIso8601}, std::nullopt, la());
    EXPECT_FALSE(r.value);
    EXPECT_NE(r.error.find("does not exist"), std::string::npos) << r.error;
}

TEST(adapters_Dates, AnAmbiguousAutumnTimeTakesTheEarlierInstant) {
    EXPECT_EQ(dt("2026-11-01T01:30:00", TimeFormat::kIso8601), "2026-11-01T01:30:00-07:00");
}

TEST(adapters_Dates, Iso8601LocalRefusesAnOffset) {
    EXPECT_EQ(dt("2026-02-03T09:15:02", TimeFormat::kIso8601Local), "2026-02-03T09:15:02-08:00");
    EXPECT_FALSE(
        to_rfc3339("2026-02-03T09:15:02Z", {TimeFormat::kIso8601Local}, std::nullopt, la()).value);
}

TEST(adapters_Dates, SqlDatetime) {
    EXPECT_EQ(dt("2026-02-03 07:41:10", TimeFormat::kSqlDatetime), "2026-02-03T07:41:10-08:00");
    EXPECT_FALSE(
        to_rfc3339("2026-02-03T07:41:10", {TimeFormat::kSqlDatetime}, std::nullopt, la()).value);
}

TEST(adapters_Dates, UnixSecondsIsUtc) {
    EXPECT_EQ(dt("1770144137", TimeFormat::kUnixSeconds), "2026-02-03T18:42:17Z");
    EXPECT_FALSE(to_rfc3339("17701.5", {TimeFormat::kUnixSeconds}, std::nullopt, la()).value);
}

TEST(adapters_Dates, UnixMillisIsUtcWithThreeDecimals) {
    EXPECT_EQ(dt("1770144137250", TimeFormat::kUnixMillis), "2026-02-03T18:42:17.250Z");
    EXPECT_EQ(dt("1770144137000", TimeFormat::kUnixMillis), "2026-02-03T18:42:17.000Z");
    EXPECT_FALSE(to_rfc3339("1770144137.5", {TimeFormat::kUnixMillis}, std::nullopt, la()).value);
    EXPECT_FALSE(to_rfc3339("", {TimeFormat::kUnixMillis}, std::nullopt, la()).value);
    EXPECT_FALSE(to_rfc3339("-", {TimeFormat::kUnixSeconds}, std::nullopt, la()).value);
    EXPECT_FALSE(to_rfc3339("+1770144137", {TimeFormat::kUnixSeconds}, std::nullopt, la()).value);
}

TEST(adapters_Dates, UsDateAndIsoDate) {
    EXPECT_EQ(to_iso_date("02/03/2026", {TimeFormat::kUsDate}).value, "2026-02-03");
    EXPECT_EQ(to_iso_date("2026-02-03", {TimeFormat::kIsoDate}).value, "2026-02-03");
    EXPECT_FALSE(to_iso_date("2026-02-03", {TimeFormat::kUsDate}).value);
    EXPECT_FALSE(to_iso_date("2/3/2026", {TimeFormat::kUsDate}).value);
    EXPECT_FALSE(to_iso_date("02/30/2026", {TimeFormat::kUsDate}).value);  // not a real day
}

TEST(adapters_Dates, AnOffsetFromElsewhereAppliesToLocalTimesOnly) {
    EXPECT_EQ(dt("2026-02-03T09:15:02", TimeFormat::kIso8601, -480), "2026-02-03T09:15:02-08:00");
    EXPECT_EQ(dt("2026-07-03T09:15:02", TimeFormat::kIso8601, -480), "2026-07-03T09:15:02-08:00");
    EXPECT_EQ(dt("2026-02-03T09:15:02", TimeFormat::kIso8601, 330), "2026-02-03T09:15:02+05:30");
    EXPECT_EQ(dt("2026-02-03T09:15:02Z", TimeFormat::kIso8601, -480), "2026-02-03T09:15:02Z");
}

TEST(adapters_Dates, OffsetText) {
    EXPECT_EQ(parse_offset("-08:00"), -480);
    EXPECT_EQ(parse_offset("+05:30"), 330);
    EXPECT_EQ(parse_offset("Z"), 0);
    EXPECT_FALSE(parse_offset("PST"));
    EXPECT_FALSE(parse_offset("-25:00"));
}

TEST(adapters_Dates, FormatsAreTriedInOrder) {
    auto r = to_rfc3339("2026-02-03 07:41:10", {TimeFormat::kIso8601, TimeFormat::kSqlDatetime},
                        std::nullopt, la());
    EXPECT_EQ(r.value, "2026-02-03T07:41:10-08:00");
}

TEST(adapters_Dates, UnknownZone) {
    EXPECT_EQ(find_zone("America/Atlantis"), nullptr);
    EXPECT_NE(find_zone("America/Los_Angeles"), nullptr);
}

}  // namespace
}  // namespace fieldgate::engine
