// Dispatch on the real gateway over loopback HTTP: assignment rules, and the CRM's cancel and
// reschedule. The pull feed and what vendors see of it are in dispatch_feed_test.cpp, a vendor's
// allow list and pushes in dispatch_allow_list_test.cpp.
#include "dispatch_fixture.h"

namespace fieldgate::test {

GatewayProcess* Dispatch::gateway_ = nullptr;

namespace {

TEST_F(Dispatch, TheRulesAssignByPostalCodeZoneAndWeekday) {
    // 2026-02-03 is a Tuesday, 2026-02-07 a Saturday. Outside downtown: 37.30121,-121.85112.
    auto by_zip =
        create_unassigned("1 Story Rd, San Jose, CA 95116", 37.30121, -121.85112, "2026-02-03");
    EXPECT_EQ(by_zip["vendor"], "curbside-coop");
    EXPECT_EQ(by_zip["postal_code"], "95116");  // taken from the address and stored
    auto given_zip =
        create_unassigned("1 Story Rd, San Jose", 37.30121, -121.85112, "2026-02-03", "95116-2201");
    EXPECT_EQ(given_zip["vendor"], "curbside-coop");
    EXPECT_EQ(crm_view(str(given_zip["id"]))["postal_code"], "95116-2201");

    auto downtown = create_unassigned("200 E Santa Clara St, San Jose, CA 95113", 37.33452,
                                      -121.88861, "2026-02-03");
    EXPECT_EQ(downtown["vendor"], "valley-disposal");
    // The same place on a Saturday: the zone rule comes first and still wins.
    EXPECT_EQ(create_unassigned("200 E Santa Clara St, San Jose, CA 95113", 37.33452, -121.88861,
                                "2026-02-07")["vendor"],
              "valley-disposal");

    auto weekend =
        create_unassigned("5 Almaden Expy, San Jose, CA 95120", 37.30121, -121.85112, "2026-02-07");
    EXPECT_EQ(weekend["vendor"], "curbside-coop");
    auto weekday =
        create_unassigned("5 Almaden Expy, San Jose, CA 95120", 37.30121, -121.85112, "2026-02-03");
    EXPECT_EQ(weekday["vendor"], "bay-hauling");

    auto c = gateway_->client();
    auto bad = work_order_body(unique("SR"), "bay-hauling");
    bad["postal_code"] = "9511";
    auto r = gateway_->create_order(c, bad);
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(problem(r)["pointer"], "/postal_code");
}

TEST_F(Dispatch, CancelClosesTheOrderOnceAndAClosedOrderCannotBeCancelled) {
    const auto wo = create_for("bay-hauling");
    const std::string id = wo["id"];
    auto r = post_change(id, "cancel", R"({"reason":"resident cancelled by phone"})");
    ASSERT_EQ(r.status, 200) << r.body;
    auto cancelled = nlohmann::json::parse(r.body);
    EXPECT_EQ(cancelled["status"], "cancelled");
    EXPECT_EQ(cancelled["history"].back()["to"], "cancelled");
    EXPECT_EQ(cancelled["history"].back()["source"], "crm");
    EXPECT_NE(cancelled["history"].back()["note"].get<std::string>().find("resident cancelled"),
              std::string::npos);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox WHERE work_order_id = ? AND destination = 'crm' "
                     "AND event_type = 'gov.sanjose.workorder.cancelled'",
                     id),
              1);

