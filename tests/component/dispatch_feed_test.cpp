// Dispatch on the real gateway: the vendors' pull feed, vendors kept apart, and resident
// details kept home (the Dispatch fixture is in dispatch_fixture.h).
#include <set>

#include "dispatch_fixture.h"

namespace fieldgate::test {
namespace {

TEST_F(Dispatch, ThePullFeedPagesAssignedCancelledAndRescheduledInOrder) {
    const auto reader = valley();  // HTTP Basic with the WS-Security user and password
    const auto start = reader.end_cursor();
    const auto a = create_for("valley-disposal");
    ASSERT_EQ(post_change(str(a["id"]), "cancel", "").status, 200);
    const auto b = create_for("valley-disposal");
    ASSERT_EQ(post_change(str(b["id"]), "reschedule", R"({"scheduled_date":"2026-02-09"})").status,
              200);

    std::vector<std::pair<std::string, std::string>> seen;
    std::int64_t cursor = start;
    std::int64_t previous_seq = start;
    for (int page = 0; page < 10; ++page) {
        auto r = reader.feed("?limit=1&cursor=" + std::to_string(cursor));
        ASSERT_EQ(r.status, 200) << r.body;
        const auto body = nlohmann::json::parse(r.body);
        if (body["items"].empty()) {
            EXPECT_EQ(body["next_cursor"], cursor);  // nothing new: the cursor stays
            break;
        }
        ASSERT_EQ(body["items"].size(), 1u);
        const auto& item = body["items"][0];
        EXPECT_GT(item["seq"].get<std::int64_t>(), previous_seq);
        previous_seq = item["seq"];
        EXPECT_EQ(body["next_cursor"], item["seq"]);
        seen.emplace_back(str(item["work_order"]["id"]), str(item["change"]));
        if (item["change"] == "rescheduled") {
            EXPECT_EQ(item["work_order"]["scheduled_date"], "2026-02-09");
        }
        cursor = body["next_cursor"];
    }
    const std::vector<std::pair<std::string, std::string>> expected = {
        {str(a["id"]), "assigned"},
        {str(a["id"]), "cancelled"},
        {str(b["id"]), "assigned"},
        {str(b["id"]), "rescheduled"}};
    EXPECT_EQ(seen, expected);

    // Bigger pages give the same rows.
    auto r = reader.feed("?cursor=" + std::to_string(start));  // default limit
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(nlohmann::json::parse(r.body)["items"].size(), 4u);

    // One order by id: its vendor view.
    auto one = reader.order(str(b["id"]));
    ASSERT_EQ(one.status, 200) << one.body;
    EXPECT_EQ(nlohmann::json::parse(one.body)["scheduled_date"], "2026-02-09");

    for (const char* query :
         {"?cursor=-1", "?cursor=abc", "?cursor=", "?limit=0", "?limit=501", "?limit=10x"}) {
        auto bad = reader.feed(query);
        EXPECT_EQ(bad.status, 400) << query;
        const std::string name = std::string(query).substr(1, std::string(query).find('=') - 1);
        EXPECT_EQ(problem(bad)["pointer"], name) << query;
    }
    // A wrong password, and WS-Security's user with Bay's key, are both refused.
    auto c = gateway_->client();
    auto wrong = c.get("/v1/vendors/valley-disposal/work-orders",
                       {{"Authorization", "Basic " + base64_encode("city-of-sj:nope")}});
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(wrong.header("www-authenticate").value_or(""), "Basic realm=\"fieldgate\"");
    EXPECT_EQ(c.get("/v1/vendors/valley-disposal/work-orders").status, 401);
    EXPECT_EQ(c.get("/v1/vendors/nobody/work-orders").status, 404);
}

TEST_F(Dispatch, AVendorCannotSeeOrTouchAnotherVendorsOrders) {
    const auto bays = create_for("bay-hauling");
    const auto curbs = create_for("curbside-coop");
    const std::string curb_id = curbs["id"];

    // Bay's feed holds Bay's order and none of Curbside's.
    std::set<std::string> in_bay_feed;
    for (const auto& item : bay().all_items()) in_bay_feed.insert(str(item["work_order"]["id"]));
    EXPECT_EQ(in_bay_feed.count(str(bays["id"])), 1u);
    EXPECT_EQ(in_bay_feed.count(curb_id), 0u);
    for (const auto& id : in_bay_feed) EXPECT_EQ(crm_view(id)["vendor"], "bay-hauling") << id;

    // By id: Curbside's order answers exactly like an unknown one.
    auto foreign = bay().order(curb_id);
    auto unknown = bay().order("wo_00000000000000000000");
    EXPECT_EQ(foreign.status, 404);
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(problem(foreign)["type"], problem(unknown)["type"]);
    EXPECT_EQ(foreign.body.find(str(curbs["crm_case_id"])), std::string::npos);
    EXPECT_EQ(curbside().order(curb_id).status, 200);

    // Bay's key does not open Curbside's routes.
    auto c = gateway_->client();
    EXPECT_EQ(c.get("/v1/vendors/curbside-coop/work-orders",
                    {{"Authorization", "Bearer " + gateway_->secrets.bay}})
                  .status,
              401);
    EXPECT_EQ(c.get("/v1/vendors/curbside-coop/work-orders/" + curb_id,
                    {{"X-Api-Key", gateway_->secrets.bay}})
                  .status,
              401);

    // And a result Bay posts for Curbside's order is refused, the order untouched.
    auto result =
        c.post("/v1/vendors/bay-hauling/results",
               bay_result(unique("BH"), str(curbs["crm_case_id"]), "Confirmed Positive").dump(),
               "application/json", {{"Authorization", "Bearer " + gateway_->secrets.bay}});
    EXPECT_EQ(result.status, 422) << result.body;
    EXPECT_NE(result.body.find("unknown-work-order"), std::string::npos) << result.body;
    EXPECT_EQ(crm_view(curb_id)["status"], "dispatched");
}

TEST_F(Dispatch, NoVendorSeesThePhoneOrEmailOfAResidentByDefault) {
    // work_order_body carries name, phone 408-555-0100 and ana@example.org.
    const auto orders = {create_for("bay-hauling"), create_for("valley-disposal"),
                         create_for("curbside-coop")};
    for (const auto& reader : {bay(), valley(), curbside()}) {
        const auto items = reader.all_items();
        ASSERT_FALSE(items.empty());
        for (const auto& item : items) {
            const auto text = item.dump();
            EXPECT_EQ(text.find("408-555-0100"), std::string::npos) << text;
            EXPECT_EQ(text.find("ana@example.org"), std::string::npos) << text;
            EXPECT_EQ(item["work_order"]["customer"], nlohmann::json::object()) << text;
        }
    }
    for (const auto& wo : orders) {
        const std::string vendor = wo["vendor"];
        const auto reader = vendor == "bay-hauling"       ? bay()
                            : vendor == "valley-disposal" ? valley()
                                                          : curbside();
        auto r = reader.order(str(wo["id"]));
        ASSERT_EQ(r.status, 200) << r.body;
        EXPECT_EQ(r.body.find("408-555-0100"), std::string::npos) << r.body;
        EXPECT_EQ(r.body.find("ana@example.org"), std::string::npos) << r.body;
        // The CRM still sees them: they were stored, just not handed out.
        EXPECT_EQ(crm_view(str(wo["id"]))["customer"]["phone"], "408-555-0100");
    }
    // The shipped vendors are all pulled: nothing is queued to be pushed to them.
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox WHERE destination <> ?", "crm"), 0);
}

}  // namespace
}  // namespace fieldgate::test
