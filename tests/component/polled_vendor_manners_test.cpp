// The polled vendor (vendor_schemas/riverbend-recycling, served by fieldgate-poll-vendor-sim)
// as a real API treats its clients: one request per interval (pages too), Retry-After on
// 429/503, credentials in several headers or HTTP Basic, and the gateway showing a vendor that
// refuses it in the vendor's health until it is fixed.
#include <gtest/gtest.h>

#include <algorithm>

#include "support/gateway_process.h"
#include "support/poll_vendor_sim_process.h"
#include "support/vendor_folders.h"

namespace fieldgate::test {
namespace {

using nlohmann::json;

std::vector<std::string> manners_cases(int from, int to) {
    std::vector<std::string> out;
    for (int i = from; i < to; ++i) out.push_back("SR-RBM-" + std::to_string(i));
    return out;
}

bool all_completed(const GatewayProcess& gw, const std::vector<std::string>& ids) {
    auto c = gw.client();
    for (const auto& id : ids) {
        const auto r = c.get("/v1/work-orders?crm_case_id=" + id, gw.crm_headers());
        if (r.status != 200) return false;
        const auto items = json::parse(r.body).at("items");
        if (items.empty() || items[0].value("status", "") != "completed") return false;
    }
    return true;
}

// A gateway polling the simulator every `interval_s` with `auth`; its secrets in `secrets`.
struct PolledRig {
    PolledRig(const PollVendorSimProcess& vendor, json auth, int interval_s,
              const std::vector<std::pair<std::string, std::string>>& secret_values,
              json poll_patch = json::object()) {
        auto mapping = folders.mapping(kRiverbend);
        mapping["poll"]["url"] = vendor.url();
        mapping["poll"]["interval_s"] = interval_s;
        mapping["poll"]["auth"] = std::move(auth);
        mapping["poll"].merge_patch(poll_patch);
        folders.write_mapping(kRiverbend, mapping);
        secrets.write("crm/api-token", tokens.crm);
        secrets.write("admin/api-token", tokens.admin);
        for (const auto& [name, value] : secret_values) secrets.write(name, value);
        gw.emplace(json{{"vendor_schemas", folders.root().string()},
                        {"secrets", {{"dir", secrets.path().string()}}},
                        {"log", {{"level", "info"}}}},
                   tokens);
    }
    void create_orders(const std::vector<std::string>& ids) {
        auto c = gw->client();
        for (const auto& id : ids) {
            const auto r = gw->create_order(c, work_order_body(id, kRiverbend));
            ASSERT_EQ(r.status, 201) << r.body;
        }
    }
    json poll_health() const {
        auto c = gw->client();
        const auto r = c.get("/v1/admin/vendors/riverbend-recycling/health", gw->admin_headers());
        if (r.status != 200) return nullptr;
        return json::parse(r.body).value("poll", json(nullptr));
    }

