// Hot reload of vendor folders on the real gateway: a changed mapping is swapped in under load
// with no request failing and every outcome naming the version that produced it; a broken
// mapping is refused with its error while the previous one keeps serving.
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "support/gateway_process.h"
#include "support/store_probe.h"
#include "support/vendor_folders.h"
#include "support/vendor_payloads.h"

namespace fieldgate::test {
namespace {

using nlohmann::json;

json gateway_config(const VendorFolders& folders, json extra = json::object()) {
    json c = {{"vendor_schemas", folders.root().string()}, {"poll", {{"enabled", false}}}};
    c.merge_patch(extra);
    return c;
}

std::string case_id(const std::string& prefix, int i) {
    return prefix + "-" + std::to_string(i);
}

void create_orders(GatewayProcess& gw, const std::string& prefix, int n) {
    auto c = gw.client();
    for (int i = 0; i < n; ++i) {
        const auto r = gw.create_order(c, work_order_body(case_id(prefix, i), kBay));
        ASSERT_TRUE(r.status == 201 || r.status == 200) << r.status << " " << r.body;
    }
}

sim::ClientResponse post_bay(sim::HttpClient& c, const GatewayProcess& gw, const json& body) {
    return c.post("/v1/vendors/bay-hauling/results", body.dump(), "application/json",
                  {{"Authorization", "Bearer " + gw.secrets.bay}});
}

sim::ClientResponse reload(const GatewayProcess& gw) {
    auto c = gw.client();
    return c.post("/v1/admin/vendors/reload", "", "application/json", gw.admin_headers());
}

std::string version_of(const json& reload_body, const std::string& vendor) {
    for (const auto& v : reload_body.at("vendors"))
        if (v.at("id") == vendor) return v.at("mapping_version");
    return {};
}

std::string outcome_version(const GatewayProcess& gw, const std::string& case_id) {
    auto c = gw.client();
    const auto r = c.get("/v1/work-orders?crm_case_id=" + case_id, gw.crm_headers());
    const auto items = json::parse(r.body).at("items");
    if (items.empty() || items[0]["outcome"].is_null()) return {};
    return items[0]["outcome"].value("mapping_version", "");
}

// Mapping versions of the stored outcomes, counted from the store itself.
std::map<std::string, int> versions_in_store(const GatewayProcess& gw) {
    std::map<std::string, int> out;
    for (const auto& row : StoreProbe(gw).rows("SELECT mapping_version, COUNT(*) FROM outcomes "
                                               "WHERE vendor = 'bay-hauling' GROUP BY 1"))
        out[row[0].value_or("")] = std::stoi(row[1].value_or("0"));
    return out;
}

TEST(VendorReload, AChangedMappingIsSwappedInUnderLoadWithNoRequestFailed) {
    VendorFolders folders;
    GatewayProcess gw(gateway_config(folders));
    constexpr int kPerSet = 120;
    constexpr int kThreads = 4;
    create_orders(gw, "SR-BEFORE", kPerSet);
    create_orders(gw, "SR-AFTER", kPerSet);

    std::atomic<int> first_round_done{0};
    std::atomic<bool> reloaded{false};
    std::atomic<int> sent{0};
    std::mutex failures_mutex;
    std::vector<std::string> failures;
    auto fail = [&](const std::string& what) {
        std::lock_guard lock(failures_mutex);
        failures.push_back(what);
    };
    // Each thread posts its share of the BEFORE orders over and over (repeats are answered as
    // duplicates: the same full path through the mapping) until the reload is done, then its
    // share of the AFTER orders once.
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            auto c = gw.client();
            auto post = [&](const std::string& prefix, int i) {
                const auto sr = case_id(prefix, i);
                try {
                    const auto r = post_bay(c, gw, bay_result("BH-" + sr, sr));
                    ++sent;
                    if (r.status != 200) fail(sr + ": " + std::to_string(r.status) + " " + r.body);
                } catch (const std::exception& e) {
                    fail(sr + ": " + e.what());
                }
            };
            bool first = true;
            while (!reloaded.load()) {
                for (int i = t; i < kPerSet; i += kThreads) post("SR-BEFORE", i);
                if (first) ++first_round_done;
                first = false;
            }
            for (int i = t; i < kPerSet; i += kThreads) post("SR-AFTER", i);
        });
    }
    ASSERT_TRUE(wait_until([&] { return first_round_done.load() == kThreads; }));

    auto mapping = folders.mapping(kBay);
    mapping["version"] = "1.9.0";
    mapping["value_maps"]["status"]["entries"]["Collected"] = "COMPLETED";
    folders.write_mapping(kBay, mapping);
    const int sent_before_reload = sent.load();
    const auto answer = reload(gw);
    // Keep the load on for a while after the swap as well.
    ASSERT_TRUE(wait_until([&] { return sent.load() >= sent_before_reload + 200; }));
    reloaded = true;
    for (auto& t : threads) t.join();

    ASSERT_EQ(answer.status, 200) << answer.body;
    const auto body = json::parse(answer.body);
    EXPECT_TRUE(body.at("accepted").get<bool>());
    EXPECT_EQ(body.at("changed"), json::array({kBay}));
    const auto new_version = version_of(body, kBay);
    ASSERT_EQ(new_version.rfind("1.9.0+", 0), 0u) << answer.body;

    EXPECT_TRUE(failures.empty()) << failures.size() << " failed, first: " << failures.front();
    const auto versions = versions_in_store(gw);
    ASSERT_EQ(versions.size(), 2u);
    EXPECT_EQ(versions.at(new_version), kPerSet);
    for (const auto& [version, count] : versions) {
        if (version != new_version) {
            EXPECT_EQ(version.rfind("1.1.0+", 0), 0u);
            EXPECT_EQ(count, kPerSet);
        }
    }
    EXPECT_EQ(outcome_version(gw, "SR-BEFORE-0").rfind("1.1.0+", 0), 0u);
    EXPECT_EQ(outcome_version(gw, "SR-AFTER-0"), new_version);

    // The new mapping serves: a status only it knows is accepted.
    create_orders(gw, "SR-NEWCODE", 1);
    auto c = gw.client();
    const auto r = post_bay(c, gw, bay_result("BH-NEW", "SR-NEWCODE-0", "Collected"));
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(outcome_version(gw, "SR-NEWCODE-0"), new_version);
}

