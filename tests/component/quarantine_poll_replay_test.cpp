// Replay of what a polled vendor's mapping refused: the poller's cursor has moved past the page,
// so the quarantine is the only copy left. The real gateway polls the real poll vendor simulator
// and delivers to the real CRM simulator; the mapping is fixed by hot reload.
#include <gtest/gtest.h>

#include <thread>

#include "support/command_runner.h"
#include "support/crm_sim_process.h"
#include "support/gateway_process.h"
#include "support/poll_vendor_sim_process.h"
#include "support/vendor_folders.h"

namespace fieldgate::test {
namespace {

using nlohmann::json;

constexpr const char* kReplayKey = "rb-key-replay-1";

class PolledQuarantine : public ::testing::Test {
  protected:
    PolledQuarantine() : vendor_(kReplayKey) {
        auto mapping = folders_.mapping(kRiverbend);
        mapping["poll"]["url"] = vendor_.url();
        mapping["poll"]["interval_s"] = 1;
        // No overlap: each result is read once, so after the fix nothing but the replay can
        // bring a refused one back (as for a cursor feed).
        mapping["poll"]["window"]["overlap_s"] = 0;
        folders_.write_mapping(kRiverbend, mapping);
        Secrets secrets;
        secrets.crm_webhook = whsec(crm_.key());
        secrets.more.emplace_back("riverbend-recycling/api-key", kReplayKey);
        gw_ = std::make_unique<GatewayProcess>(
            json{{"vendor_schemas", folders_.root().string()},
                 {"crm",
                  {{"endpoint", crm_.events_origin() + "/events"},
                   {"event_type_prefix", "gov.sanjose.workorder"}}},
                 {"delivery", {{"poll_interval_ms", 200}, {"max_pause_s", 1}}},
                 {"watchdog", {{"enabled", false}}}},
            secrets);
    }

    void create_order(const std::string& sr) {
        auto c = gw_->client();
        const auto r = gw_->create_order(c, work_order_body(sr, kRiverbend));
        ASSERT_EQ(r.status, 201) << r.body;
    }
    json admin(const std::string& method, const std::string& target, const json& body = {}) {
        auto c = gw_->client();
        const auto r = method == "GET"
                           ? c.get(target, gw_->admin_headers())
                           : c.post(target, body.dump(), "application/json", gw_->admin_headers());
        EXPECT_EQ(r.status, 200) << target << ": " << r.body;
        return json::parse(r.body, nullptr, false);
    }
    json open_entries() {
        return admin("GET", "/v1/admin/quarantine?vendor=riverbend-recycling&state=open")["items"];
    }
    // The events the CRM simulator stored for `sr` whose type is a not_collected outcome.
    int not_collected_events(const std::string& sr) {
        auto c = crm_.control_client();
        int n = 0;
        for (const auto& e : json::parse(c.get("/_events").body))
            if (e["subject"] == sr &&
                e["type_or_status"].get<std::string>().ends_with(".not_collected"))
                ++n;
        return n;
    }
    void map_missed_code(const std::string& code, const std::string& reason) {
        auto mapping = folders_.mapping(kRiverbend);
        mapping["version"] = "1.2.0";
        mapping["value_maps"]["missed_code"]["entries"][code] = reason;
        folders_.write_mapping(kRiverbend, mapping);
        const auto reloaded = admin("POST", "/v1/admin/vendors/reload");
        ASSERT_EQ(reloaded["accepted"], true) << reloaded;
    }

