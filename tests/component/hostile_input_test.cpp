// A hostile network against the real gateway (findings 6 and 8): bodies nested past the parsers'
// depth limit (common/input_limits.h) and NUL bytes or NUL character references, which the
// parsers took for the end of the text. Each is refused as the vendor's malformed payload (400,
// the position named, kept in the quarantine for replay), nothing is stored as an outcome, and
// the gateway goes on serving. The gateway's own JSON routes refuse the same with a 400 problem.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <iostream>
#include <thread>

#include "read_pool.h"
#include "support/gateway_process.h"
#include "support/store_probe.h"
#include "support/vendor_calls.h"
#include "support/vendor_folders.h"

namespace fieldgate::test {
namespace {

using nlohmann::json;
using namespace std::string_literals;
using Clock = std::chrono::steady_clock;

constexpr const char* kValley = "valley-disposal";
constexpr const char* kCurbside = "curbside-coop";

std::string repeat(const std::string& s, std::size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
}

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Resident memory of a process, in kB (/proc/<pid>/status VmRSS).
long rss_kb(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string key;
    long kb = -1;
    while (in >> key) {
        if (key == "VmRSS:") {
            in >> kb;
            break;
        }
        in.ignore(1 << 12, '\n');
    }
    return kb;
}

class HostileInput : public ::testing::Test {
  protected:
    HostileInput() : gw_(json{{"poll", {{"enabled", false}}}}) {}

    void create(const std::string& sr, const std::string& vendor) {
        auto c = gw_.client();
        const auto r = gw_.create_order(c, work_order_body(sr, vendor));
        ASSERT_EQ(r.status, 201) << r.body;
    }
    sim::ClientResponse post(const std::string& vendor, const VendorPost& p) {
        auto c = gw_.client();
        return post_vendor_result(c, vendor, p);
    }
    std::int64_t scalar(const std::string& sql, const std::string& arg = "") {
        return StoreProbe(gw_).integer(
            sql, arg.empty() ? std::vector<std::string>{} : std::vector<std::string>{arg});
    }
    std::string status_of(const std::string& sr) {
        auto c = gw_.client();
        const auto r = c.get("/v1/work-orders?crm_case_id=" + sr, gw_.crm_headers());
        const auto items = json::parse(r.body).at("items");
        return items.empty() ? "" : items[0].value("status", "");
    }
    // Refused as malformed (400) naming `says`, kept in the quarantine for replay with that
    // detail, and no outcome stored for `sr`.
    void expect_refused(const sim::ClientResponse& r, const std::string& vendor,
                        const std::string& sr, const std::string& says,
                        std::optional<std::string> answer_says = std::nullopt) {
        EXPECT_EQ(answered_status(r), 400) << r.body;
        EXPECT_NE(r.body.find(answer_says.value_or(says)), std::string::npos) << r.body;
        EXPECT_NE(r.body.find("malformed"), std::string::npos) << r.body;
        EXPECT_EQ(scalar("SELECT COUNT(*) FROM quarantine WHERE vendor = '" + vendor +
                             "' AND http_status = 400 AND instr(problem, ?) > 0",
                         says),
                  1)
            << says;
        EXPECT_EQ(scalar("SELECT COUNT(*) FROM outcomes o JOIN work_orders w ON "
                         "w.id = o.work_order_id WHERE w.crm_case_id = ?",
                         sr),
                  0);
        EXPECT_EQ(status_of(sr), "dispatched");
    }

    GatewayProcess gw_;
};

TEST_F(HostileInput, FourMillionBracketsFromBayAreRefusedAtOnceWithoutTheMemoryToParseThem) {
    create("SR-HI-1", kBay);
    ASSERT_EQ(post(kBay, vendor_result(kBay, gw_.secrets, "BH-HI-0", "SR-HI-1")).status, 200);
    create("SR-HI-2", kBay);
    const long before = rss_kb(gw_.pid());
    const std::string body = "{\"results\":" + std::string(4'000'000, '[');
    const auto start = Clock::now();
    const auto r =
        post(kBay, {"application/json", body, {{"Authorization", "Bearer " + gw_.secrets.bay}}});
    const double took = ms_since(start);
    const long after = rss_kb(gw_.pid());
    std::cout << "[ hostile ] 4,000,000 '[' from Bay: " << r.status << " in " << took
              << " ms, gateway VmRSS " << before / 1024 << " -> " << after / 1024 << " MB\n";
    ASSERT_GT(before, 0);
    // A memory bound, not a timing one: parsing it took 340 MB; the body itself is 4 MB.
    EXPECT_LT(after - before, 64 * 1024) << "VmRSS grew by " << (after - before) / 1024 << " MB";
    EXPECT_EQ(r.status, 400) << r.body.substr(0, 400);
    const auto problem = json::parse(r.body, nullptr, false);
    EXPECT_EQ(problem.value("type", ""), "https://fieldgate.example/problems/malformed");
    const std::string says =
        "(line 1, column 75, byte 74): it nests arrays and objects deeper than the limit of 64 "
        "levels";
    EXPECT_NE(problem.value("detail", "").find(says), std::string::npos) << r.body;
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM quarantine WHERE vendor = 'bay-hauling' AND "
                     "http_status = 400 AND instr(problem, ?) > 0",
                     says),
              1);
    // Still serving, the next result of the same vendor taken as ever.
    auto c = gw_.client();
    EXPECT_EQ(c.get("/healthz").status, 200);
    EXPECT_EQ(post(kBay, vendor_result(kBay, gw_.secrets, "BH-HI-2", "SR-HI-2")).status, 200);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outcomes WHERE vendor = 'bay-hauling'"), 2);
}

