// Each vendor's own limits on the real gateway: its request-rate limit (a token bucket per
// vendor, taken once the vendor authenticated; over it 429 with Retry-After in the vendor's own
// style and nothing stored) and its body-size limit (413).
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "read_pool.h"
#include "support/gateway_process.h"
#include "support/metrics_sample.h"
#include "support/store_probe.h"
#include "support/vendor_calls.h"
#include "support/vendor_folders.h"
#include "support/wait.h"

namespace fieldgate::test {
namespace {

using nlohmann::json;

constexpr const char* kValley = "valley-disposal";
constexpr const char* kCurbside = "curbside-coop";

struct Limit {
    std::string vendor;
    double requests_per_second;
    int burst;
};

void write_rate_limit(const VendorFolders& folders, const Limit& l) {
    auto mapping = folders.mapping(l.vendor);
    mapping["transport"]["rate_limit"] = {{"requests_per_second", l.requests_per_second},
                                          {"burst", l.burst}};
    folders.write_mapping(l.vendor, mapping);
}

// A gateway serving a private copy of the vendor folders with these limits written in.
class LimitsRig {
  public:
    explicit LimitsRig(const std::vector<Limit>& limits) {
        for (const auto& l : limits) write_rate_limit(folders_, l);
        gw_ = std::make_unique<GatewayProcess>(
            json{{"vendor_schemas", folders_.root().string()},
                 {"poll", {{"enabled", false}}},
                 // These tests are about vendors' budgets; every client here is 127.0.0.1.
                 {"listen", {{"failed_auth", {{"burst", 100000}}}}}});
    }
    GatewayProcess& gw() { return *gw_; }
    const VendorFolders& folders() const { return folders_; }

    std::string create(const std::string& sr, const std::string& vendor, int stop = 1) {
        auto c = gw_->client();
        const auto r = gw_->create_order(c, work_order_body(sr, vendor, "R-0412", stop));
        EXPECT_EQ(r.status, 201) << r.body;
        return json::parse(r.body).value("id", "");
    }
    std::string status_of(const std::string& sr) {
        auto c = gw_->client();
        const auto r = c.get("/v1/work-orders?crm_case_id=" + sr, gw_->crm_headers());
        const auto items = json::parse(r.body).at("items");
        return items.empty() ? "" : items[0].value("status", "");
    }
    sim::ClientResponse feed(const std::string& vendor) {
        auto c = gw_->client();
        return c.get("/v1/vendors/" + vendor + "/work-orders",
                     vendor_read_headers(vendor, gw_->secrets));
    }
    json health(const std::string& vendor) {
        auto c = gw_->client();
        const auto r = c.get("/v1/admin/vendors/" + vendor + "/health", gw_->admin_headers());
        EXPECT_EQ(r.status, 200) << r.body;
        return json::parse(r.body, nullptr, false);
    }
    sim::ClientResponse reload() {
        auto c = gw_->client();
        return c.post("/v1/admin/vendors/reload", "", "application/json", gw_->admin_headers());
    }
    std::int64_t scalar(const std::string& sql, const std::string& arg = "") {
        return StoreProbe(*gw_).integer(
            sql, arg.empty() ? std::vector<std::string>{} : std::vector<std::string>{arg});
    }

