// Staff handling of quarantined payloads on the real gateway: list, inspect, replay after a
// mapping fix (the vendor folder is a temp copy, fixed while the gateway is stopped), discard.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "read_pool.h"
#include "support/command_runner.h"
#include "support/gateway_process.h"
#include "support/store_probe.h"
#include "support/vendor_payloads.h"

namespace fieldgate::test {
namespace {

// A copy of the shipped vendor folders the test may edit.
class VendorFolders {
  public:
    VendorFolders() {
        std::filesystem::copy(source_path("vendor_schemas"), dir_.file("vendors"),
                              std::filesystem::copy_options::recursive);
    }
    std::string path() const { return dir_.file("vendors"); }
    // Maps one more Bay Hauling exception code.
    void map_bay_exception(const std::string& code, const std::string& reason) const {
        const auto file = dir_.file("vendors/bay-hauling/mapping.json");
        nlohmann::json mapping;
        std::ifstream(file) >> mapping;
        mapping["value_maps"]["exception_code"]["entries"][code] = reason;
        std::ofstream(file) << mapping.dump(2);
    }

  private:
    TempDir dir_;
};

class Quarantine : public ::testing::Test {
  protected:
    Quarantine() : gateway_(nlohmann::json{{"vendor_schemas", folders_.path()}}) {}

    std::string order(const std::string& sr) {
        auto c = gateway_.client();
        auto r = gateway_.create_order(c, work_order_body(sr, "bay-hauling"));
        EXPECT_EQ(r.status, 201) << r.body;
        return sr;
    }
    sim::ClientResponse post_bay(const nlohmann::json& body) {
        auto c = gateway_.client();
        return c.post("/v1/vendors/bay-hauling/results", body.dump(), "application/json",
                      {{"Authorization", "Bearer " + gateway_.secrets.bay}});
    }
    nlohmann::json admin_get(const std::string& target, int expect = 200) {
        auto c = gateway_.client();
        auto r = c.get(target, gateway_.admin_headers());
        EXPECT_EQ(r.status, expect) << target << ": " << r.body;
        return nlohmann::json::parse(r.body);
    }
    nlohmann::json admin_post(const std::string& target, const nlohmann::json& body,
                              int expect = 200) {
        auto c = gateway_.client();
        auto r = c.post(target, body.dump(), "application/json", gateway_.admin_headers());
        EXPECT_EQ(r.status, expect) << target << ": " << r.body;
        return nlohmann::json::parse(r.body);
    }
    std::int64_t scalar(const std::string& sql, const std::string& arg) {
        return StoreProbe(gateway_).integer(sql, {arg});
    }
    std::int64_t outcomes_of(const std::string& sr) {
        return scalar(
            "SELECT COUNT(*) FROM outcomes o JOIN work_orders w ON w.id = o.work_order_id "
            "WHERE w.crm_case_id = ?",
            sr);
    }
    std::int64_t crm_events_of(const std::string& sr) {
        return scalar(
            "SELECT COUNT(*) FROM outbox o JOIN work_orders w ON w.id = o.work_order_id "
            "WHERE w.crm_case_id = ? AND o.event_type LIKE '%not_collected'",
            sr);
    }
    std::string status_of(const std::string& sr) {
        auto c = gateway_.client();
        auto r = c.get("/v1/work-orders?crm_case_id=" + sr, gateway_.crm_headers());
        return nlohmann::json::parse(r.body)["items"][0]["status"];
    }
    // The open entry of `vendor` whose problem is `type`.
    nlohmann::json entry_of_type(const std::string& type) {
        const auto list = admin_get("/v1/admin/quarantine?vendor=bay-hauling");
        for (const auto& e : list["items"])
            if (e["problem_type"] == type) return e;
        return nullptr;
    }

