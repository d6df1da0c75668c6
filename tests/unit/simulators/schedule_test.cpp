// --schedule and the /_control body of the CRM simulator.
#include <gtest/gtest.h>

#include <stdexcept>

#include "control_command.h"
#include "schedule.h"

namespace fieldgate::crm_sim {
namespace {

using std::chrono::milliseconds;

TEST(Schedule, ParsesPhasesWithParameters) {
    const auto phases = parse_schedule(
        "30s:ok,60s:error500,30s:throttle429:retry_after=5,20s:down,"
        "500ms:slow:delay_ms=250,1.5s:gone410,2m:reject400");
    ASSERT_EQ(phases.size(), 7u);
    EXPECT_EQ(phases[0].duration, milliseconds(30000));
    EXPECT_EQ(phases[0].fault.mode, Mode::kOk);
    EXPECT_EQ(phases[1].fault.mode, Mode::kError500);
    EXPECT_EQ(phases[2].fault.mode, Mode::kThrottle429);
    EXPECT_EQ(phases[2].fault.retry_after_s, 5);
    EXPECT_EQ(phases[3].fault.mode, Mode::kDown);
    EXPECT_EQ(phases[4].duration, milliseconds(500));
    EXPECT_EQ(phases[4].fault.mode, Mode::kSlow);
    EXPECT_EQ(phases[4].fault.delay_ms, 250);
    EXPECT_EQ(phases[5].duration, milliseconds(1500));
    EXPECT_EQ(phases[6].duration, milliseconds(120000));
    EXPECT_TRUE(parse_schedule("").empty());
}

TEST(Schedule, RefusesBadPhases) {
    for (const char* bad : {"30:ok", "30s", "30s:sleepy", "0s:ok", "30s:throttle429:retry=5",
                            "30s:throttle429:retry_after=x", "30s:ok,,10s:down"}) {
        EXPECT_THROW(parse_schedule(bad), std::invalid_argument) << bad;
    }
}

TEST(ControlCommand, ParsesEveryMember) {
    const auto r = parse_control(
        R"({"mode":"throttle429","retry_after_s":7,"for_s":1.5,"reject_ids":["a","b"],)"
        R"("fail_first_n":2})");
    ASSERT_TRUE(r.command) << r.problem;
    ASSERT_TRUE(r.command->fault);
    EXPECT_EQ(r.command->fault->mode, Mode::kThrottle429);
    EXPECT_EQ(r.command->fault->retry_after_s, 7);
    EXPECT_EQ(r.command->for_duration, milliseconds(1500));
    EXPECT_EQ(r.command->reject_ids, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(r.command->fail_first_n, 2);
}

TEST(ControlCommand, AbsentMembersLeaveSettingsAlone) {
    const auto r = parse_control(R"({"reject_ids":[]})");
    ASSERT_TRUE(r.command) << r.problem;
    EXPECT_FALSE(r.command->fault);
    EXPECT_FALSE(r.command->fail_first_n);
    EXPECT_EQ(r.command->reject_ids, std::vector<std::string>{});
}

TEST(ControlCommand, RefusesWhatItDoesNotKnow) {
    for (const char* bad :
         {R"({"mode":"sleepy"})", R"({"mode":"slow","delay":5})", R"({"delay_ms":5})",
          R"({"mode":"ok","for_s":0})", R"({"reject_ids":"evt_1"})", R"({"fail_first_n":-1})", "[]",
          "not json"}) {
        const auto r = parse_control(bad);
        EXPECT_FALSE(r.command) << bad;
        EXPECT_FALSE(r.problem.empty()) << bad;
    }
}

}  // namespace
}  // namespace fieldgate::crm_sim
