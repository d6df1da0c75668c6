// vendor-flood: Bay Hauling floods far above its rate limit (the load engine, 64 connections,
// closed loop, with a limit of 100/s in this test's copy of its mapping.json) while Valley
// Disposal posts at its normal pace under its own limit. Bay gets 429 with Retry-After for
// what is over its limit and nothing of those is stored; Valley is served, every result
// stored; every 2xx of either vendor is stored exactly once and delivered; the gateway stays up.
#include <gtest/gtest.h>

#include <thread>

#include "fault/env_support.h"
#include "fault/kill9_vendor_load.h"
#include "support/vendor_folders.h"
#include "support/vendor_payloads.h"

namespace fieldgate::test {
namespace {

constexpr std::size_t kBayOrders = 5000;
constexpr std::size_t kValleyOrders = 300;
constexpr double kBayLimit = 100;  // requests per second, and the burst
constexpr auto kFlood = 12s;

bench::PreparedRequest valley_order_request(const std::string& prefix, std::size_t i,
                                            const std::string& crm_token) {
    bench::PreparedRequest r;
    r.method = "POST";
    r.target = "/v1/work-orders";
    r.headers = {{"Authorization", "Bearer " + crm_token}, {"Content-Type", "application/json"}};
    r.body = work_order_body(bench::case_id(prefix, i), "valley-disposal", "R-V" + prefix,
                             static_cast<int>(i))
                 .dump();
    r.tag = bench::case_id(prefix, i);
    return r;
}

std::string valley_guid(const std::string& prefix, std::size_t i) {
    return "VG-" + prefix + "-" + bench::sequence(i);
}

bench::PreparedRequest valley_result_request(const std::string& prefix, std::size_t i,
                                             const std::string& password) {
    bench::PreparedRequest r;
    r.method = "POST";
    r.target = "/v1/vendors/valley-disposal/results";
    r.headers = {{"Content-Type", "text/xml; charset=utf-8"},
                 {"SOAPAction", "\"http://valleydisposal.example/ens/NotifyEventUpdated\""}};
    r.body = valley_event(valley_guid(prefix, i), bench::case_id(prefix, i), 7670, 0, "city-of-sj",
                          password);
    r.tag = valley_guid(prefix, i);
    return r;
}

bench::LoadResult run(std::uint16_t port, std::size_t connections, double rate,
                      std::chrono::milliseconds duration, const bench::RequestGenerator& next) {
    auto options = vendor_load_options(port, duration);
    options.connections = connections;
    options.rate = rate;
    return bench::run_load(options, next);
}

TEST(FaultVendorFlood, TheFlooderIsThrottledAndTheOtherVendorIsServedWithNothingLost) {
    VendorFolders folders;
    auto bay = folders.mapping("bay-hauling");
    bay["transport"]["rate_limit"] = {{"requests_per_second", kBayLimit},
                                      {"burst", static_cast<int>(kBayLimit)}};
    folders.write_mapping("bay-hauling", bay);
    FaultRigOptions options;
    options.config = {{"vendor_schemas", folders.root().string()}};
    FaultRig rig(options);
    const auto port = rig.port();
    const std::string bay_prefix = "VF" + std::to_string(::getpid());
    const std::string valley_prefix = "VV" + std::to_string(::getpid());

    using Next = std::optional<bench::PreparedRequest>;
    ASSERT_EQ(create_bay_orders(port, bay_prefix, kBayOrders, rig.gw().secrets.crm), kBayOrders);
    const auto valley_orders = run(port, 4, 0, 60s, [&](std::size_t i) -> Next {
        if (i >= kValleyOrders) return std::nullopt;
        return valley_order_request(valley_prefix, i, rig.gw().secrets.crm);
    });
    ASSERT_EQ(valley_orders.summary.ok, kValleyOrders) << format_summary(valley_orders.summary);

    // Valley at its normal pace for the whole flood; Bay as fast as 64 connections go, round
    // and round its results (a result taken before is answered duplicate, and stored once).
    bench::LoadResult valley;
    std::thread valley_vendor([&] {
        valley = run(port, 4, static_cast<double>(kValleyOrders) / 10.0, kFlood + 30s,
                     [&](std::size_t i) -> Next {
                         if (i >= kValleyOrders) return std::nullopt;
                         return valley_result_request(valley_prefix, i, rig.gw().secrets.valley);
                     });
    });
    // The flood stops by itself (not at the engine's deadline), so every request is answered.
    const auto flood_end = std::chrono::steady_clock::now() + kFlood;
    const auto flood = run(port, 64, 0, kFlood + 30s, [&](std::size_t i) -> Next {
        if (std::chrono::steady_clock::now() >= flood_end) return std::nullopt;
        return bench::bay_result_request(bay_prefix, i % kBayOrders, rig.gw().secrets.bay);
    });
    valley_vendor.join();

    // While it floods, Bay is told when to come back.
    auto c = rig.gw().client();
    const auto over = [&] {
        sim::ClientResponse r;
        for (int i = 0; i < 1000 && r.status != 429; ++i) {
            const auto req = bench::bay_result_request(bay_prefix, 0, rig.gw().secrets.bay);
            r = c.post(req.target, req.body, "application/json",
                       {{"Authorization", "Bearer " + rig.gw().secrets.bay}});
        }
        return r;
    }();
    EXPECT_EQ(over.status, 429) << over.body;
    EXPECT_TRUE(over.header("retry-after").has_value());
    EXPECT_EQ(over.header("content-type").value_or(""), "application/problem+json");
    EXPECT_EQ(c.get("/healthz").status, 200);
    EXPECT_TRUE(rig.gw().running());

    std::set<std::string> bay_acknowledged, valley_acknowledged, bay_throttled;
    std::size_t throttled = 0;
    for (const auto& r : flood.records) {
        EXPECT_TRUE(r.status == 200 || r.status == 429) << r.tag << " answered " << r.status;
        if (r.status == 200) bay_acknowledged.insert(r.tag);
        if (r.status == 429) {
            ++throttled;
            bay_throttled.insert(r.tag);
        }
    }
    for (const auto& r : valley.records) {
        EXPECT_EQ(r.status, 200) << "Valley's " << r.tag << " answered " << r.status;
        if (r.status == 200) valley_acknowledged.insert(r.tag);
    }
    EXPECT_EQ(valley_acknowledged.size(), kValleyOrders);
    EXPECT_GT(throttled, 10 * bay_acknowledged.size()) << format_summary(flood.summary);

    ASSERT_TRUE(rig.wait_for_delivery()) << rig.crm_report();
    const auto bay_stored = rig.stored_items("BH-" + bay_prefix + "-%");
    const auto valley_stored = rig.stored_items("VG-" + valley_prefix + "-%");
    // A 429 stores nothing: the vendor still holds the result and sends it again.
    std::size_t stored_when_throttled = 0;
    for (const auto& ref : bay_throttled)
        if (!bay_acknowledged.count(ref) && bay_stored.count(ref)) ++stored_when_throttled;
    EXPECT_EQ(stored_when_throttled, 0u);
    EXPECT_EQ(bay_stored.size(), bay_acknowledged.size());
    EXPECT_EQ(valley_stored.size(), valley_acknowledged.size());

    const auto crm = rig.crm_received();
    FaultAccount account{"vendor-flood"};
    account.cycles = 1;
    account_all(account, bay_acknowledged, bay_stored, crm);
    account_all(account, valley_acknowledged, valley_stored, crm);
    account.print();
    std::printf(
        "vendor-flood: Bay %zu requests in %.1f s (%zu results taken, %zu answers 429), Valley "
        "%zu of %zu taken\n",
        flood.summary.count, flood.summary.duration_s, bay_acknowledged.size(), throttled,
        valley_acknowledged.size(), kValleyOrders);
    EXPECT_GT(account.acknowledged, 0u);
    expect_nothing_lost_or_duplicated(account);
}

}  // namespace
}  // namespace fieldgate::test
