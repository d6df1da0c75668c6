// The crew sync API and the tablet library against the real gateway process on loopback.
#include <fstream>

#include "crew_support.h"
#include "fault_proxy.h"
#include "ids.h"
#include "time_util.h"

namespace fieldgate::test {
namespace {

using offline::ActionInput;
using offline::Tablet;

class CrewSync : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { gw_ = new GatewayProcess(); }
    static void TearDownTestSuite() {
        delete gw_;
        gw_ = nullptr;
    }
    static GatewayProcess* gw_;
    TempDir dir_;
};
GatewayProcess* CrewSync::gw_ = nullptr;

sim::HeaderList device_headers(const std::string& id, const std::string& secret) {
    return {{"X-Device-Id", id}, {"Authorization", "Bearer " + secret}};
}

// Enrolls over raw HTTP; returns the device secret.
std::string enroll_raw(const GatewayProcess& gw, const IssuedDevice& d) {
    auto c = gw.client();
    auto r = c.post("/v1/sync/enroll",
                    nlohmann::json{{"device_id", d.id}, {"enrollment_token", d.token}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return nlohmann::json::parse(r.body).at("device_secret").get<std::string>();
}

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

TEST_F(CrewSync, APhotoUploadCutInTheMiddleResumesAndArrivesIntact) {
    const auto d = issue_device(*gw_, "photo", "photo-1");
    const auto order = create_crew_order(*gw_, "photo", "SR-PHOTO-1");
    std::string bytes(200000, '\0');
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 7919) % 251);
    const auto path = dir_.write("p.jpg", bytes);
    sim::FaultProxy proxy("127.0.0.1", gw_->port());
    auto tablet = enrolled_tablet(*gw_, dir_, d);
    tablet->set_gateway({"127.0.0.1", proxy.port()});
    tablet->record({"completed", order, "", "", {}, {}, {}, {path}, {}, std::nullopt});
    offline::SyncOptions options;
    options.photo_chunk_bytes = 32768;
    proxy.cut_after(sim::FaultProxy::Direction::to_server, 100000);
    const auto cut = tablet->sync(options);
    EXPECT_FALSE(cut.complete);
    EXPECT_EQ(proxy.cuts(), 1u);
    auto db = gateway_db(*gw_);
    const std::string sha = sha256_hex(bytes);
    const auto partial = count_rows(db, "SELECT received FROM crew_photos WHERE sha256 = ?", {sha});
    EXPECT_GT(partial, 0);
    EXPECT_LT(partial, 200000);
    const auto done = tablet->sync(options);
    ASSERT_TRUE(done.complete) << done.error;
    std::string stored;
    auto q = db.prepare("SELECT bytes FROM crew_photo_chunks WHERE sha256 = ? ORDER BY offset");
    q->bind(1, sha);
    while (q->step()) stored += q->text(0);
    EXPECT_EQ(sha256_hex(stored), sha);
    // Staff read it back by its hash.
    auto c = gw_->client();
    EXPECT_EQ(c.get("/v1/admin/photos/" + sha).status, 401);
    const auto fetched = c.get("/v1/admin/photos/" + sha, gw_->admin_headers());
    ASSERT_EQ(fetched.status, 200);
    EXPECT_EQ(fetched.body, bytes);
    EXPECT_EQ(c.get("/v1/admin/photos/" + sha256_hex("none"), gw_->admin_headers()).status, 404);
    EXPECT_EQ(
        count_rows(db, "SELECT COUNT(*) FROM crew_photos WHERE sha256 = ? AND state = 'complete'",
                   {sha}),
        1);
    // Linked to its outcome by content hash.
    EXPECT_EQ(
        count_rows(db, "SELECT COUNT(*) FROM outcomes WHERE work_order_id = ? AND photos LIKE ?",
                   {order, "%sha256:" + sha + "%"}),
        1);
}

TEST_F(CrewSync, APhotoWhoseBytesDoNotMatchItsNameIsRefused) {
    const auto d = issue_device(*gw_, "hash", "hash-1");
    const auto secret = enroll_raw(*gw_, d);
    auto c = gw_->client();
    const std::string sha = sha256_hex("the real photo");
    auto r = c.request("PUT", "/v1/sync/photos/" + sha + "?offset=0&size=14",
                       device_headers(d.id, secret), "a forged photo");
    EXPECT_EQ(r.status, 422);
    EXPECT_NE(r.body.find("photo-hash-mismatch"), std::string::npos);
    r = c.request("PUT", "/v1/sync/photos/" + sha + "?offset=5&size=14",
                  device_headers(d.id, secret), "real photo");
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(nlohmann::json::parse(r.body).at("received"), 0);
    r = c.request("PUT", "/v1/sync/photos/" + sha + "?offset=0&size=14",
                  device_headers(d.id, secret), "the real photo");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(nlohmann::json::parse(r.body).at("complete"), true);
}

// Found by tests/fuzz/sync_request_fuzzer.cpp: a chunk without a body was stored as an empty
// chunk, and every later chunk at that offset was answered 503 store-unavailable.
TEST_F(CrewSync, AnEmptyPhotoChunkIsRefusedAndTheUploadStillCompletes) {
    const auto d = issue_device(*gw_, "empty", "empty-1");
    const auto secret = enroll_raw(*gw_, d);
    auto c = gw_->client();
    const std::string photo = "the real photo";
    const std::string sha = sha256_hex(photo);
    auto r = c.request("PUT", "/v1/sync/photos/" + sha + "?offset=0&size=14",
                       device_headers(d.id, secret), "");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(nlohmann::json::parse(r.body).at("pointer"), "body");
    r = c.request("PUT", "/v1/sync/photos/" + sha + "?offset=0&size=14",
                  device_headers(d.id, secret), photo);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(nlohmann::json::parse(r.body).at("complete"), true);
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
