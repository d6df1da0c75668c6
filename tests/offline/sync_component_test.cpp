// The crew sync API against the real gateway process on loopback: device credentials and the
// batches of actions a device pushes. The tablet library is in sync_component_tablet_test.cpp,
// photo uploads in sync_component_photo_test.cpp.
#include "ids.h"
#include "sync_component_fixture.h"
#include "time_util.h"

namespace fieldgate::test {

GatewayProcess* CrewSync::gw_ = nullptr;

namespace {

TEST_F(CrewSync, DeviceCredentialsAreRequiredAndTheTokenIsSpentOnceTheSecretIsUsed) {
    auto c = gw_->client();
    // Staff only.
    auto r = c.post("/v1/admin/devices", R"({"crew":"auth"})", "application/json", {});
    EXPECT_EQ(r.status, 401);
    r = c.post("/v1/admin/devices", R"({"name":"no crew"})", "application/json",
               gw_->admin_headers());
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(nlohmann::json::parse(r.body).at("pointer"), "/crew");

    const auto d = issue_device(*gw_, "auth", "auth-1");
    EXPECT_EQ(c.post("/v1/admin/devices", R"({"crew":"auth","device_id":"auth-1"})",
                     "application/json", gw_->admin_headers())
                  .status,
              409);
    EXPECT_EQ(
        c.post("/v1/sync/enroll", R"({"device_id":"auth-1","enrollment_token":"wrong"})").status,
        401);
    EXPECT_EQ(c.get("/v1/sync/assignments").status, 401);

    // An enrollment whose answer was lost can be asked for again: the newest secret holds.
    const auto lost = enroll_raw(*gw_, d);
    const auto secret = enroll_raw(*gw_, d);
    EXPECT_EQ(c.get("/v1/sync/assignments", device_headers(d.id, lost)).status, 401);
    EXPECT_EQ(c.get("/v1/sync/changes", device_headers(d.id, secret)).status, 200);
    EXPECT_EQ(c.get("/v1/sync/changes", device_headers("auth-2", secret)).status, 401);
    // A push with the secret spends the token, in the push's own commit.
    auto order = create_crew_order(*gw_, "auth", "SR-AUTH-1");
    nlohmann::json batch = {{"actions",
                             {{{"action_id", "x1"},
                               {"seq", 1},
                               {"work_order_id", order},
                               {"type", "note"},
                               {"detail", "hello"},
                               {"occurred_at", format_utc(now_millis())}}}}};
    r = c.post("/v1/sync/actions", batch.dump(), "application/json", device_headers(d.id, secret));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(c.post("/v1/sync/enroll",
                     nlohmann::json{{"device_id", d.id}, {"enrollment_token", d.token}}.dump())
                  .status,
              401);
    // A read spends it too, without making the answer wait for the write: poll the store.
    const auto reader = issue_device(*gw_, "auth", "auth-3");
    const auto reader_secret = enroll_raw(*gw_, reader);
    EXPECT_EQ(c.get("/v1/sync/changes", device_headers(reader.id, reader_secret)).status, 200);
    auto db = gateway_db(*gw_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (count_rows(db, "SELECT COUNT(*) FROM crew_devices WHERE id = ? AND token_sha256 IS NULL",
                      {reader.id}) != 1 &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(
        c.post("/v1/sync/enroll",
               nlohmann::json{{"device_id", reader.id}, {"enrollment_token", reader.token}}.dump())
            .status,
        401);
    // Staff see the device, its last contact and what it pushed.
    EXPECT_EQ(c.get("/v1/admin/devices").status, 401);
    const auto list = nlohmann::json::parse(c.get("/v1/admin/devices", gw_->admin_headers()).body);
    bool found = false;
    for (const auto& item : list.at("items")) {
        if (item["device_id"] != d.id) continue;
        found = true;
        EXPECT_EQ(item["crew"], "auth");
        EXPECT_EQ(item["enrolled"], true);
        EXPECT_EQ(item["actions"], 1);
        EXPECT_TRUE(item["last_seen_at"].is_string());
    }
    EXPECT_TRUE(found);
}

TEST_F(CrewSync, TheSameBatchPushedTwiceChangesNothingAndAnswersTheSameVerdicts) {
    const auto d = issue_device(*gw_, "twice", "twice-1");
    const auto secret = enroll_raw(*gw_, d);
    const auto o1 = create_crew_order(*gw_, "twice", "SR-TWICE-1");
    const auto o2 = create_crew_order(*gw_, "twice", "SR-TWICE-2");
    const auto other = create_crew_order(*gw_, "elsewhere", "SR-TWICE-3");
    const std::string at = format_utc(now_millis());
    nlohmann::json batch = {{"device_time", at},
                            {"actions",
                             {{{"action_id", "t1"},
                               {"seq", 1},
                               {"work_order_id", o1},
                               {"type", "arrived"},
                               {"occurred_at", at}},
                              {{"action_id", "t2"},
                               {"seq", 2},
                               {"work_order_id", o1},
                               {"type", "completed"},
                               {"occurred_at", at}},
                              {{"action_id", "t3"},
                               {"seq", 3},
                               {"work_order_id", o2},
                               {"type", "not_collected"},
                               {"reason", "NOT_SET_OUT"},
                               {"occurred_at", at}},
                              {{"action_id", "t4"},
                               {"seq", 4},
                               {"work_order_id", o2},
                               {"type", "partial"},
                               {"reason", "NO_SUCH_REASON"},
                               {"occurred_at", at}},
                              {{"action_id", "t5"},
                               {"seq", 5},
                               {"work_order_id", other},
                               {"type", "completed"},
                               {"occurred_at", at}}}}};
    auto c = gw_->client();
    auto first =
        c.post("/v1/sync/actions", batch.dump(), "application/json", device_headers(d.id, secret));
    ASSERT_EQ(first.status, 200) << first.body;
    const auto a = nlohmann::json::parse(first.body).at("results");
    ASSERT_EQ(a.size(), 5u);
    EXPECT_EQ(a[0]["verdict"], "accepted");
    EXPECT_EQ(a[1]["verdict"], "accepted");
    EXPECT_EQ(a[2]["verdict"], "accepted");
    EXPECT_EQ(a[3]["verdict"], "rejected");
    EXPECT_EQ(a[3]["problem"]["pointer"], "/actions/3/reason");
    EXPECT_EQ(a[4]["verdict"], "rejected");  // another crew's order
    EXPECT_NE(a[4]["problem"]["type"].get<std::string>().find("unknown-work-order"),
              std::string::npos);

    auto db = gateway_db(*gw_);
    const auto outcomes = [&] {
        return count_rows(db, "SELECT COUNT(*) FROM outcomes WHERE source = ?", {"crew:" + d.id});
    };
    const auto events = [&] {
        return count_rows(db,
                          "SELECT COUNT(*) FROM outbox WHERE work_order_id IN (?, ?) AND "
                          "destination = 'crm'",
                          {o1, o2});
    };
    EXPECT_EQ(outcomes(), 3);
    const auto events_before = events();

    auto second =
        c.post("/v1/sync/actions", batch.dump(), "application/json", device_headers(d.id, secret));
    ASSERT_EQ(second.status, 200);
    EXPECT_EQ(nlohmann::json::parse(second.body).at("results"), a);
    EXPECT_EQ(outcomes(), 3);
    EXPECT_EQ(events(), events_before);
    EXPECT_EQ(count_rows(db, "SELECT COUNT(*) FROM crew_actions WHERE device_id = ?", {d.id}), 5);

    // The same id with other content is refused, never applied.
    batch["actions"] = {{{"action_id", "t1"},
                         {"seq", 1},
                         {"work_order_id", o1},
                         {"type", "note"},
                         {"detail", "changed"},
                         {"occurred_at", at}}};
    auto reused =
        c.post("/v1/sync/actions", batch.dump(), "application/json", device_headers(d.id, secret));
    const auto r = nlohmann::json::parse(reused.body).at("results").at(0);
    EXPECT_EQ(r["verdict"], "rejected");
    EXPECT_NE(r["problem"]["type"].get<std::string>().find("action-id-reused"), std::string::npos);
}

TEST_F(CrewSync, ABadBatchIsRefusedNamingTheField) {
    const auto d = issue_device(*gw_, "bad", "bad-1");
    const auto secret = enroll_raw(*gw_, d);
    auto c = gw_->client();
    auto post = [&](const std::string& body) {
        return c.post("/v1/sync/actions", body, "application/json", device_headers(d.id, secret));
    };
    auto r = post("{not json");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
    r = post(R"({"actions":[{"seq":1,"type":"note"}]})");
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(nlohmann::json::parse(r.body).at("pointer"), "/actions/0/action_id");
    r = post(R"({"actions":[]})");
    EXPECT_EQ(r.status, 422);
    r = post(R"({"device_time":"yesterday","actions":[{"action_id":"a","seq":1}]})");
    EXPECT_EQ(nlohmann::json::parse(r.body).at("pointer"), "/device_time");
}

}  // namespace
}  // namespace fieldgate::test