    VendorFolders folders;
    TempDir secrets;
    Secrets tokens;
    std::optional<GatewayProcess> gw;
};

const json kKeyAuth = {{"scheme", "api_key_header"},
                       {"header", "X-Riverbend-Key"},
                       {"secret", "riverbend-recycling/api-key"}};

TEST(PolledVendorManners, NoTwoRequestsComeSoonerThanTheIntervalPagesIncluded) {
    // The vendor allows one request a second and answers 429 to a sooner one.
    PollVendorSimOptions options;
    options.key = "rb-key-manners";
    options.min_interval_ms = 1000;
    PollVendorSimProcess vendor(options);
    PolledRig rig(vendor, kKeyAuth, 1, {{"riverbend-recycling/api-key", options.key}},
                  {{"window", {{"overlap_s", 0}}}, {"page_size", {{"value", 4}}}});
    rig.create_orders(manners_cases(0, 10));
    vendor.add_results(manners_cases(0, 10), "done");  // three pages: 4, 4, 2
    ASSERT_TRUE(wait_until([&] { return all_completed(*rig.gw, manners_cases(0, 10)); }))
        << rig.gw->log_text() << vendor.stats().dump();
    // Empty windows follow at the same pace.
    const auto collected_after = vendor.stats().at("requests").size();
    ASSERT_TRUE(
        wait_until([&] { return vendor.stats().at("requests").size() >= collected_after + 2; }));

    const auto stats = vendor.stats();
    EXPECT_EQ(stats.at("too_early"), 0) << stats.dump();
    EXPECT_EQ(stats.at("pickups_served"), 10) << stats.dump();
    // The vendor itself judges the pace: every request was answered, none refused as too early.
    for (const auto& r : stats.at("requests")) EXPECT_EQ(r.at("status"), 200) << stats.dump();
}

TEST(PolledVendorManners, RetryAfterOnA503IsWaitedOutBeforeTheNextRequest) {
    PollVendorSimProcess vendor("rb-key-retry");
    PolledRig rig(vendor, kKeyAuth, 1, {{"riverbend-recycling/api-key", "rb-key-retry"}});
    ASSERT_TRUE(wait_until([&] { return vendor.stats().at("requests").size() >= 1; }));
    // The vendor answers 503 with Retry-After: 3, and refuses (429, too_early) any request
    // before those 3 s have passed.
    vendor.fail_next(1, 503, "3");
    ASSERT_TRUE(wait_until([&] { return vendor.stats().at("failed") == 1; }));
    json stats;
    ASSERT_TRUE(wait_until([&] {
        stats = vendor.stats();
        const auto& requests = stats.at("requests");
        const auto failed = std::find_if(requests.begin(), requests.end(),
                                         [](const json& r) { return r.at("status") == 503; });
        return failed != requests.end() && std::distance(failed, requests.end()) >= 3;
    })) << stats.dump();
    EXPECT_EQ(stats.at("too_early"), 0) << stats.dump();
    for (const auto& r : stats.at("requests"))
        EXPECT_TRUE(r.at("status") == 200 || r.at("status") == 503) << stats.dump();
    EXPECT_NE(rig.gw->log_text().find("Retry-After 3 s"), std::string::npos);
}

TEST(PolledVendorManners, ClientIdAndSecretHeadersReachTheVendorsData) {
    PollVendorSimOptions options;
    options.headers = {{"X-Client-Id", "city-client-7"},
                       {"X-Client-Secret", "s3cr3t-two-headers"},
                       {"X-Api-Version", "2024-06-01"}};
    PollVendorSimProcess vendor(options);
    const json auth = {{"scheme", "headers"},
                       {"headers",
                        {{"X-Client-Id", {{"secret", "acme/client-id"}}},
                         {"X-Client-Secret", {{"secret", "acme/client-secret"}}},
                         {"X-Api-Version", {{"value", "2024-06-01"}}}}}};
    PolledRig rig(
        vendor, auth, 1,
        {{"acme/client-id", "city-client-7"}, {"acme/client-secret", "s3cr3t-two-headers"}});
    rig.create_orders(manners_cases(20, 23));
    vendor.add_results(manners_cases(20, 23), "done");
    ASSERT_TRUE(wait_until([&] { return all_completed(*rig.gw, manners_cases(20, 23)); }))
        << rig.gw->log_text() << vendor.stats().dump();
    EXPECT_EQ(rig.gw->log_text().find("s3cr3t-two-headers"), std::string::npos);
}

TEST(PolledVendorManners, HttpBasicCredentialsReachTheVendorsData) {
    PollVendorSimOptions options;
    options.basic_user = "city-of-example";
    options.basic_password = "basic-pa55word";
    PollVendorSimProcess vendor(options);
    const json auth = {
        {"scheme", "basic"}, {"username", "city-of-example"}, {"secret", "acme/api-password"}};
    PolledRig rig(vendor, auth, 1, {{"acme/api-password", "basic-pa55word"}});
    rig.create_orders(manners_cases(30, 33));
    vendor.add_results(manners_cases(30, 33), "done");
    ASSERT_TRUE(wait_until([&] { return all_completed(*rig.gw, manners_cases(30, 33)); }))
        << rig.gw->log_text() << vendor.stats().dump();
    EXPECT_EQ(rig.gw->log_text().find("basic-pa55word"), std::string::npos);
}

TEST(PolledVendorManners, ARefusedKeyShowsInVendorHealthUntilTheSecretIsFixed) {
    PollVendorSimProcess vendor("rb-right-key");
    PolledRig rig(vendor, kKeyAuth, 1, {{"riverbend-recycling/api-key", "rb-wrong-key"}});
    json poll;
    ASSERT_TRUE(wait_until([&] {
        poll = rig.poll_health();
        return poll.is_object() && poll.at("failures").get<int>() >= 2;
    })) << poll.dump()
        << rig.gw->log_text();
    const auto error = poll.at("last_error").get<std::string>();
    EXPECT_NE(error.find("401"), std::string::npos) << error;
    EXPECT_EQ(error.find("rb-wrong-key"), std::string::npos) << error;
    ASSERT_TRUE(poll.at("failing_since").is_string()) << poll.dump();
    const auto since = poll.at("failing_since").get<std::string>();
    EXPECT_TRUE(poll.at("last_success_at").is_null()) << poll.dump();
    // Still failing: the count grows, the start of the spell stays.
    ASSERT_TRUE(wait_until([&] {
        const auto later = rig.poll_health();
        return later.at("failures").get<int>() > poll.at("failures").get<int>() &&
               later.at("failing_since") == since;
    }));

    // Staff fix the secret and reload the vendors (the secret store reads it again).
    rig.secrets.write("riverbend-recycling/api-key", "rb-right-key");
    {
        auto c = rig.gw->client();
        const auto r =
            c.post("/v1/admin/vendors/reload", "{}", "application/json", rig.gw->admin_headers());
        ASSERT_EQ(r.status, 200) << r.body;
    }
    ASSERT_TRUE(wait_until([&] {
        poll = rig.poll_health();
        return poll.at("failures") == 0;
    })) << poll.dump();
    EXPECT_TRUE(poll.at("last_error").is_null()) << poll.dump();
    EXPECT_TRUE(poll.at("failing_since").is_null()) << poll.dump();
    EXPECT_TRUE(poll.at("last_success_at").is_string()) << poll.dump();
    EXPECT_TRUE(poll.at("next_request_at").is_string()) << poll.dump();
}

}  // namespace
}  // namespace fieldgate::test
