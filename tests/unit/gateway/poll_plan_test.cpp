// The pure part of polling: which request goes next and where the poller stands after a page.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "poll_plan.h"

namespace fieldgate::poll {
namespace {

using std::chrono::seconds;

SysMillis at(const char* text) {
    return *parse_rfc3339(text);
}

PollSpec window_spec() {
    PollSpec s;
    s.target = "/api/v2/pickups";
    s.mode = "window";
    s.since_param = "modified_since";
    s.until_param = "modified_before";
    s.overlap_s = 300;
    s.initial_lookback_s = 3600;
    s.next_link_pointer = "/links/next";
    s.page_size_param = "page_size";
    s.page_size = 2;
    return s;
}

TEST(gateway_PollPlan, TheFirstWindowLooksBackAndTheNextOneOverlapsThePrevious) {
    const auto spec = window_spec();
    PollState state;
    const auto t1 = at("2026-02-03T12:00:00.000Z");
    EXPECT_EQ(next_target(spec, state, t1),
              "/api/v2/pickups?modified_since=2026-02-03T11%3A00%3A00.000Z"
              "&modified_before=2026-02-03T12%3A00%3A00.000Z&page_size=2");
    // The last page of that window: no next link.
    EXPECT_FALSE(advance(spec, nlohmann::json::parse(R"({"pickups": [], "links": {"next": null}})"),
                         0, state));
    EXPECT_EQ(state.next_page, "");
    EXPECT_EQ(state.window_until, "2026-02-03T12:00:00.000Z");

    const auto t2 = at("2026-02-03T12:01:00.000Z");
    EXPECT_EQ(next_target(spec, state, t2),
              "/api/v2/pickups?modified_since=2026-02-03T11%3A55%3A00.000Z"
              "&modified_before=2026-02-03T12%3A01%3A00.000Z&page_size=2");
}

TEST(gateway_PollPlan, ANextLinkIsFollowedAndKeptAcrossARestart) {
    const auto spec = window_spec();
    PollState state;
    next_target(spec, state, at("2026-02-03T12:00:00.000Z"));
    const auto page = nlohmann::json::parse(
        R"({"pickups": [{}, {}], "links": {"next": "http://rb.example:8091/api/v2/pickups?page_token=o2"}})");
    EXPECT_TRUE(advance(spec, page, 2, state));
    EXPECT_EQ(state.next_page, "/api/v2/pickups?page_token=o2");
    EXPECT_EQ(state.pages, 1);
    EXPECT_EQ(state.records, 2);
    // What a restart loads is this state: the same page is asked for, not a new window.
    PollState restarted = state;
    EXPECT_EQ(next_target(spec, restarted, at("2026-02-03T13:00:00.000Z")),
              "/api/v2/pickups?page_token=o2");
    EXPECT_EQ(restarted.window_until, "2026-02-03T12:00:00.000Z");
}

TEST(gateway_PollPlan, APageTokenIsSentBackWithTheSameWindow) {
    auto spec = window_spec();
    spec.next_link_pointer.clear();
    spec.page_token_pointer = "/next_page_token";
    spec.page_token_param = "page_token";
    spec.until_param.clear();
    spec.time_format = "unix_seconds";
    PollState state;
    EXPECT_EQ(next_target(spec, state, at("2026-02-03T12:00:00.000Z")),
              "/api/v2/pickups?modified_since=1770116400&page_size=2");
    EXPECT_TRUE(advance(spec, nlohmann::json::parse(R"({"next_page_token": "abc/1"})"), 2, state));
    EXPECT_EQ(next_target(spec, state, at("2026-02-03T12:05:00.000Z")),
              "/api/v2/pickups?modified_since=1770116400&page_size=2&page_token=abc%2F1");
}

TEST(gateway_PollPlan, ACursorMovesWithEveryPageAndAnEmptyPageEndsTheCycle) {
    PollSpec spec;
    spec.target = "/feed?format=json";
    spec.mode = "cursor";
    spec.cursor_param = "after";
    spec.cursor_pointer = "/cursor";
    PollState state;
    const auto now = at("2026-02-03T12:00:00.000Z");
    EXPECT_EQ(next_target(spec, state, now), "/feed?format=json");
    EXPECT_TRUE(advance(spec, nlohmann::json::parse(R"({"cursor": "c-10"})"), 3, state));
    EXPECT_EQ(next_target(spec, state, now), "/feed?format=json&after=c-10");
    // Nothing new: the cursor may come back unchanged; the cycle stops, the position stays.
    EXPECT_FALSE(advance(spec, nlohmann::json::parse(R"({"cursor": "c-10"})"), 0, state));
    EXPECT_EQ(state.cursor, "c-10");
}

}  // namespace
}  // namespace fieldgate::poll
