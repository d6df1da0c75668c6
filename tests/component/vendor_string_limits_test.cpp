// Free text without a limit silently lost a closure: a 1.9 MB Curbside reason_text was accepted,
// the CRM event built from it was over the CRM's 1 MiB limit, the CRM answered 413, the event
// went to the dead letters and a replay got 413 again. Against the real gateway and the real CRM
// simulator: every mapped text field has a limit (422 naming the field, kept for replay), no
// control character but TAB/LF/CR, and an event the CRM refuses or would refuse as too large
// raises an ALERT and shows in vendor health.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/crm_delivery_rig.h"
#include "support/gateway_process.h"
#include "support/vendor_calls.h"
#include "support/vendor_folders.h"
#include "support/wait.h"

namespace fieldgate::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// A gateway on a private copy of the vendor folders (so a test may change a mapping).
class StringLimits : public ::testing::Test {
  protected:
    void start() {
        gw_ = std::make_unique<GatewayProcess>(
            json{{"vendor_schemas", folders_.root().string()}, {"poll", {{"enabled", false}}}});
    }
    void SetUp() override { start(); }

    std::string order(const std::string& sr, const std::string& vendor) {
        auto c = gw_->client();
        const auto r = gw_->create_order(c, work_order_body(sr, vendor));
        EXPECT_EQ(r.status, 201) << r.body;
        return sr;
    }
    sim::ClientResponse post_bay(const json& result) {
        auto c = gw_->client();
        return c.post("/v1/vendors/bay-hauling/results", result.dump(), "application/json",
                      {{"Authorization", "Bearer " + gw_->secrets.bay}});
    }
    sim::ClientResponse post_curbside(const std::string& csv) {
        auto c = gw_->client();
        return c.post("/v1/vendors/curbside-coop/results", csv, "text/csv",
                      {{"X-Api-Key", gw_->secrets.curbside}});
    }
    json admin_get(const std::string& path) {
        auto c = gw_->client();
        const auto r = c.get(path, gw_->admin_headers());
        EXPECT_EQ(r.status, 200) << path << ": " << r.body;
        return json::parse(r.body, nullptr, false);
    }
    // The stored problem of the open quarantine entry of `vendor` of this type; null if none.
    json quarantined(const std::string& vendor, const std::string& type) {
        const auto list = admin_get("/v1/admin/quarantine?vendor=" + vendor);
        for (const auto& e : list["items"]) {
            if (e["problem_type"] == type)
                return admin_get("/v1/admin/quarantine/" + std::to_string(e["id"].get<int>()));
        }
        return nullptr;
    }
    std::string status_of(const std::string& sr) {
        auto c = gw_->client();
        const auto r = c.get("/v1/work-orders?crm_case_id=" + sr, gw_->crm_headers());
        return json::parse(r.body)["items"][0]["status"];
    }
    void override_detail(const std::string& vendor, int max_length) {
        // A reload must reproduce the folder's golden samples, and a 10-character limit refuses
        // their notes: this test is about the limit, so the samples are left out.
        std::filesystem::remove_all(folders_.root() / vendor / "samples");
        auto m = folders_.mapping(vendor);
        m["fields"]["detail"]["max_length"] = max_length;
        folders_.write_mapping(vendor, m);
        auto c = gw_->client();
        const auto r =
            c.post("/v1/admin/vendors/reload", "", "application/json", gw_->admin_headers());
        ASSERT_EQ(r.status, 200) << r.body;
    }

    VendorFolders folders_;
    std::unique_ptr<GatewayProcess> gw_;
};

json problem_of(const sim::ClientResponse& r) {
    return json::parse(r.body, nullptr, false);
}

std::string repeat(const std::string& unit, std::size_t n) {
    std::string out;
    out.reserve(unit.size() * n);
    for (std::size_t i = 0; i < n; ++i) out += unit;
    return out;
}