TEST_F(HostileInput, BayJsonFollowedByANulOrTextIsRefusedNotCutShort) {
    create("SR-HI-NUL", kBay);
    const std::string doc = bay_result("BH-HI-NUL", "SR-HI-NUL").dump();
    const sim::HeaderList auth = {{"Authorization", "Bearer " + gw_.secrets.bay}};
    const auto nul = post(kBay, {"application/json", doc + "\0{\"more\": true}"s, auth});
    expect_refused(nul, kBay, "SR-HI-NUL",
                   "byte " + std::to_string(doc.size()) + "): it holds a NUL byte");
    const auto text = post(kBay, {"application/json", doc + " trailing", auth});
    EXPECT_EQ(text.status, 400) << text.body;
    EXPECT_NE(text.body.find("expected end of input"), std::string::npos) << text.body;
    EXPECT_EQ(status_of("SR-HI-NUL"), "dispatched");
}

TEST_F(HostileInput, ValleyXmlNestedPastTheLimitIsRefusedNamingWhere) {
    create("SR-HI-VD", kValley);
    auto p = vendor_result(kValley, gw_.secrets, "g-hi-deep", "SR-HI-VD");
    const auto notes = p.body.find("<ens:Notes>") + 11;
    p.body.insert(notes, repeat("<x>", 100) + repeat("</x>", 100));
    // Envelope, Body, NotifyEventUpdated, event, Notes: the 60th <x> opens level 65.
    const auto start = Clock::now();
    const auto r = post(kValley, p);
    std::cout << "[ hostile ] Valley XML 105 levels deep: refused in " << ms_since(start)
              << " ms\n";
    expect_refused(r, kValley, "SR-HI-VD",
                   "byte " + std::to_string(notes + 59 * 3) +
                       "): it nests elements deeper than the limit of 64 levels");
    EXPECT_NE(r.body.find("<soap:Fault>"), std::string::npos) << r.body;
}

TEST_F(HostileInput, ValleyNulCharacterReferencesAreRefusedNotEmptyingTheNote) {
    int n = 0;
    for (const std::string ref : {"&#0;", "&#x0;", "&#00;"}) {
        const std::string sr = "SR-HI-V" + std::to_string(++n);
        create(sr, kValley);
        auto p = vendor_result(kValley, gw_.secrets, "g-hi-ref-" + std::to_string(n), sr);
        const auto at = p.body.find("Car parked");
        ASSERT_NE(at, std::string::npos);
        p.body.insert(at, ref);
        // The Fault's text escapes the '&'.
        const std::string says = "byte " + std::to_string(at) + "): the character reference '";
        expect_refused(post(kValley, p), kValley, sr, says + ref + "' stands for U+0000",
                       says + "&amp;" + ref.substr(1) + "' stands for U+0000");
    }
}

TEST_F(HostileInput, CurbsideCsvFieldWithANulIsRefusedNamingRowAndColumn) {
    create("SR-HI-C", kCurbside);
    auto p = vendor_result(kCurbside, gw_.secrets, "R-HI-C", "SR-HI-C");
    // reason_text, the 7th column, empty in the shipped row: "a\0b" (stored as "a" before).
    const auto field = p.body.find("NOT OUT,,") + 8;
    p.body.insert(field, "a\0b"s);
    const auto line2 = p.body.find('\n') + 1;
    const auto nul = field + 1;
    expect_refused(post(kCurbside, p), kCurbside, "SR-HI-C",
                   "line 2, column " + std::to_string(nul - line2 + 1) +
                       ": field 7 holds a NUL byte (byte " + std::to_string(nul) + " of the body)");
}