    // Again: the same order, nothing new.
    auto c = gateway_->client();
    auto again = c.post("/v1/work-orders/" + id + "/cancel", "", "application/json",
                        gateway_->crm_headers());
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(nlohmann::json::parse(again.body)["history"].size(), cancelled["history"].size());
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox WHERE work_order_id = ? AND destination = 'crm' "
                     "AND event_type = 'gov.sanjose.workorder.cancelled'",
                     id),
              1);

    // A vendor result after the city cancelled is refused.
    const std::string sr = wo["crm_case_id"];
    auto late = c.post("/v1/vendors/bay-hauling/results",
                       bay_result(unique("BH"), sr, "Confirmed Positive").dump(),
                       "application/json", {{"Authorization", "Bearer " + gateway_->secrets.bay}});
    EXPECT_EQ(late.status, 409) << late.body;
    EXPECT_NE(late.body.find("work-order-cancelled"), std::string::npos) << late.body;
    EXPECT_EQ(crm_view(id)["status"], "cancelled");

    // An order with a final outcome cannot be cancelled (or rescheduled).
    const auto done = create_for("bay-hauling");
    auto result =
        c.post("/v1/vendors/bay-hauling/results",
               bay_result(unique("BH"), str(done["crm_case_id"]), "Confirmed Positive").dump(),
               "application/json", {{"Authorization", "Bearer " + gateway_->secrets.bay}});
    ASSERT_EQ(result.status, 200) << result.body;
    auto closed = post_change(str(done["id"]), "cancel", "{}");
    EXPECT_EQ(closed.status, 409);
    EXPECT_EQ(problem(closed)["type"], "https://fieldgate.example/problems/work-order-closed");
    auto moved = post_change(str(done["id"]), "reschedule", R"({"scheduled_date":"2026-02-10"})");
    EXPECT_EQ(moved.status, 409);
    EXPECT_EQ(crm_view(str(done["id"]))["status"], "completed");
}

TEST_F(Dispatch, RescheduleMovesTheOrderAndSendsItBackToDispatched) {
    const auto wo = create_for("valley-disposal");
    const std::string id = wo["id"];
    // Valley says the crew is on its way.
    auto c = gateway_->client();
    auto en_route = c.post("/v1/vendors/valley-disposal/results",
                           valley_event(unique("g"), str(wo["crm_case_id"]), 7669, 0, "city-of-sj",
                                        gateway_->secrets.valley),
                           "text/xml", {});
    ASSERT_EQ(en_route.status, 200) << en_route.body;
    ASSERT_EQ(crm_view(id)["status"], "en_route");

    const std::string body =
        R"({"scheduled_date":"2026-02-10","window":{"start":"08:00","end":"12:00"}})";
    auto r = post_change(id, "reschedule", body);
    ASSERT_EQ(r.status, 200) << r.body;
    auto moved = nlohmann::json::parse(r.body);
    EXPECT_EQ(moved["status"], "dispatched");
    EXPECT_EQ(moved["scheduled_date"], "2026-02-10");
    EXPECT_EQ(moved["window"]["start"], "08:00");
    const auto& last = moved["history"].back();
    EXPECT_EQ(last["from"], "en_route");
    EXPECT_EQ(last["to"], "dispatched");
    EXPECT_EQ(last["source"], "crm");
    EXPECT_NE(last["note"].get<std::string>().find("2026-02-03"), std::string::npos);
    EXPECT_NE(last["note"].get<std::string>().find("2026-02-10"), std::string::npos);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox WHERE work_order_id = ? AND destination = 'crm' "
                     "AND event_type = 'gov.sanjose.workorder.rescheduled' AND "
                     "json_extract(extra, '$.previous_date') = '2026-02-03'",
                     id),
              1);

    // The same schedule again: 200, nothing new.
    auto again = post_change(id, "reschedule", body);
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(nlohmann::json::parse(again.body)["history"].size(), moved["history"].size());

    auto bad_date = post_change(id, "reschedule", R"({"scheduled_date":"2026-02-30"})");
    EXPECT_EQ(bad_date.status, 422);
    EXPECT_EQ(problem(bad_date)["pointer"], "/scheduled_date");
    auto bad_window =
        post_change(id, "reschedule",
                    R"({"scheduled_date":"2026-02-11","window":{"start":"8:00am","end":"12:00"}})");
    EXPECT_EQ(bad_window.status, 422);
    EXPECT_EQ(problem(bad_window)["pointer"], "/window/start");

    // Cancelled orders stay cancelled; unknown ones are 404; the CRM token is required.
    ASSERT_EQ(post_change(id, "cancel", "").status, 200);
    auto after_cancel = post_change(id, "reschedule", R"({"scheduled_date":"2026-02-12"})");
    EXPECT_EQ(after_cancel.status, 409);
    EXPECT_EQ(problem(after_cancel)["type"],
              "https://fieldgate.example/problems/work-order-cancelled");
    EXPECT_EQ(post_change("wo_nope", "cancel", "").status, 404);
    EXPECT_EQ(post_change("wo_nope", "reschedule", R"({"scheduled_date":"2026-02-12"})").status,
              404);
    EXPECT_EQ(c.post("/v1/work-orders/" + id + "/cancel", "", "application/json").status, 401);
}

}  // namespace
}  // namespace fieldgate::test
