// The polled fourth vendor (vendor_schemas/riverbend-recycling, served by
// fieldgate-poll-vendor-sim), onboarded with only its folder: every result the vendor holds is
// collected exactly once across a kill -9, a refusal by the vendor's API and a graceful restart,
// although overlapping windows read many of them again.
#include <gtest/gtest.h>

#include <set>

#include "support/gateway_process.h"
#include "support/poll_vendor_sim_process.h"
#include "support/store_probe.h"
#include "support/vendor_folders.h"
#include "time_util.h"

namespace fieldgate::test {
namespace {

using nlohmann::json;

constexpr const char* kPollKey = "rb-key-test-123";

std::vector<std::string> cases(int from, int to) {
    std::vector<std::string> out;
    for (int i = from; i < to; ++i) out.push_back("SR-RB-" + std::to_string(i));
    return out;
}

std::string status_of(const GatewayProcess& gw, const std::string& case_id) {
    auto c = gw.client();
    const auto r = c.get("/v1/work-orders?crm_case_id=" + case_id, gw.crm_headers());
    if (r.status != 200) return {};
    const auto items = json::parse(r.body).at("items");
    return items.empty() ? std::string() : items[0].value("status", "");
}

bool all_collected(const GatewayProcess& gw, const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
        const auto s = status_of(gw, id);
        if (s != "completed" && s != "not_collected") return false;
    }
    return true;
}

TEST(PolledVendor, EveryResultIsCollectedOnceAcrossRestartsWithNoGap) {
    const auto test_start = now_millis();
    PollVendorSimProcess vendor(kPollKey);
    VendorFolders folders;
    auto mapping = folders.mapping(kRiverbend);
    mapping["poll"]["url"] = vendor.url();
    mapping["poll"]["interval_s"] = 1;
    mapping["poll"]["window"]["overlap_s"] = 120;
    mapping["poll"]["page_size"]["value"] = 7;  // several pages per window
    folders.write_mapping(kRiverbend, mapping);

    TempDir secrets;
    const Secrets tokens;
    secrets.write("crm/api-token", tokens.crm);
    secrets.write("admin/api-token", tokens.admin);
    secrets.write("riverbend-recycling/api-key", kPollKey);
    GatewayProcess gw({{"vendor_schemas", folders.root().string()},
                       {"secrets", {{"dir", secrets.path().string()}}},
                       {"log", {{"level", "info"}}}},
                      tokens);
    {
        auto c = gw.client();
        for (const auto& id : cases(0, 60)) {
            const auto r = gw.create_order(c, work_order_body(id, kRiverbend));
            ASSERT_EQ(r.status, 201) << r.body;
        }
    }

    // 1. Results appear at the vendor; the gateway collects them.
    vendor.add_results(cases(0, 20), "done");
    ASSERT_TRUE(wait_until([&] { return all_collected(gw, cases(0, 20)); })) << gw.log_text();

    // 2. More results, and the gateway is killed while it may be paging through them.
    vendor.add_results(cases(20, 35), "missed");
    gw.kill9();
    // 3. Results written while it is down, some of them late (modified 20 s in the past).
    vendor.add_results(cases(35, 45), "done");
    vendor.add_results(cases(45, 50), "missed", 20);
    gw.start();
    ASSERT_TRUE(wait_until([&] { return all_collected(gw, cases(0, 50)); })) << gw.log_text();

    // 4. The vendor's API fails twice; then a graceful restart.
    vendor.fail_next(2, 503);
    vendor.add_results(cases(50, 60), "done");
    ASSERT_TRUE(wait_until([&] { return vendor.stats().at("failed") == 2; }));
    gw.stop();
    gw.start();
    ASSERT_TRUE(wait_until([&] { return all_collected(gw, cases(0, 60)); })) << gw.log_text();

    // Exactly one outcome per result, each from a polled page, none twice.
    const StoreProbe probe(gw);
    std::set<std::string> refs;
    std::set<std::string> orders;
    int rows = 0;
    for (const auto& row :
         probe.rows("SELECT o.vendor_ref, o.work_order_id, r.channel, o.mapping_version, o.reason "
                    "FROM outcomes o JOIN raw_payloads r ON r.id = o.raw_payload_id "
                    "WHERE o.vendor = 'riverbend-recycling'")) {
        ++rows;
        refs.insert(row[0].value_or(""));
        orders.insert(row[1].value_or(""));
        EXPECT_EQ(row[2], "poll");
        EXPECT_EQ(row[3].value_or("").rfind("1.1.0+", 0), 0u);
    }
    EXPECT_EQ(rows, 60);
    EXPECT_EQ(refs.size(), 60u);
    EXPECT_EQ(orders.size(), 60u);
    EXPECT_EQ(status_of(gw, "SR-RB-20"), "not_collected");
    EXPECT_EQ(status_of(gw, "SR-RB-45"), "not_collected");

    // The overlap really re-read results: more were served than stored.
    const auto stats = vendor.stats();
    EXPECT_GT(stats.at("pickups_served").get<int>(), 60) << stats.dump();
    // Only the very first window reached back the initial day: after the kill -9 and the
    // restart the poller resumed from the position it had committed.
    int lookbacks = 0;
    for (const auto& since : stats.at("window_starts")) {
        const auto t = parse_rfc3339(since.get<std::string>());
        ASSERT_TRUE(t);
        if (*t < test_start - std::chrono::hours(1)) ++lookbacks;
    }
    EXPECT_EQ(lookbacks, 1) << stats.dump();
    EXPECT_GE(
        probe.integer("SELECT records FROM poll_state WHERE vendor = ?", {std::string(kRiverbend)}),
        60);
}

TEST(PolledVendor, ACursorFeedIsFollowedAcrossAKillWithNoGapAndNoDouble) {
    // The same vendor folder switched to the vendor's change feed: a cursor instead of a window,
    // changed in mapping.json only.
    PollVendorSimProcess vendor(kPollKey);
    VendorFolders folders;
    auto mapping = folders.mapping(kRiverbend);
    auto& poll = mapping["poll"];
    poll["url"] = vendor.url() + "/changes";
    poll["interval_s"] = 1;
    poll.erase("window");
    poll.erase("pagination");
    poll["cursor"] = {{"param", "cursor"}, {"next_pointer", "/cursor"}, {"initial", "0"}};
    poll["page_size"]["value"] = 4;
    folders.write_mapping(kRiverbend, mapping);

    TempDir secrets;
    const Secrets tokens;
    secrets.write("crm/api-token", tokens.crm);
    secrets.write("admin/api-token", tokens.admin);
    secrets.write("riverbend-recycling/api-key", kPollKey);
    GatewayProcess gw({{"vendor_schemas", folders.root().string()},
                       {"secrets", {{"dir", secrets.path().string()}}}},
                      tokens);
    {
        auto c = gw.client();
        for (const auto& id : cases(100, 130)) {
            const auto r = gw.create_order(c, work_order_body(id, kRiverbend));
            ASSERT_EQ(r.status, 201) << r.body;
        }
    }
    vendor.add_results(cases(100, 115), "done");
    ASSERT_TRUE(wait_until([&] { return all_collected(gw, cases(100, 115)); })) << gw.log_text();
    vendor.add_results(cases(115, 122), "missed");
    gw.kill9();
    vendor.add_results(cases(122, 130), "done");
    gw.start();
    ASSERT_TRUE(wait_until([&] { return all_collected(gw, cases(100, 130)); })) << gw.log_text();

    const StoreProbe probe(gw);
    const auto counts = probe.rows(
        "SELECT COUNT(*), COUNT(DISTINCT vendor_ref) FROM outcomes "
        "WHERE vendor = 'riverbend-recycling'");
    ASSERT_EQ(counts.size(), 1u);
    EXPECT_EQ(counts[0][0], "30");
    EXPECT_EQ(counts[0][1], "30");
    EXPECT_EQ(probe.text("SELECT cursor FROM poll_state WHERE vendor = 'riverbend-recycling'"),
              "30");  // the simulator's sequence of the last pickup
    // A cursor re-reads at most the page that was in flight when the gateway died.
    EXPECT_LE(vendor.stats().at("pickups_served").get<int>(), 30 + 4) << vendor.stats().dump();
}

TEST(PolledVendor, APushToAPolledVendorIsRefused) {
    // Riverbend delivers only by polling: its push key is not configured.
    VendorFolders folders;
    GatewayProcess gw(
        {{"vendor_schemas", folders.root().string()}, {"poll", {{"enabled", false}}}});
    auto c = gw.client();
    const auto r = c.post("/v1/vendors/riverbend-recycling/results", R"({"pickups": []})",
                          "application/json", {{"Authorization", "Bearer anything"}});
    EXPECT_EQ(r.status, 401) << r.body;
}

}  // namespace
}  // namespace fieldgate::test