TEST(VendorReload, ABrokenMappingIsRefusedWithItsErrorWhileTheOldOneServes) {
    VendorFolders folders;
    GatewayProcess gw(gateway_config(folders));
    create_orders(gw, "SR-BROKEN", 3);
    auto c = gw.client();
    ASSERT_EQ(post_bay(c, gw, bay_result("BH-B0", "SR-BROKEN-0")).status, 200);
    const auto serving = outcome_version(gw, "SR-BROKEN-0");
    ASSERT_EQ(serving.rfind("1.1.0+", 0), 0u);

    auto broken = folders.mapping(kBay);
    broken["version"] = "2.0.0";
    broken["fields"]["status"]["mapp"] = "status";  // a typo the meta-schema refuses
    folders.write_mapping(kBay, broken);
    const auto refused = reload(gw);
    ASSERT_EQ(refused.status, 422) << refused.body;
    EXPECT_EQ(refused.header("content-type").value_or(""), "application/problem+json");
    const auto problem = json::parse(refused.body);
    EXPECT_EQ(problem.at("type"), "https://fieldgate.example/problems/vendor-reload-refused");
    EXPECT_EQ(problem.at("pointer"), "/fields/status/mapp");
    EXPECT_EQ(problem.at("file"), folders.mapping_path(kBay).string());
    EXPECT_NE(problem.at("detail").get<std::string>().find("previous mappings keep serving"),
              std::string::npos);
    EXPECT_EQ(version_of(problem, kBay), serving);

    // Still served by the previous mapping, and stamped with it.
    EXPECT_EQ(post_bay(c, gw, bay_result("BH-B1", "SR-BROKEN-1")).status, 200);
    EXPECT_EQ(outcome_version(gw, "SR-BROKEN-1"), serving);

    // SIGHUP takes the same path: refused and logged, nothing changes.
    folders.write_mapping(kBay, std::string("{ \"vendor_id\": \"bay-hauling\", "));
    gw.signal(SIGHUP);
    EXPECT_TRUE(wait_until([&] {
        return gw.log_text().find("vendor reload (SIGHUP) refused") != std::string::npos;
    })) << gw.log_text();
    EXPECT_NE(gw.log_text().find("not valid JSON"), std::string::npos) << gw.log_text();
    EXPECT_EQ(post_bay(c, gw, bay_result("BH-B2", "SR-BROKEN-2")).status, 200);
    EXPECT_EQ(outcome_version(gw, "SR-BROKEN-2"), serving);

    // Fixed, and reloaded by SIGHUP: the next results are stamped with the new version.
    broken["fields"]["status"].erase("mapp");
    folders.write_mapping(kBay, broken);
    gw.signal(SIGHUP);
    create_orders(gw, "SR-FIXED", 100);
    int next = 0;
    EXPECT_TRUE(wait_until([&] {
        if (next >= 100) return false;
        const auto sr = case_id("SR-FIXED", next++);
        return post_bay(c, gw, bay_result("BH-" + sr, sr)).status == 200 &&
               outcome_version(gw, sr).rfind("2.0.0+", 0) == 0;
    })) << gw.log_text();
    // The admin call agrees, and finds nothing left to change.
    const auto accepted = reload(gw);
    ASSERT_EQ(accepted.status, 200) << accepted.body;
    const auto body = json::parse(accepted.body);
    EXPECT_EQ(version_of(body, kBay).rfind("2.0.0+", 0), 0u);
    EXPECT_TRUE(body.at("changed").empty()) << accepted.body;
}