  private:
    VendorFolders folders_;
    std::unique_ptr<GatewayProcess> gw_;
};

// A 429 over the rate limit, as every vendor gets it: Retry-After in whole seconds; returns it.
int expect_rate_limited(const sim::ClientResponse& r, const std::string& what) {
    EXPECT_EQ(r.status, 429) << what << ": " << r.body;
    const auto retry_after = r.header("retry-after");
    EXPECT_TRUE(retry_after) << what;
    const int seconds = retry_after ? std::stoi(*retry_after) : 0;
    EXPECT_GE(seconds, 1) << what;
    return seconds;
}

void expect_rate_limited_problem(const sim::ClientResponse& r, const std::string& what) {
    expect_rate_limited(r, what);
    EXPECT_EQ(r.header("content-type").value_or(""), "application/problem+json") << what;
    const auto problem = json::parse(r.body, nullptr, false);
    EXPECT_EQ(problem.value("type", ""), "https://fieldgate.example/problems/rate-limited")
        << r.body;
    EXPECT_EQ(problem.value("status", 0), 429) << r.body;
    EXPECT_GE(problem.value("retry_after_s", 0), 1) << r.body;
}

TEST(VendorRateLimit, AFloodIsAnswered429WhileOtherVendorsAreServedAndEverythingTakenIsStored) {
    // Bay: a token every 2 s after a burst of 10. Valley: a burst of 2, a token every 20 s.
    // Curbside: as shipped.
    LimitsRig rig({{kBay, 0.5, 10}, {kValley, 0.05, 2}});
    auto& gw = rig.gw();
    constexpr int kFlood = 40;
    for (int i = 0; i < kFlood; ++i) rig.create("SR-RL-B-" + std::to_string(i), kBay);
    for (int i = 0; i < 10; ++i) rig.create("SR-RL-C-" + std::to_string(i), kCurbside, i + 1);

    auto c = gw.client();
    std::set<std::string> taken, limited;
    int limited_answers = 0;  // results and feed reads
    int retry_after = 1;
    for (int i = 0; i < kFlood; ++i) {
        const std::string sr = "SR-RL-B-" + std::to_string(i);
        const auto r =
            post_vendor_result(c, kBay, vendor_result(kBay, gw.secrets, "BH-RL-" + sr, sr));
        if (r.status == 200) {
            taken.insert(sr);
        } else {
            expect_rate_limited_problem(r, sr);
            retry_after = expect_rate_limited(r, sr);
            limited.insert(sr);
            ++limited_answers;
        }
        if (i % 4 == 0) {
            // Curbside, meanwhile, is served as always: results and its feed.
            const std::string curb_sr = "SR-RL-C-" + std::to_string(i / 4);
            const auto curb = post_vendor_result(
                c, kCurbside,
                vendor_result(kCurbside, gw.secrets, "R-RL-" + curb_sr, curb_sr, i / 4 + 1));
            EXPECT_EQ(curb.status, 200) << curb.body;
            EXPECT_EQ(rig.feed(kCurbside).status, 200);
        }
        if (i == kFlood / 2) {
            // Bay's feed shares Bay's bucket; a wrong key is still 401, not 429.
            const auto feed = rig.feed(kBay);
            expect_rate_limited_problem(feed, "Bay's feed");
            ++limited_answers;
            auto stranger = vendor_result(kBay, gw.secrets, "BH-RL-X", sr);
            stranger.headers = {{"Authorization", "Bearer not-bay"}};
            EXPECT_EQ(post_vendor_result(c, kBay, stranger).status, 401);
        }
    }
    std::cout << "[ rate limit ] Bay flood: " << taken.size() << " taken, " << limited.size()
              << " answered 429 of " << kFlood << "\n";
    EXPECT_GE(taken.size(), 10u);  // at least the burst
    ASSERT_FALSE(limited.empty());
    EXPECT_EQ(taken.size() + limited.size(), static_cast<std::size_t>(kFlood));

    // Valley: a SOAP Fault on HTTP 429; its feed (HTTP Basic) problem JSON.
    const auto valley_sr = "SR-RL-V";
    rig.create(valley_sr, kValley);
    std::vector<int> valley_statuses;
    for (int i = 0; i < 3; ++i) {
        const auto r = post_vendor_result(
            c, kValley, vendor_result(kValley, gw.secrets, "g-rl-" + std::to_string(i), valley_sr));
        valley_statuses.push_back(r.status);
        if (r.status == 429) {
            expect_rate_limited(r, "Valley");
            EXPECT_EQ(r.header("content-type").value_or("").rfind("text/xml", 0), 0u);
            EXPECT_NE(r.body.find("<soap:Fault>"), std::string::npos) << r.body;
            EXPECT_NE(r.body.find("limit"), std::string::npos) << r.body;
            EXPECT_NE(r.body.find("rate-limited"), std::string::npos) << r.body;
        }
    }
    EXPECT_EQ(valley_statuses, (std::vector<int>{200, 200, 429}));
    expect_rate_limited_problem(rig.feed(kValley), "Valley's feed");

    // Everything taken is stored; nothing answered 429 is, anywhere.
    for (const auto& sr : taken) EXPECT_EQ(rig.status_of(sr), "not_collected") << sr;
    for (const auto& sr : limited) EXPECT_EQ(rig.status_of(sr), "dispatched") << sr;
    EXPECT_EQ(rig.scalar("SELECT COUNT(*) FROM outcomes WHERE vendor = 'bay-hauling'"),
              static_cast<std::int64_t>(taken.size()));
    for (const auto& sr : limited)
        EXPECT_EQ(
            rig.scalar("SELECT COUNT(*) FROM raw_payloads WHERE instr(CAST(body AS TEXT), ?) > 0",
                       "BH-RL-" + sr),
            0);
    // Nothing is quarantined: a stranger's 401 is not stored (README "Security checks").
    EXPECT_EQ(rig.scalar("SELECT COUNT(*) FROM quarantine WHERE vendor = 'bay-hauling'"), 0);
    EXPECT_EQ(rig.scalar("SELECT COUNT(*) FROM quarantine WHERE http_status = 429"), 0);
    EXPECT_EQ(rig.status_of("SR-RL-C-9"), "not_collected");

    // Counted: metrics and vendor health agree with what was answered.
    const auto metrics = c.get("/metrics", gw.admin_headers());
    ASSERT_EQ(metrics.status, 200);
    EXPECT_EQ(sample(metrics.body, "fieldgate_vendor_rate_limited_total{vendor=\"bay-hauling\"}"),
              limited_answers)
        << metrics.body;
    EXPECT_EQ(sample(metrics.body, "fieldgate_vendor_rate_limited_total{vendor=\"curbside-coop\"}"),
              std::nullopt);
    const auto bay_health = rig.health(kBay);
    EXPECT_EQ(bay_health["rate_limit"], json({{"requests_per_second", 0.5},
                                              {"burst", 10},
                                              {"refused_since_start", limited_answers}}))
        << bay_health.dump();
    EXPECT_EQ(rig.health(kCurbside)["rate_limit"]["refused_since_start"], 0);
    EXPECT_NE(gw.log_text().find("bay-hauling is over its rate limit"), std::string::npos);

    // After Retry-After Bay is served again, and a stranger's attempts meanwhile spent nothing
    // of its budget: the resent result is taken.
    std::this_thread::sleep_for(std::chrono::seconds(retry_after));
    const std::string resent = *limited.begin();
    auto stranger = vendor_result(kBay, gw.secrets, "BH-RL-" + resent, resent);
    stranger.headers = {{"Authorization", "Bearer not-bay"}};
    for (int i = 0; i < 20; ++i) EXPECT_EQ(post_vendor_result(c, kBay, stranger).status, 401);
    const auto again =
        post_vendor_result(c, kBay, vendor_result(kBay, gw.secrets, "BH-RL-" + resent, resent));
    EXPECT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(rig.status_of(resent), "not_collected");
}

TEST(VendorRateLimit, AHotReloadAppliesAChangedLimitAtOnce) {
    // A token every 100 s: within this test only the burst counts.
    LimitsRig rig({{kCurbside, 0.01, 3}});
    auto statuses = [&](int n) {
        std::vector<int> out;
        for (int i = 0; i < n; ++i) out.push_back(rig.feed(kCurbside).status);
        return out;
    };
    EXPECT_EQ(statuses(4), (std::vector<int>{200, 200, 200, 429}));

    write_rate_limit(rig.folders(), {kCurbside, 1000, 50});
    auto r = rig.reload();
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json::parse(r.body)["changed"], json::array({kCurbside}));
    EXPECT_EQ(statuses(30), std::vector<int>(30, 200));
    EXPECT_EQ(rig.health(kCurbside)["rate_limit"]["burst"], 50);