TEST_F(HostileInput, TheGatewaysOwnJsonRoutesRefuseDeepJsonAndNulWithA400) {
    auto c = gw_.client();
    const std::string deep = repeat("[", 1000);
    auto expect_400 = [](const sim::ClientResponse& r, const std::string& what) {
        EXPECT_EQ(r.status, 400) << what << ": " << r.body;
        const auto problem = json::parse(r.body, nullptr, false);
        EXPECT_EQ(problem.value("detail", ""),
                  "the body is refused before parsing, at byte 64: it nests arrays and objects "
                  "deeper than the limit of 64 levels (level 65 opens here)")
            << what;
    };
    expect_400(c.post("/v1/work-orders", deep, "application/json", gw_.crm_headers()),
               "CRM work order");
    create("SR-HI-CRM", kBay);
    auto orders = c.get("/v1/work-orders?crm_case_id=SR-HI-CRM", gw_.crm_headers());
    const auto id = json::parse(orders.body).at("items").at(0).value("id", "");
    expect_400(
        c.post("/v1/work-orders/" + id + "/cancel", deep, "application/json", gw_.crm_headers()),
        "CRM cancel");
    expect_400(c.post("/v1/sync/enroll", deep, "application/json"), "crew enrollment");
    expect_400(c.post("/v1/admin/devices", deep, "application/json", gw_.admin_headers()),
               "device registration");
    expect_400(c.post("/v1/admin/quarantine/replay", deep, "application/json", gw_.admin_headers()),
               "quarantine replay");
    const auto nul =
        c.post("/v1/work-orders", work_order_body("SR-HI-CRM-2", kBay).dump() + "\0tail"s,
               "application/json", gw_.crm_headers());
    EXPECT_EQ(nul.status, 400) << nul.body;
    EXPECT_NE(nul.body.find("it holds a NUL byte"), std::string::npos) << nul.body;
    EXPECT_EQ(status_of("SR-HI-CRM-2"), "");
    EXPECT_EQ(status_of("SR-HI-CRM"), "dispatched");
}

// The longest a single legitimate-size request holds the (one) I/O thread: while it is sent and
// answered, another client asks /healthz every 2 ms; the slowest answer bounds the hold. Prints
// figures, asserts no timing.
struct Hold {
    double request_ms = 0;
    double worst_probe_ms = 0;
    int probes = 0;
    int status = 0;
};

Hold measure_hold(GatewayProcess& gw, const std::string& body) {
    Hold h;
    std::atomic<bool> done{false};
    std::thread probe([&] {
        auto c = gw.client();
        while (!done) {
            const auto start = Clock::now();
            try {
                c.get("/healthz", {}, std::chrono::milliseconds(120000));
            } catch (const std::exception&) {  // counted as the time it waited
                c.close();
            }
            h.worst_probe_ms = std::max(h.worst_probe_ms, ms_since(start));
            ++h.probes;
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    });
    auto c = gw.client();
    const auto start = Clock::now();
    h.status =
        c.post("/v1/vendors/bay-hauling/results", body, "application/json",
               {{"Authorization", "Bearer " + gw.secrets.bay}}, std::chrono::milliseconds(120000))
            .status;
    h.request_ms = ms_since(start);
    done = true;
    probe.join();
    return h;
}

std::string bay_batch(std::size_t max_bytes, const std::function<json(int)>& result) {
    std::string body = "{\"route\":\"R-0412\",\"route_date\":\"02/03/2026\",\"results\":[";
    for (int i = 0;; ++i) {
        const auto next = result(i).dump();
        if (body.size() + next.size() + 3 > max_bytes) break;
        body += (i ? "," : "") + next;
    }
    return body + "]}";
}

TEST_F(HostileInput, FiguresTheLongestALegitimateSizeBodyHoldsTheIoThread) {
    constexpr std::size_t kLimit = 4 * 1024 * 1024 - 64;  // Bay's max_body_bytes is 4 MiB
    int results = 0;
    const auto many = bay_batch(kLimit, [&](int i) {
        ++results;
        return bay_result("BH-F-" + std::to_string(i), "SR-F-" + std::to_string(i));
    });
    // One result whose extra field holds 62-deep arrays, over and over: every level allowed.
    std::string nests;
    const std::string nest = repeat("[", 62) + repeat("]", 62);
    while (nests.size() + nest.size() + 600 < kLimit) nests += (nests.empty() ? "" : ",") + nest;
    auto deep = bay_result("BH-F-DEEP", "SR-F-DEEP").dump();
    deep.insert(1, "\"extra\":[" + nests + "],");
    // Two million tiny results (each refused: not an object).
    std::string zeros = "{\"results\":[0";
    while (zeros.size() + 4 < kLimit / 256) zeros += ",0";
    zeros += "]}";
    for (const auto& [what, body] :
         {std::pair<std::string, std::string>{std::to_string(results) + " valid results", many},
          {"one result with 62-deep arrays", deep},
          {"8,000 results of 0", zeros}}) {
        const auto h = measure_hold(gw_, body);
        std::cout << "[ figures ] Bay " << body.size() << " bytes, " << what << ": answered "
                  << h.status << " in " << h.request_ms << " ms; /healthz worst "
                  << h.worst_probe_ms << " ms over " << h.probes << " probes\n";
        EXPECT_LT(h.status, 500);
    }
}

}  // namespace
}  // namespace fieldgate::test