TEST(VendorReload, AMappingThatBreaksAGoldenSampleIsRefusedNamingItWhileTheOldOneServes) {
    VendorFolders folders;
    GatewayProcess gw(gateway_config(folders));
    create_orders(gw, "SR-SAMPLE", 2);
    auto c = gw.client();
    ASSERT_EQ(post_bay(c, gw, bay_result("BH-S0", "SR-SAMPLE-0")).status, 200);
    const auto serving = outcome_version(gw, "SR-SAMPLE-0");
    ASSERT_EQ(serving.rfind("1.1.0+", 0), 0u);

    // Valid for the meta-schema and the loader, but the truck is read from a pointer the
    // payloads do not have: every sample with a truck normalizes without it.
    auto typo = folders.mapping(kBay);
    typo["version"] = "1.3.0";
    typo["fields"]["truck"]["from"] = "/truck/idd";
    folders.write_mapping(kBay, typo);
    const auto refused = reload(gw);
    ASSERT_EQ(refused.status, 422) << refused.body;
    const auto problem = json::parse(refused.body);
    EXPECT_EQ(problem.at("type"), "https://fieldgate.example/problems/vendor-reload-refused");
    ASSERT_FALSE(problem.at("failing_samples").empty()) << refused.body;
    bool doc_single = false;
    for (const auto& f : problem.at("failing_samples")) {
        EXPECT_EQ(f.at("vendor"), kBay);
        EXPECT_EQ(f.at("folder"), (folders.root() / kBay).string());
        if (f.at("sample") != "doc-single") continue;
        doc_single = true;
        EXPECT_NE(f.at("differs").get<std::string>().find("/truck"), std::string::npos) << f;
    }
    EXPECT_TRUE(doc_single) << refused.body;
    EXPECT_EQ(problem.at("errors").size(), problem.at("failing_samples").size()) << refused.body;
    const auto log = gw.log_text();
    EXPECT_NE(log.find("vendor reload (admin) refused"), std::string::npos) << log;
    EXPECT_NE(log.find("sample 'doc-single' of " + (folders.root() / kBay).string()),
              std::string::npos)
        << log;
    EXPECT_EQ(version_of(problem, kBay), serving);

    // The old mapping still serves: the truck is read and the outcome carries its version.
    const auto r = post_bay(c, gw, bay_result("BH-S1", "SR-SAMPLE-1"));
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(outcome_version(gw, "SR-SAMPLE-1"), serving);

    // A start on the same folder is refused too, naming the sample.
    ASSERT_EQ(gw.stop(), 0);
    try {
        gw.start();
        ADD_FAILURE() << "the gateway started on a mapping that fails its samples";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("sample 'doc-single'"), std::string::npos) << e.what();
    }
}

TEST(VendorReload, TheFolderWatchPicksUpAChangeWithoutAnyCall) {
    VendorFolders folders;
    GatewayProcess gw(
        gateway_config(folders, {{"vendor_reload", {{"watch", true}, {"debounce_ms", 200}}}}));
    create_orders(gw, "SR-WATCH", 200);
    auto c = gw.client();
    auto mapping = folders.mapping(kBay);
    mapping["version"] = "1.2.0";
    folders.write_mapping(kBay, mapping);
    int next = 0;
    std::string version;
    // Each try posts a fresh order's result and reads the version that stored it.
    EXPECT_TRUE(wait_until([&] {
        if (next >= 200) return false;
        const auto sr = case_id("SR-WATCH", next++);
        if (post_bay(c, gw, bay_result("BH-" + sr, sr)).status != 200) return false;
        version = outcome_version(gw, sr);
        return version.rfind("1.2.0+", 0) == 0;
    })) << version
        << "\n"
        << gw.log_text();
}

}  // namespace
}  // namespace fieldgate::test