    write_rate_limit(rig.folders(), {kCurbside, 0.01, 2});
    ASSERT_EQ(rig.reload().status, 200);
    EXPECT_EQ(statuses(3), (std::vector<int>{200, 200, 429}));
    // The other vendors kept theirs (as shipped).
    EXPECT_EQ(rig.health(kBay)["rate_limit"]["requests_per_second"], 25000);
    EXPECT_EQ(rig.feed(kBay).status, 200);
}

TEST(VendorBodyLimit, EachVendorsSizeLimitIsItsOwn) {
    LimitsRig rig(std::vector<Limit>{});
    auto& gw = rig.gw();
    auto c = gw.client();
    constexpr std::size_t kMiB = 1024 * 1024;
    struct Case {
        std::string vendor;
        std::size_t allowed;  // under this vendor's max_body_bytes, over a smaller one's
        std::size_t refused;  // over it
    };
    // Valley 64 KiB (its credentials are in the body: admission.h), Curbside 2 MiB, Bay 4 MiB
    // (their mapping.json transport blocks).
    for (const auto& t :
         {Case{kValley, 48 * 1024, 96 * 1024}, Case{kCurbside, kMiB + kMiB / 2, 3 * kMiB},
          Case{kBay, 3 * kMiB, 4 * kMiB + kMiB / 2}}) {
        for (const auto size : {t.allowed, t.refused}) {
            auto post = vendor_result(t.vendor, gw.secrets, "big", "SR-BIG");
            post.body += std::string(size - post.body.size(), ' ');
            const auto r = post_vendor_result(c, t.vendor, post);
            const bool over = size == t.refused;
            EXPECT_EQ(answered_status(r) == 413, over)
                << t.vendor << " " << size << " bytes: " << r.status << " "
                << r.body.substr(0, 300);
            if (over) {
                EXPECT_NE(r.body.find("limit"), std::string::npos) << r.body.substr(0, 300);
            }
        }
        // Kept for replay when the vendor is known from its head; Valley's too-large body never
        // showed its credentials, so nothing of it is kept.
        EXPECT_EQ(rig.scalar("SELECT COUNT(*) FROM quarantine WHERE vendor = ? AND http_status = "
                             "413",
                             t.vendor),
                  t.vendor == kValley ? 0 : 1)
            << t.vendor;
    }
}

}  // namespace
}  // namespace fieldgate::test
