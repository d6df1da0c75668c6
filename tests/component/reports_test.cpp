// Reports and vendor health on the real gateway with CRM delivery to the real CRM simulator:
// a seeded random mix of Bay Hauling results is posted, and every figure of the report is
// computed again here from what was posted (the catalog file gives attribution and expected
// evidence) and compared exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include <date/date.h>

#include "read_pool.h"
#include "support/crm_sim_process.h"
#include "support/gateway_process.h"
#include "support/store_probe.h"
#include "support/vendor_payloads.h"
#include "support/wait.h"
#include "time_util.h"

namespace fieldgate::test {
namespace {

using namespace std::chrono_literals;

SysMillis parse_time(const std::string& text) {
    const auto t = parse_rfc3339(text);
    if (!t) throw std::runtime_error("bad time " + text);
    return *t;
}

// What the test posted for one order, and what it expects the gateway to make of it.
struct Posted {
    std::string sr;
    std::string date;
    std::string kind;  // completed | partial | missed | none
    std::string reason;
    bool photo = false;
    std::string gps;  // near | far | absent
    bool in_window = false;
    std::string closed_at;
    bool cancelled = false;
};

struct Expected {
    std::int64_t orders = 0, attempts = 0, completed = 0, partial = 0, missed = 0;
    std::int64_t with_reason = 0, evidence = 0, completed_in_window = 0;
    std::map<std::string, std::int64_t> reasons;
    std::map<std::string, std::int64_t> attribution;
    std::vector<double> lags;
};

class Reports : public ::testing::Test {
  protected:
    Reports() {
        nlohmann::json config = {
            {"crm", {{"endpoint", "http://127.0.0.1:" + std::to_string(crm_.port()) + "/events"}}},
            {"delivery", {{"poll_interval_ms", 200}, {"max_pause_s", 1}, {"concurrency", 8}}},
            {"watchdog", {{"enabled", false}}},
        };
        Secrets secrets;
        secrets.crm_webhook = whsec(crm_.key());
        gw_ = std::make_unique<GatewayProcess>(config, secrets);
        std::ifstream(source_path("gateway/catalog/standard-codes.json")) >> catalog_;
    }

    std::string work_order_id(sim::HttpClient& c, const Posted& p) {
        auto r = gw_->create_order(
            c, work_order_body(p.sr, p.sr.rfind("SR-C", 0) == 0 ? "curbside-coop" : "bay-hauling",
                               "R-1", 1, p.date));
        EXPECT_EQ(r.status, 201) << r.body;
        return nlohmann::json::parse(r.body)["id"];
    }

    nlohmann::json get(const std::string& target, const sim::HeaderList& headers,
                       int expect = 200) {
        auto c = gw_->client();
        auto r = c.get(target, headers);
        EXPECT_EQ(r.status, expect) << target << ": " << r.body;
        return nlohmann::json::parse(r.body, nullptr, false);
    }

