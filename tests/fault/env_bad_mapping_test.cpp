// bad-mapping-at-start: the gateway is restarted while Bay Hauling keeps posting, and Valley
// Disposal's folder is broken at that moment: mapping.json is not JSON, then valid JSON that
// the meta-schema refuses, then missing. The gateway refuses to start (exit 1) naming the file
// and the JSON pointer, and never opens the store: the store files are byte for byte what they
// were. Started with the folder fixed, it has everything acknowledged before, takes the rest,
// and the CRM gets every outcome once.
//
// Why refuse rather than serve the other vendors (docs/architecture.md, "A broken vendor folder
// at start"): a gateway that is down is retried by every vendor and the CRM, while one serving
// without Valley would answer Valley 4xx, which vendors take as final; and a start that works
// with a folder missing hides the mistake until results are already gone.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "fault/env_support.h"
#include "fault/kill9_vendor_load.h"
#include "support/command_runner.h"
#include "support/vendor_folders.h"

namespace fieldgate::test {
namespace {

constexpr std::size_t kBadMappingResults = 2000;

std::map<std::string, std::string> store_files(const std::filesystem::path& dir) {
    std::map<std::string, std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        const auto name = e.path().filename().string();
        if (name.rfind("fieldgate.db", 0) != 0) continue;
        std::ifstream in(e.path(), std::ios::binary);
        std::stringstream bytes;
        bytes << in.rdbuf();
        out[name] = bytes.str();
    }
    return out;
}

struct Breakage {
    std::string name;
    std::function<void(const VendorFolders&)> apply;
    std::string expected;  // in the refusal, after the file name
};

TEST(FaultBadMappingAtStart, TheGatewayRefusesToStartNamingFileAndPointerAndKeepsTheStore) {
    VendorFolders folders;
    FaultRigOptions options;
    options.config = {{"vendor_schemas", folders.root().string()}};
    FaultRig rig(options);  // on a fixed port: the vendor's connections find it again
    const std::string prefix = "BM" + std::to_string(::getpid());
    ASSERT_EQ(create_bay_orders(rig.port(), prefix, kBadMappingResults, rig.gw().secrets.crm),
              kBadMappingResults);

    const auto valley = folders.mapping_path("valley-disposal").string();
    const std::string good_mapping = [&] {
        std::ifstream in(valley);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }();
    const std::vector<Breakage> breakages = {
        {"not JSON",
         [&](const VendorFolders& f) {
             f.write_mapping("valley-disposal", good_mapping.substr(0, good_mapping.size() / 2));
         },
         "#: not valid JSON"},
        {"refused by the meta-schema",
         [&](const VendorFolders& f) {
             auto doc = nlohmann::json::parse(good_mapping);
             doc["auth"]["scheme"] = "carrier-pigeon";
             f.write_mapping("valley-disposal", doc);
         },
         "#/auth/scheme"},
        {"missing", [&](const VendorFolders&) { std::filesystem::remove(valley); },
         "#: cannot be read; every vendor folder needs a mapping.json"},
    };

    // Bay Hauling posts at a steady rate through the restarts.
    bench::LoadResult steady;
    std::thread vendor([&] {
        auto o = vendor_load_options(rig.port(), 40s);
        o.connections = 8;
        o.rate = 200;
        steady = bench::run_load(o, [&](std::size_t i) -> std::optional<bench::PreparedRequest> {
            if (i >= kBadMappingResults) return std::nullopt;
            return bench::bay_result_request(prefix, i, rig.gw().secrets.bay);
        });
    });
    std::this_thread::sleep_for(3s);
    const auto stopped_at = std::chrono::steady_clock::now();
    EXPECT_EQ(rig.gw().stop(), 0);
    const auto before = store_files(rig.gw().dir().path());
    EXPECT_TRUE(before.count("fieldgate.db"));

    for (const auto& b : breakages) {
        b.apply(folders);
        const auto run = run_command("timeout 30 " + fieldgate_binary() + " serve --config " +
                                     shell_quote(rig.gw().config_path()));
        EXPECT_EQ(run.exit_code, 1) << b.name << ":\n" << run.output;
        EXPECT_NE(run.output.find(valley + b.expected), std::string::npos)
            << b.name << ": the refusal does not name " << valley << b.expected << ":\n"
            << run.output;
        EXPECT_TRUE(store_files(rig.gw().dir().path()) == before)
            << b.name << ": the store files changed";
        const auto at = run.output.find(valley);
        if (at != std::string::npos)
            std::printf("bad-mapping-at-start, %s: exit %d, %s\n", b.name.c_str(), run.exit_code,
                        run.output.substr(at, run.output.find('\n', at) - at).c_str());
        folders.write_mapping("valley-disposal", good_mapping);
    }
    rig.gw().start();
    EXPECT_TRUE(rig.wait_ready());
    vendor.join();
    VendorAcks acks;
    acks.add(steady);
    EXPECT_TRUE(acks.unexpected.empty()) << acks.unexpected.front();
    std::size_t acknowledged_before_stop = 0;
    for (const auto& r : steady.records)
        if (r.status == 200 && r.completed < stopped_at) ++acknowledged_before_stop;
    // What got no answer while the gateway was down is sent again.
    acks.add(
        post_unacknowledged(rig.port(), prefix, kBadMappingResults, rig.gw().secrets.bay, acks));
    EXPECT_EQ(acks.tickets.size(), kBadMappingResults);

    // Valley Disposal is served again: its folder is what it was.
    auto c = rig.gw().client();
    const auto ready = c.get("/readyz");
    EXPECT_EQ(nlohmann::json::parse(ready.body)["vendors"], 4) << ready.body;

    ASSERT_TRUE(rig.wait_for_delivery()) << rig.crm_report();
    FaultAccount account{"bad-mapping-at-start"};
    account.cycles = breakages.size();
    const auto stored = rig.stored_items("BH-" + prefix + "-%");
    account_all(account, acks.tickets, stored, rig.crm_received());
    EXPECT_EQ(stored.size(), acks.tickets.size());
    account.print();
    std::printf("bad-mapping-at-start: %zu results acknowledged before the stop\n",
                acknowledged_before_stop);
    EXPECT_GT(acknowledged_before_stop, 0u);
    EXPECT_EQ(account.acknowledged, kBadMappingResults);
    expect_nothing_lost_or_duplicated(account);
}

}  // namespace
}  // namespace fieldgate::test