    VendorFolders folders_;
    GatewayProcess gateway_;
};

TEST_F(Quarantine, AnUnmappedCodeIsReplayedAfterTheMappingIsFixedExactlyOnce) {
    const auto sr = order("SR-Q-1");
    auto refused = post_bay(bay_result("BH-Q-1", sr, "Confirmed Negative", "ZZZ"));
    ASSERT_EQ(refused.status, 422) << refused.body;
    auto entry = entry_of_type("unmapped-code");
    ASSERT_FALSE(entry.is_null());
    const auto id = entry["id"].get<std::int64_t>();
    EXPECT_EQ(entry["state"], "open");

    // Inspect: the raw body as sent, headers without the credential, and the error.
    const auto shown = admin_get("/v1/admin/quarantine/" + std::to_string(id));
    EXPECT_NE(shown["raw"]["body"].get<std::string>().find("BH-Q-1"), std::string::npos);
    EXPECT_EQ(shown["raw"]["headers"].dump().find(gateway_.secrets.bay), std::string::npos);
    EXPECT_NE(shown["problem"]["detail"].get<std::string>().find("ZZZ"), std::string::npos);

    // Vendor health names the code to add to the mapping.
    const auto health = admin_get("/v1/admin/vendors/bay-hauling/health");
    ASSERT_EQ(health["unmapped_codes"].size(), 1u) << health;
    EXPECT_EQ(health["unmapped_codes"][0]["code"], "ZZZ");
    EXPECT_EQ(health["rejected"], 1);
    EXPECT_EQ(health["quarantine_open"], 1);
    EXPECT_EQ(health["top_rejection_reasons"][0]["type"], "unmapped-code");

    // Replayed before the fix: refused the same way, still open.
    auto early = admin_post("/v1/admin/quarantine/replay", {{"ids", {id}}});
    ASSERT_EQ(early["items"].size(), 1u) << early;
    EXPECT_EQ(early["items"][0]["verdict"], "rejected");
    EXPECT_EQ(early["items"][0]["state"], "open");
    EXPECT_EQ(outcomes_of(sr), 0);

    // Fix the mapping in the folder and restart the gateway on it.
    ASSERT_EQ(gateway_.stop(), 0);
    folders_.map_bay_exception("ZZZ", "NOT_SET_OUT");
    gateway_.start();

    auto replayed = admin_post("/v1/admin/quarantine/replay", {{"ids", {id}}});
    ASSERT_EQ(replayed["items"].size(), 1u) << replayed;
    EXPECT_EQ(replayed["items"][0]["result"], "replayed");
    EXPECT_EQ(replayed["items"][0]["verdict"], "accepted");
    EXPECT_EQ(replayed["items"][0]["state"], "replayed");
    EXPECT_EQ(status_of(sr), "not_collected");
    EXPECT_EQ(outcomes_of(sr), 1);
    EXPECT_EQ(crm_events_of(sr), 1);
    const auto after = admin_get("/v1/admin/quarantine/" + std::to_string(id));
    EXPECT_EQ(after["state"], "replayed");
    EXPECT_EQ(after["replay_verdict"], "accepted");
    EXPECT_EQ(after["replay_count"], 2);

    // A second replay, by id and by filter, changes nothing.
    auto again = admin_post("/v1/admin/quarantine/replay", {{"ids", {id}}});
    EXPECT_EQ(again["items"][0]["result"], "skipped");
    auto by_filter =
        admin_post("/v1/admin/quarantine/replay", {{"filter", {{"vendor", "bay-hauling"}}}});
    for (const auto& item : by_filter["items"]) EXPECT_NE(item["id"], id);
    EXPECT_EQ(outcomes_of(sr), 1);
    EXPECT_EQ(crm_events_of(sr), 1);
    EXPECT_EQ(admin_get("/v1/admin/quarantine/" + std::to_string(id))["replay_count"], 2);
}

TEST_F(Quarantine, ABatchIsReplayedAsAWholeAndItsGoodRecordsAreNotDoubled) {
    const auto sr1 = order("SR-QB-1");
    const auto sr2 = order("SR-QB-2");
    nlohmann::json batch = {{"route", "R-0412"},
                            {"route_date", "02/03/2026"},
                            {"results",
                             {bay_result("BH-QB-1", sr1, "Confirmed Positive"),
                              bay_result("BH-QB-2", sr2, "Confirmed Negative", "YYY")}}};
    auto r = post_bay(batch);
    ASSERT_LT(r.status, 500) << r.body;
    EXPECT_EQ(outcomes_of(sr1), 1);
    const auto entry = entry_of_type("unmapped-code");
    ASSERT_FALSE(entry.is_null());
    EXPECT_EQ(entry["record_pointer"].get<std::string>().rfind("/results/1/", 0), 0u) << entry;

    ASSERT_EQ(gateway_.stop(), 0);
    folders_.map_bay_exception("YYY", "ACCESS_BLOCKED");
    gateway_.start();
    auto replayed =
        admin_post("/v1/admin/quarantine/replay",
                   {{"filter", {{"vendor", "bay-hauling"}, {"from", "2000-01-01T00:00:00Z"}}}});
    bool seen = false;
    for (const auto& item : replayed["items"]) {
        if (item["id"] != entry["id"]) continue;
        seen = true;
        EXPECT_EQ(item["verdict"], "accepted") << item;
    }
    EXPECT_TRUE(seen) << replayed;
    EXPECT_EQ(outcomes_of(sr1), 1);
    EXPECT_EQ(outcomes_of(sr2), 1);
    EXPECT_EQ(status_of(sr2), "not_collected");
}

TEST_F(Quarantine, DiscardNeedsAReasonAndKeepsTheEntry) {
    auto refused = post_bay(bay_result("BH-QD-1", "SR-NOBODY", "Confirmed Positive"));
    ASSERT_EQ(refused.status, 422) << refused.body;
    const auto entry = entry_of_type("unknown-work-order");
    ASSERT_FALSE(entry.is_null());
    const auto path = "/v1/admin/quarantine/" + std::to_string(entry["id"].get<int>());
    auto missing = admin_post(path + "/discard", nlohmann::json::object(), 422);
    EXPECT_EQ(missing["pointer"], "/reason");
    auto done = admin_post(path + "/discard", {{"reason", "test order, never existed"}});
    EXPECT_EQ(done["state"], "discarded");
    const auto kept = admin_get(path);
    EXPECT_EQ(kept["state"], "discarded");
    EXPECT_EQ(kept["discard_reason"], "test order, never existed");
    admin_post(path + "/discard", {{"reason", "again"}}, 409);
    auto replay = admin_post("/v1/admin/quarantine/replay", {{"ids", {entry["id"]}}});
    EXPECT_EQ(replay["items"][0]["result"], "skipped");
    // A dead letter that is not one cannot be discarded.
    admin_post("/v1/admin/dead-letters/999999/discard", {{"reason", "x"}}, 409);
}

TEST_F(Quarantine, StaffRoutesRefuseWithoutTheAdminTokenAndBadQueriesNameTheParameter) {
    auto c = gateway_.client();
    EXPECT_EQ(c.get("/v1/admin/quarantine").status, 401);
    EXPECT_EQ(c.get("/v1/admin/quarantine", gateway_.crm_headers()).status, 401);
    EXPECT_EQ(admin_get("/v1/admin/quarantine?from=yesterday", 400)["pointer"], "from");
    EXPECT_EQ(admin_get("/v1/admin/quarantine?limit=0", 400)["pointer"], "limit");
    EXPECT_EQ(admin_get("/v1/admin/quarantine/424242", 404)["status"], 404);
    EXPECT_EQ(admin_post("/v1/admin/quarantine/replay", {{"ids", "all"}}, 422)["pointer"], "/ids");
}

TEST_F(Quarantine, TheListFiltersByVendorAndTimeAndPagesWithACursor) {
    for (int i = 0; i < 3; ++i)
        ASSERT_EQ(post_bay(bay_result("BH-QL-" + std::to_string(i), "SR-NONE-" + std::to_string(i),
                                      "Confirmed Positive"))
                      .status,
                  422);
    EXPECT_EQ(admin_get("/v1/admin/quarantine?vendor=valley-disposal")["items"].size(), 0u);
    EXPECT_EQ(admin_get("/v1/admin/quarantine?from=2999-01-01T00:00:00Z")["items"].size(), 0u);
    EXPECT_EQ(admin_get("/v1/admin/quarantine?vendor=bay-hauling&from=2000-01-01T00:00:00Z&to="
                        "2999-01-01T00:00:00%2B01:00")["items"]
                  .size(),
              3u);
    std::vector<std::int64_t> seen;
    std::string cursor;
    for (int page = 0; page < 5; ++page) {
        const auto body = admin_get("/v1/admin/quarantine?vendor=bay-hauling&limit=2" +
                                    (cursor.empty() ? "" : "&cursor=" + cursor));
        for (const auto& e : body["items"]) seen.push_back(e["id"]);
        if (body["next_cursor"].is_null()) break;
        cursor = body["next_cursor"];
    }
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_LT(seen[0], seen[1]);
    EXPECT_LT(seen[1], seen[2]);
}

TEST_F(Quarantine, TheListFiltersByProblemTypeOnTheServer) {
    ASSERT_EQ(post_bay(bay_result("BH-QP-1", "SR-NONE-QP", "Confirmed Positive")).status, 422);
    const auto sr = order("SR-QP-1");
    ASSERT_EQ(post_bay(bay_result("BH-QP-2", sr, "Confirmed Negative", "XXX")).status, 422);
    const auto all = admin_get("/v1/admin/quarantine?state=open")["items"];
    const auto unmapped =
        admin_get("/v1/admin/quarantine?state=open&problem=unmapped-code")["items"];
    std::size_t expected = 0;
    for (const auto& e : all) expected += e["problem_type"] == "unmapped-code" ? 1 : 0;
    ASSERT_GT(expected, 0u);
    ASSERT_LT(expected, all.size());  // the filter leaves something out
    EXPECT_EQ(unmapped.size(), expected) << unmapped;
    for (const auto& e : unmapped) EXPECT_EQ(e["problem_type"], "unmapped-code");
    EXPECT_EQ(admin_get("/v1/admin/quarantine?problem=no-such-problem")["items"].size(), 0u);
    const auto bad = admin_get("/v1/admin/quarantine?problem=%3Cscript%3E", 400);
    EXPECT_EQ(bad["pointer"], "problem");
    EXPECT_EQ(bad["status"], 400);
}

TEST_F(Quarantine, ACrewSyncActionIsNotReplayedAndTheReasonSaysWhy) {
    auto c = gateway_.client();
    const auto issued = c.post("/v1/admin/devices",
                               nlohmann::json{{"crew", "north"}, {"device_id", "north-1"}}.dump(),
                               "application/json", gateway_.admin_headers());
    ASSERT_EQ(issued.status, 201) << issued.body;
    const auto enroll =
        c.post("/v1/sync/enroll",
               nlohmann::json{
                   {"device_id", "north-1"},
                   {"enrollment_token", nlohmann::json::parse(issued.body).at("enrollment_token")}}
                   .dump());
    ASSERT_EQ(enroll.status, 200) << enroll.body;
    const sim::HeaderList device = {
        {"X-Device-Id", "north-1"},
        {"Authorization",
         "Bearer " + nlohmann::json::parse(enroll.body).at("device_secret").get<std::string>()}};
    const auto synced = c.post(
        "/v1/sync/actions",
        R"({"actions":[{"action_id":"a1","seq":1,"work_order_id":"wo_424242","type":"completed","occurred_at":"2026-02-03T17:00:00Z"}]})",
        "application/json", device);
    ASSERT_LT(synced.status, 500) << synced.body;
    const auto list = admin_get("/v1/admin/quarantine?state=open");
    nlohmann::json entry;
    for (const auto& e : list["items"])
        if (e["channel"] == "sync") entry = e;
    ASSERT_FALSE(entry.is_null()) << list << "\n" << synced.body;
    const auto replay = admin_post("/v1/admin/quarantine/replay", {{"ids", {entry["id"]}}});
    ASSERT_EQ(replay["items"].size(), 1u) << replay;
    EXPECT_EQ(replay["items"][0]["result"], "not_replayable") << replay;
    const auto reason = replay["items"][0]["detail"]["reason"].get<std::string>();
    EXPECT_NE(reason.find("crew sync actions are not replayed"), std::string::npos) << reason;
    EXPECT_NE(reason.find("sync reply"), std::string::npos) << reason;
}

TEST_F(Quarantine, TheCliListsShowsReplaysAndDiscardsThroughTheRunningGateway) {
    const auto sr = order("SR-QC-1");
    ASSERT_EQ(post_bay(bay_result("BH-QC-1", sr, "Confirmed Negative", "XXX")).status, 422);
    const auto config = gateway_.config_path();
    const auto listed = run_cli("quarantine list --vendor bay-hauling --config " + config);
    const auto line = nlohmann::json::parse(listed.substr(0, listed.find('\n')), nullptr, false);
    ASSERT_TRUE(line.is_object()) << listed;
    EXPECT_EQ(line["problem_type"], "unmapped-code");
    const auto id = std::to_string(line["id"].get<int>());
    // Filtered by problem type on the server: this entry under its own type, none under another.
    EXPECT_NE(run_cli("quarantine list --problem unmapped-code --config " + config)
                  .find("\"id\":" + id + ","),
              std::string::npos);
    EXPECT_EQ(run_cli("quarantine list --problem unknown-work-order --config " + config), "");
    EXPECT_NE(run_cli("quarantine show --id " + id + " --config " + config).find("BH-QC-1"),
              std::string::npos);
    const auto replayed = run_cli("quarantine replay --id " + id + " --config " + config);
    EXPECT_NE(replayed.find("\"verdict\":\"rejected\""), std::string::npos) << replayed;
    EXPECT_NE(
        run_cli("quarantine discard --id " + id + " --reason 'vendor resent it' --config " + config)
            .find("discarded " + id),
        std::string::npos);
    EXPECT_EQ(admin_get("/v1/admin/quarantine/" + id)["discard_reason"], "vendor resent it");
}

}  // namespace
}  // namespace fieldgate::test