TEST_F(StringLimits, CurbsideReasonTextOf1_9MBIsRefusedNamingTheFieldAndQuarantined) {
    const auto sr = order("SR-LEN-C1", "curbside-coop");
    const std::string csv = curbside_header() + "\n" + "R-0412,2026-02-03,1," + sr +
                            ",EXC,OTHER,\"" + repeat("x", 1'900'000) +
                            "\",2026-02-03 07:58:44,CC-3,37.30277,-121.84790\n";
    const auto r = post_curbside(csv);
    ASSERT_EQ(r.status, 422) << r.body.substr(0, 2000);
    EXPECT_NE(r.body.find("too-long"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("reason_text"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("at most 4000"), std::string::npos) << r.body;
    EXPECT_LT(r.body.size(), 4000u);  // the report names the value, it does not echo it
    EXPECT_EQ(status_of(sr), "dispatched");

    const auto kept = quarantined("curbside-coop", "too-long");
    ASSERT_FALSE(kept.is_null()) << "not quarantined";
    EXPECT_EQ(kept["problem"]["field"], "reason_text") << kept["problem"];
    EXPECT_NE(kept["problem"]["pointer"].get<std::string>().find("line 2"), std::string::npos)
        << kept["problem"];
    EXPECT_NE(kept["problem"]["detail"].get<std::string>().find("1900000 characters"),
              std::string::npos);
    EXPECT_GT(kept["raw"]["body"].get<std::string>().size(), 1'900'000u);  // kept for replay
}

TEST_F(StringLimits, BayNotesOf1_2MBAreRefusedWithAPointerToTheField) {
    const auto sr = order("SR-LEN-B1", "bay-hauling");
    auto result = bay_result("BH-LEN-1", sr);
    result["notes"] = repeat("n", 1'200'000);
    const auto r = post_bay(result);
    ASSERT_EQ(r.status, 422) << r.body.substr(0, 2000);
    const auto p = problem_of(r);
    EXPECT_EQ(p["type"], "https://fieldgate.example/problems/too-long") << p;
    EXPECT_EQ(p["pointer"], "/notes");
    EXPECT_EQ(p["field"], "notes");
    EXPECT_NE(p["detail"].get<std::string>().find("at most 4000"), std::string::npos) << p;
    EXPECT_EQ(status_of(sr), "dispatched");
    EXPECT_FALSE(quarantined("bay-hauling", "too-long").is_null());
}

TEST_F(StringLimits, TextAtExactlyTheLimitPassesInCharactersNotBytes) {
    // 4000 characters of two bytes each: 8000 bytes, still within the limit.
    const auto sr = order("SR-LEN-B2", "bay-hauling");
    auto at_limit = bay_result("BH-LEN-2", sr);
    at_limit["notes"] = repeat("\xC3\xA9", 4000);
    const auto ok = post_bay(at_limit);
    EXPECT_EQ(ok.status, 200) << ok.body.substr(0, 2000);
    EXPECT_EQ(status_of(sr), "not_collected");

    const auto sr2 = order("SR-LEN-B3", "bay-hauling");
    auto over = bay_result("BH-LEN-3", sr2);
    over["notes"] = repeat("\xC3\xA9", 4001);
    const auto refused = post_bay(over);
    EXPECT_EQ(refused.status, 422) << refused.body.substr(0, 2000);
    EXPECT_NE(problem_of(refused)["detail"].get<std::string>().find("4001 characters"),
              std::string::npos);
}

TEST_F(StringLimits, APerFieldMaxLengthInTheMappingIsHonoured) {
    override_detail("bay-hauling", 10);
    const auto sr = order("SR-LEN-O1", "bay-hauling");
    auto result = bay_result("BH-LEN-O1", sr);
    result["notes"] = "eleven char";
    const auto refused = post_bay(result);
    ASSERT_EQ(refused.status, 422) << refused.body;
    EXPECT_NE(problem_of(refused)["detail"].get<std::string>().find("at most 10"),
              std::string::npos)
        << refused.body;
    result["notes"] = "ten chars!";
    EXPECT_EQ(post_bay(result).status, 200);

    // Raised above the default: 5000 characters pass.
    override_detail("bay-hauling", 6000);
    const auto sr2 = order("SR-LEN-O2", "bay-hauling");
    auto longer = bay_result("BH-LEN-O2", sr2);
    longer["notes"] = repeat("y", 5000);
    const auto ok = post_bay(longer);
    EXPECT_EQ(ok.status, 200) << ok.body.substr(0, 2000);
}

TEST_F(StringLimits, ANulEscapeInNotesIsRefusedNeverCut) {
    const auto sr = order("SR-LEN-N1", "bay-hauling");
    auto result = bay_result("BH-LEN-N1", sr);
    result["notes"] = std::string("before\0after", 12);  // dumped as "before\u0000after"
    const auto body = result.dump();
    ASSERT_NE(body.find("\\u0000"), std::string::npos);
    const auto r = post_bay(result);
    ASSERT_EQ(r.status, 422) << r.body;
    const auto p = problem_of(r);
    EXPECT_EQ(p["type"], "https://fieldgate.example/problems/control-character") << p;
    EXPECT_EQ(p["pointer"], "/notes");
    EXPECT_NE(p["detail"].get<std::string>().find("U+0000"), std::string::npos) << p;
    EXPECT_EQ(status_of(sr), "dispatched");
    EXPECT_FALSE(quarantined("bay-hauling", "control-character").is_null());

    // Tab, line feed and carriage return are text.
    const auto sr2 = order("SR-LEN-N2", "bay-hauling");
    auto fine = bay_result("BH-LEN-N2", sr2);
    fine["notes"] = "line one\r\nline\ttwo";
    EXPECT_EQ(post_bay(fine).status, 200);
}

std::size_t alerts(const std::string& log) {
    std::size_t n = 0;
    for (auto at = log.find("ALERT delivery: event"); at != std::string::npos;
         at = log.find("ALERT delivery: event", at + 1))
        ++n;
    return n;
}

json health_of(CrmDeliveryRig& rig) {
    auto c = rig.gw().client();
    const auto r = c.get("/v1/admin/vendors/bay-hauling/health", rig.gw().admin_headers());
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body, nullptr, false);
}

TEST(CrmTooLarge, A413FromTheCrmRaisesAnAlertAndShowsInVendorHealth) {
    CrmDeliveryRig rig;
    auto c = rig.gw().client();
    rig.create(c, "SR-413-1");
    ASSERT_TRUE(wait_until([&] { return rig.stored() == 1; }, 15s)) << rig.report();
    rig.control({{"mode", "too_large413"}});
    rig.post_result(c, "BH-413-1", "SR-413-1");
    ASSERT_TRUE(wait_until([&] { return alerts(rig.gw().log_text()) == 1; }, 15s))
        << rig.gw().log_text();

    // The ALERT is logged as the attempt is settled; the dead letter is committed just after.
    json h;
    ASSERT_TRUE(
        wait_until([&] { return (h = health_of(rig))["crm_delivery"]["too_large"] == 1; }, 15s))
        << h;
    const auto& recent = h["crm_delivery"]["recent_too_large"][0];
    EXPECT_EQ(recent["crm_case_id"], "SR-413-1");
    EXPECT_EQ(recent["state"], "dead");
    EXPECT_NE(recent["error"].get<std::string>().find("413"), std::string::npos) << recent;

    // A replay into the same answer is not silent: another ALERT, still listed.
    const auto replay = c.post("/v1/admin/dead-letters/replay", json{{"all", true}}.dump(),
                               "application/json", rig.gw().admin_headers());
    ASSERT_EQ(replay.status, 200) << replay.body;
    ASSERT_TRUE(wait_until([&] { return alerts(rig.gw().log_text()) == 2; }, 15s))
        << rig.gw().log_text();
    ASSERT_TRUE(wait_until(
        [&] { return health_of(rig)["crm_delivery"]["recent_too_large"][0]["state"] == "dead"; },
        15s));
    EXPECT_EQ(health_of(rig)["crm_delivery"]["too_large"], 1);

    // Once the CRM takes it, it is no longer listed.
    rig.control({{"mode", "ok"}});
    const auto again = c.post("/v1/admin/dead-letters/replay", json{{"all", true}}.dump(),
                              "application/json", rig.gw().admin_headers());
    ASSERT_EQ(again.status, 200) << again.body;
    ASSERT_TRUE(wait_until([&] { return rig.stored() == 2; }, 15s)) << rig.report();
    EXPECT_TRUE(wait_until([&] { return health_of(rig)["crm_delivery"]["too_large"] == 0; }, 15s));
}

TEST(CrmTooLarge, AnEventOverTheCrmLimitIsNotSentButAlertedAndListed) {
    // A mapping that lets more photos through than the defaults would (600 URLs of 2000
    // characters): the result is accepted, its CRM event would be 1.2 MB.
    VendorFolders folders;
    auto m = folders.mapping("bay-hauling");
    m["fields"]["photos"]["max_items"] = 1000;
    folders.write_mapping("bay-hauling", m);
    CrmDeliveryRig rig(json{{"vendor_schemas", folders.root().string()}});
    auto c = rig.gw().client();
    rig.create(c, "SR-BIG-1");
    ASSERT_TRUE(wait_until([&] { return rig.stored() == 1; }, 15s)) << rig.report();

    auto result = bay_result("BH-BIG-1", "SR-BIG-1");
    result["photos"] = json::array();
    for (int i = 0; i < 600; ++i)
        result["photos"].push_back("https://media.bayhauling.example/" + std::to_string(i) + "/" +
                                   repeat("p", 1990));
    rig.post_bay(c, result);
    ASSERT_TRUE(wait_until([&] { return alerts(rig.gw().log_text()) == 1; }, 15s))
        << rig.gw().log_text();
    EXPECT_EQ(rig.report()["received"], 1);  // never sent
    json h;
    ASSERT_TRUE(
        wait_until([&] { return (h = health_of(rig))["crm_delivery"]["too_large"] == 1; }, 15s))
        << h;
    EXPECT_NE(h["crm_delivery"]["recent_too_large"][0]["error"].get<std::string>().find("not sent"),
              std::string::npos)
        << h;
}

}  // namespace
}  // namespace fieldgate::test