    CrmSimProcess crm_;
    PollVendorSimProcess vendor_;
    VendorFolders folders_;
    std::unique_ptr<GatewayProcess> gw_;
};

TEST_F(PolledQuarantine, ARefusedPolledRecordIsReplayedAfterAHotReloadAndReachesTheCrmOnce) {
    create_order("SR-PQ-1");
    create_order("SR-PQ-2");
    create_order("SR-PQ-3");
    vendor_.add_results({"SR-PQ-1"}, "done");
    vendor_.add_results({"SR-PQ-2"}, "missed");
    auto c = vendor_.client();
    const auto added = c.post(
        "/control/orders",
        json{{"crm_case_ids", {"SR-PQ-3"}}, {"result", "missed"}, {"missed_code", 88}}.dump());
    ASSERT_EQ(added.status, 200) << added.body;
    // Polled: the known results are applied, the unmapped code is quarantined, the cursor
    // moves on (the vendor is not asked for that record again).
    json entries;
    ASSERT_TRUE(wait_until([&] {
        entries = open_entries();
        return entries.size() == 1;
    })) << gw_->log_text();
    const auto entry = entries[0];
    EXPECT_EQ(entry["channel"], "poll") << entry;
    EXPECT_EQ(entry["problem_type"], "unmapped-code") << entry;
    ASSERT_TRUE(wait_until([&] { return not_collected_events("SR-PQ-2") == 1; }));
    EXPECT_EQ(not_collected_events("SR-PQ-3"), 0);

    map_missed_code("88", "SAFETY_HAZARD");
    const auto id = entry["id"].get<std::int64_t>();
    const auto replayed = admin("POST", "/v1/admin/quarantine/replay", {{"ids", {id}}});
    ASSERT_EQ(replayed["items"].size(), 1u) << replayed;
    EXPECT_EQ(replayed["items"][0]["result"], "replayed") << replayed;
    EXPECT_EQ(replayed["items"][0]["verdict"], "accepted") << replayed;
    EXPECT_EQ(
        replayed["items"][0]["detail"]["mapping_version"].get<std::string>().rfind("1.2.0+", 0), 0u)
        << replayed;
    ASSERT_TRUE(wait_until([&] { return not_collected_events("SR-PQ-3") == 1; }))
        << gw_->log_text();

    // Again, through the API and the CLI: nothing new reaches the CRM, the page's other
    // records stay single.
    const auto again = admin("POST", "/v1/admin/quarantine/replay", {{"ids", {id}}});
    EXPECT_EQ(again["items"][0]["result"], "skipped") << again;
    const auto cli =
        run_cli("quarantine replay --id " + std::to_string(id) + " --config " + gw_->config_path());
    EXPECT_NE(cli.find("\"result\":\"skipped\""), std::string::npos) << cli;
    std::this_thread::sleep_for(std::chrono::seconds(1));  // several delivery polls
    EXPECT_EQ(not_collected_events("SR-PQ-3"), 1);
    EXPECT_EQ(not_collected_events("SR-PQ-2"), 1);
    EXPECT_TRUE(open_entries().empty());
}

TEST_F(PolledQuarantine, TheCliReplaysARefusedPolledRecordByVendor) {
    create_order("SR-PQC-1");
    auto c = vendor_.client();
    ASSERT_EQ(
        c.post(
             "/control/orders",
             json{{"crm_case_ids", {"SR-PQC-1"}}, {"result", "missed"}, {"missed_code", 89}}.dump())
            .status,
        200);
    ASSERT_TRUE(wait_until([&] { return open_entries().size() == 1; })) << gw_->log_text();
    map_missed_code("89", "ACCESS_BLOCKED");
    const auto out =
        run_cli("quarantine replay --vendor riverbend-recycling --config " + gw_->config_path());
    EXPECT_NE(out.find("\"verdict\":\"accepted\""), std::string::npos) << out;
    ASSERT_TRUE(wait_until([&] { return not_collected_events("SR-PQC-1") == 1; }))
        << gw_->log_text();
    const auto twice =
        run_cli("quarantine replay --vendor riverbend-recycling --config " + gw_->config_path());
    EXPECT_EQ(twice.find("\"verdict\":\"accepted\""), std::string::npos) << twice;
    std::this_thread::sleep_for(std::chrono::seconds(1));
    EXPECT_EQ(not_collected_events("SR-PQC-1"), 1);
}

}  // namespace
}  // namespace fieldgate::test