    CrmSimProcess crm_;
    std::unique_ptr<GatewayProcess> gw_;
    nlohmann::json catalog_;
};

TEST_F(Reports, VendorFiguresEqualWhatThePostedMixAddsUpTo) {
    const std::map<std::string, std::string> codes = {{"NSO", "NOT_SET_OUT"},
                                                      {"BLK", "ACCESS_BLOCKED"},
                                                      {"RTE", "VENDOR_MISSED"},
                                                      {"HAZ", "SAFETY_HAZARD"},
                                                      {"MEC", "VEHICLE_ISSUE"}};
    std::vector<std::string> code_list;
    for (const auto& [code, reason] : codes) code_list.push_back(code);
    std::mt19937 rng(20261123);
    auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    const std::vector<std::string> dates = {"2026-02-03", "2026-02-04", "2026-02-05"};
    const std::string kinds[] = {"completed", "partial", "missed", "none"};

    std::vector<Posted> posted;
    for (int i = 0; i < 48; ++i) {
        Posted p;
        p.sr = "SR-R-" + std::to_string(i);
        p.date = dates[static_cast<std::size_t>(pick(3))];
        p.kind = kinds[pick(4)];
        p.cancelled = p.kind == "none" && pick(2) == 0;
        p.reason = code_list[static_cast<std::size_t>(pick(static_cast<int>(code_list.size())))];
        p.photo = pick(2) == 0;
        p.gps =
            std::vector<std::string>{"near", "far", "absent"}[static_cast<std::size_t>(pick(3))];
        p.in_window = pick(3) != 0;
        p.closed_at = p.date + (p.in_window ? "T10:" : "T19:") + (pick(2) ? "15" : "45") + ":0" +
                      std::to_string(pick(10)) + "-08:00";
        posted.push_back(p);
    }
    // Another vendor's orders with no results: counted for that vendor only.
    for (int i = 0; i < 3; ++i)
        posted.push_back(Posted{"SR-C-" + std::to_string(i), "2026-02-04", "none", "", false, "",
                                false, "", false});

    auto c = gw_->client();
    std::map<std::string, std::string> ids;  // sr -> work order id
    for (const auto& p : posted) {
        ids[p.sr] = work_order_id(c, p);
        if (p.cancelled) {
            auto r = c.post("/v1/work-orders/" + ids[p.sr] + "/cancel", "{}", "application/json",
                            gw_->crm_headers());
            ASSERT_EQ(r.status, 200) << r.body;
        }
        if (p.kind == "none") continue;
        const std::string status = p.kind == "completed" ? "Confirmed Positive"
                                   : p.kind == "partial" ? "Partially Collected"
                                                         : "Confirmed Negative";
        auto body = bay_result("BH-R-" + p.sr, p.sr, status, p.reason);
        body["closed_at"] = p.closed_at;
        body["service_date"] =
            p.date.substr(5, 2) + "/" + p.date.substr(8, 2) + "/" + p.date.substr(0, 4);
        if (!p.photo) body["photos"] = nlohmann::json::array();
        if (p.gps == "absent") body.erase("gps");
        if (p.gps == "far") body["gps"]["lat"] = 38.33452;  // about 111 km north
        auto r = c.post("/v1/vendors/bay-hauling/results", body.dump(), "application/json",
                        {{"Authorization", "Bearer " + gw_->secrets.bay}});
        ASSERT_EQ(r.status, 200) << r.body;
        ASSERT_EQ(nlohmann::json::parse(r.body)["accepted"], 1) << r.body;
    }

    // Every CRM event delivered, so the delivery lag is known for every outcome.
    const StoreProbe probe(*gw_);
    auto scalar = [&probe](const std::string& sql) { return probe.integer(sql); };
    ASSERT_TRUE(wait_until(
        [&] { return scalar("SELECT COUNT(*) FROM outbox WHERE state != 'delivered'") == 0; }, 60s))
        << gw_->log_text();

    // The figures, from what was posted.
    const std::string from = "2026-02-03", to = "2026-02-04";
    std::map<std::string, Expected> expected;
    for (const auto& p : posted) {
        if (p.date < from || p.date > to || p.cancelled) continue;
        const std::string vendor = p.sr.rfind("SR-C", 0) == 0 ? "curbside-coop" : "bay-hauling";
        auto& e = expected[vendor];
        ++e.orders;
        if (p.kind == "none") continue;
        ++e.attempts;
        if (p.kind == "completed") {
            ++e.completed;
            if (p.in_window) ++e.completed_in_window;
        } else {
            p.kind == "partial" ? ++e.partial : ++e.missed;
            const auto reason = codes.at(p.reason);
            const auto& rule = catalog_["reasons"][reason];
            ++e.with_reason;
            ++e.reasons[reason];
            ++e.attribution[rule["attribution"].get<std::string>()];
            const auto& ev = rule["evidence"];
            const bool photo_ok = !ev.value("photo", false) || p.photo;
            const bool gps_ok = !ev.contains("gps_within_m") || p.gps == "near";
            const bool time_ok = !ev.value("in_window", false) || p.in_window;
            if (photo_ok && gps_ok && time_ok) ++e.evidence;
        }
        const auto delivered_at = probe.text(
            "SELECT x.delivered_at FROM outbox x JOIN work_orders w ON w.outcome_id = "
            "x.outcome_id WHERE w.id = ? AND x.destination = 'crm'",
            {ids[p.sr]});
        ASSERT_TRUE(delivered_at) << p.sr;
        e.lags.push_back(
            std::chrono::duration<double>(parse_time(*delivered_at) - parse_time(p.closed_at))
                .count());
    }
    auto share = [](std::int64_t n, std::int64_t d) {
        return d ? nlohmann::json(static_cast<double>(n) / static_cast<double>(d))
                 : nlohmann::json(nullptr);
    };
    auto median = [](std::vector<double> v) {
        if (v.empty()) return nlohmann::json(nullptr);
        std::sort(v.begin(), v.end());
        const auto n = v.size();
        return nlohmann::json(n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
    };
    auto near = [](const nlohmann::json& a, const nlohmann::json& b) {
        if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
        return std::abs(a.get<double>() - b.get<double>()) <= 1e-9;
    };

    const auto report = get("/v1/reports/vendors?from=" + from + "&to=" + to, gw_->admin_headers());
    ASSERT_EQ(report["vendors"].size(), expected.size()) << report.dump(2);
    for (const auto& v : report["vendors"]) {
        const auto& e = expected.at(v["vendor"].get<std::string>());
        SCOPED_TRACE(v.dump(2));
        EXPECT_EQ(v["orders"], e.orders);
        EXPECT_EQ(v["attempts"], e.attempts);
        EXPECT_EQ(v["completed"], e.completed);
        EXPECT_EQ(v["partially_completed"], e.partial);
        EXPECT_EQ(v["not_collected"], e.missed);
        EXPECT_TRUE(near(v["completion_rate"], share(e.completed, e.attempts)));
        EXPECT_EQ(v["with_reason"], e.with_reason);
        ASSERT_EQ(v["reasons"].size(), e.reasons.size());
        for (const auto& r : v["reasons"]) {
            const auto code = r["reason"].get<std::string>();
            EXPECT_EQ(r["count"], e.reasons.at(code));
            EXPECT_TRUE(near(r["share"], share(e.reasons.at(code), e.with_reason)));
            EXPECT_EQ(r["attribution"], catalog_["reasons"][code]["attribution"]);
        }
        for (const char* a : {"resident", "vendor", "city", "external"}) {
            const auto it = e.attribution.find(a);
            const auto n = it == e.attribution.end() ? 0 : it->second;
            // null, like every share, when no outcome has a reason
            EXPECT_TRUE(near(v["attribution_shares"][a], share(n, e.with_reason))) << a;
        }
        EXPECT_EQ(v["with_expected_evidence"], e.evidence);
        EXPECT_TRUE(near(v["evidence_share"], share(e.evidence, e.with_reason)));
        EXPECT_EQ(v["completed_in_window"], e.completed_in_window);
        EXPECT_TRUE(near(v["service_level"], share(e.completed_in_window, e.orders)));
        EXPECT_EQ(v["delivered"], static_cast<std::int64_t>(e.lags.size()));
        EXPECT_TRUE(near(v["median_event_to_delivery_s"], median(e.lags)));
    }
    // The mix exercised what it should: every kind and both vendors.
    EXPECT_GT(expected["bay-hauling"].completed, 0);
    EXPECT_GT(expected["bay-hauling"].with_reason, 0);
    EXPECT_GT(expected["bay-hauling"].evidence, 0);
    EXPECT_LT(expected["bay-hauling"].evidence, expected["bay-hauling"].with_reason);
    EXPECT_EQ(expected["curbside-coop"].orders, 3);

    // One vendor, and the CRM token may read it too.
    const auto one = get("/v1/reports/vendors?from=" + from + "&to=" + to + "&vendor=bay-hauling",
                         gw_->crm_headers());
    ASSERT_EQ(one["vendors"].size(), 1u);
    EXPECT_EQ(one["vendors"][0]["attempts"], expected["bay-hauling"].attempts);

    // CSV: the same figures, RFC 4180 (CRLF, header row).
    auto csv = c.get("/v1/reports/reasons?from=" + from + "&to=" + to + "&format=csv",
                     gw_->admin_headers());
    ASSERT_EQ(csv.status, 200);
    EXPECT_EQ(csv.header("content-type").value_or("").rfind("text/csv", 0), 0u);
    std::vector<std::string> lines;
    for (std::size_t at = 0; at < csv.body.size();) {
        const auto end = csv.body.find("\r\n", at);
        ASSERT_NE(end, std::string::npos) << "every line ends with CRLF";
        lines.push_back(csv.body.substr(at, end - at));
        at = end + 2;
    }
    ASSERT_EQ(lines.size(), 1 + expected["bay-hauling"].reasons.size());
    EXPECT_EQ(lines[0], "vendor,reason,attribution,count,share");
    for (std::size_t i = 1; i < lines.size(); ++i) {
        std::vector<std::string> f;
        std::stringstream row(lines[i]);
        for (std::string cell; std::getline(row, cell, ',');) f.push_back(cell);
        ASSERT_EQ(f.size(), 5u) << lines[i];
        EXPECT_EQ(f[0], "bay-hauling");
        EXPECT_EQ(std::stoll(f[3]), expected["bay-hauling"].reasons.at(f[1]));
    }

    // Bad queries name the parameter; other tokens are refused.
    EXPECT_EQ(
        get("/v1/reports/vendors?from=2026-02-31&to=" + to, gw_->admin_headers(), 400)["pointer"],
        "from");
    EXPECT_EQ(get("/v1/reports/vendors?from=" + from + "&to=" + to + "&format=xml",
                  gw_->admin_headers(), 400)["pointer"],
              "format");
    get("/v1/reports/vendors?from=" + from + "&to=" + to,
        {{"Authorization", "Bearer " + gw_->secrets.bay}}, 401);

    // The CLI reads the same figures from the store file.
    {
        const std::string binary = std::string(FIELDGATE_BINARY_DIR) + "/gateway/fieldgate";
        std::string out;
        FILE* pipe =
            popen((binary + " report vendors --vendor bay-hauling --from " + from + " --to " + to +
                   " --format json --config " + gw_->config_path() + " 2>&1")
                      .c_str(),
                  "r");
        char buf[4096];
        while (pipe && fgets(buf, sizeof buf, pipe)) out += buf;
        if (pipe) pclose(pipe);
        const auto cli = nlohmann::json::parse(out, nullptr, false);
        ASSERT_TRUE(cli.is_object()) << out;
        EXPECT_EQ(cli["vendors"], one["vendors"]);
    }

    // Vendor health from the same store.
    const auto health = get("/v1/admin/vendors/bay-hauling/health?since=2000-01-01T00:00:00Z",
                            gw_->admin_headers());
    std::int64_t results = 0;
    for (const auto& p : posted)
        if (p.kind != "none" && p.sr.rfind("SR-R", 0) == 0) ++results;
    EXPECT_EQ(health["results"]["applied"], results);
    EXPECT_EQ(health["rejected"], 0);
    EXPECT_FALSE(health["last_seen_at"].is_null());
    EXPECT_EQ(health["crm_delivery"]["pending"], 0);
}

}  // namespace
}  // namespace fieldgate::test

namespace fieldgate::test {
namespace {

TEST(VendorHealth, CountsTheVendorsOpenOverdueOrders) {
    GatewayProcess gw(nlohmann::json{
        {"watchdog",
         {{"enabled", true}, {"interval_s", 1}, {"grace_s", 0}, {"lookback_days", 3}}}});
    // Two days ago (UTC): the window ended whatever the time of day.
    const auto day = date::year_month_day(
        std::chrono::floor<date::days>(std::chrono::system_clock::now()) - date::days(2));
    const auto date_text = date::format("%F", day);
    auto c = gw.client();
    for (int i = 0; i < 2; ++i)
        ASSERT_EQ(gw.create_order(c, work_order_body("SR-OD-" + std::to_string(i), "bay-hauling",
                                                     "R-OD", i + 1, date_text))
                      .status,
                  201);
    // One of them gets its result: it is no longer open.
    ASSERT_EQ(c.post("/v1/vendors/bay-hauling/results", bay_result("BH-OD-0", "SR-OD-0").dump(),
                     "application/json", {{"Authorization", "Bearer " + gw.secrets.bay}})
                  .status,
              200);
    auto overdue = [&] {
        auto r = c.get("/v1/admin/vendors/bay-hauling/health", gw.admin_headers());
        return nlohmann::json::parse(r.body)["overdue_orders"].get<int>();
    };
    ASSERT_TRUE(wait_until([&] { return overdue() == 1; }, 30s)) << gw.log_text();
    auto all = c.get("/v1/admin/vendors/health", gw.admin_headers());
    ASSERT_EQ(all.status, 200);
    const auto health = nlohmann::json::parse(all.body);  // the loop must not outlive it
    for (const auto& v : health["items"])
        EXPECT_EQ(v["overdue_orders"], v["vendor"] == "bay-hauling" ? 1 : 0) << v;
    EXPECT_EQ(c.get("/v1/admin/vendors/nobody/health", gw.admin_headers()).status, 404);
}

}  // namespace
}  // namespace fieldgate::test
