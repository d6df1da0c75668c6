#include <gtest/gtest.h>

#include <chrono>

#include "time_util.h"

namespace fieldgate {
namespace {

using namespace std::chrono;

TEST(ParseIsoDate, TakesRealCalendarDates) {
    EXPECT_EQ(parse_iso_date("2026-02-03"), sys_days{2026y / February / 3});
    EXPECT_EQ(parse_iso_date("2024-02-29"), sys_days{2024y / February / 29});
    EXPECT_EQ(parse_iso_date("1970-01-01"), sys_days{});
    EXPECT_EQ(parse_iso_date("0000-01-01"), sys_days{0y / January / 1});
    EXPECT_EQ(parse_iso_date("9999-12-31"), sys_days{9999y / December / 31});
}

TEST(ParseIsoDate, RefusesAnythingElse) {
    for (const char* bad :
         {"", "2026-02-30", "2026-02-29", "2026-13-01", "2026-00-10", "2026-01-00", "2026-2-03",
          "2026-02-3", "26-02-03", "+2026-02-03", "2026/02/03", "20260203", " 2026-02-03",
          "2026-02-03 ", "2026-02-03T00:00:00Z", "2026-0a-03", "２026-02-03"}) {
        EXPECT_EQ(parse_iso_date(bad), std::nullopt) << bad;
        EXPECT_FALSE(is_iso_date(bad)) << bad;
    }
}

}  // namespace
}  // namespace fieldgate
