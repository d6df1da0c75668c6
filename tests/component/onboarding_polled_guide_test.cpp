// "Tried as a new user would", for a polled vendor: the Lakeside Haulers walk-through of
// docs/onboarding.md ("A vendor whose API we poll") performed exactly as written against a
// running gateway, the Jobs API simulator (--api lakeside: epoch-millisecond times, integer
// codes, a "lat,lon" string, a page of one job as an object, two auth headers, one request per
// 5 s) and the CRM simulator. The folder goes live with no code, no proxy and no restart, and
// every outcome reaches the CRM with its event time and GPS.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/command_runner.h"
#include "support/crm_delivery_rig.h"
#include "support/onboarding_guide.h"
#include "support/poll_vendor_sim_process.h"
#include "support/vendor_folders.h"
#include "support/wait.h"

namespace fieldgate::test {
namespace {

namespace fs = std::filesystem;

// What the guide's secrets step writes is what Lakeside's test system was issued.
PollVendorSimOptions lakeside_test_system() {
    PollVendorSimOptions o;
    o.api = "lakeside";
    o.headers = {{"X-Client-Id", "city-of-san-jose"}, {"X-Client-Secret", "lk-test-secret-7f3a"}};
    o.min_interval_ms = 5000;
    return o;
}

class PolledGuide : public ::testing::Test {
  protected:
    // Lakeside closes these cases: {case, result, reason code}.
    void lakeside_closes(const std::string& sr, const std::string& result, int code) {
        auto c = sim_.client();
        nlohmann::json body = {{"crm_case_ids", {sr}}, {"result", result}};
        if (code > 0) body["missed_code"] = code;
        const auto r = c.post("/control/orders", body.dump());
        ASSERT_EQ(r.status, 200) << r.body;
    }
    // The CRM's outcome event of a case, or null while none arrived.
    nlohmann::json crm_outcome(const std::string& sr) {
        for (const auto& e : rig_.events())
            if (e.value("subject", "") == sr && e["body"]["data"].contains("outcome") &&
                e["body"]["data"]["outcome"].is_object())
                return e["body"]["data"]["outcome"];
        return nullptr;
    }
    void run_guide();

    VendorFolders folders_;
    PollVendorSimProcess sim_{lakeside_test_system()};
    CrmDeliveryRig rig_{{{"vendor_schemas", folders_.root().string()}}};
    std::string check_output_;
};

void PolledGuide::run_guide() {
    const auto steps = read_guide(source_path("docs/onboarding.md"), "polled");
    ASSERT_GE(steps.size(), 8u);
    const fs::path home = rig_.gw().dir().path();
    fs::create_directory_symlink(folders_.root(), home / "vendor_schemas");
    const std::string gateway = "http://127.0.0.1:" + std::to_string(rig_.gw().port());
    const std::string bin_dir = fs::path(fieldgate_binary()).parent_path().string();
    // Only the addresses are the test's own: the gateway's and the Jobs API's.
    auto ours = [&](const std::string& text) {
        return replace_all(replace_all(text, "http://127.0.0.1:8080", gateway),
                           "http://127.0.0.1:8092", sim_.origin());
    };
    for (const auto& step : steps) {
        if (step.kind == GuideStep::kFile) {
            const auto target = home / step.path;
            fs::create_directories(target.parent_path());
            std::ofstream(target, std::ios::binary) << ours(step.content);
            continue;
        }
        std::istringstream commands(step.content);
        for (std::string line; std::getline(commands, line);) {
            if (line.empty()) continue;
            const auto r = run_command("cd " + shell_quote(home.string()) +
                                       " && PATH=" + shell_quote(bin_dir) +
                                       ":$PATH bash -euo pipefail -c " + shell_quote(ours(line)));
            ASSERT_EQ(r.exit_code, 0) << "guide command failed: " << line << "\n" << r.output;
            if (line.find("vendor check") != std::string::npos) check_output_ = r.output;
        }
    }
}

TEST_F(PolledGuide, LakesideGoesLiveWithAFolderAndEveryOutcomeReachesTheCrmWithTimeAndGps) {
    run_guide();
    if (HasFatalFailure()) return;
    EXPECT_NE(check_output_.find("ready: the folder can go live"), std::string::npos)
        << check_output_;
    EXPECT_NE(check_output_.find("2 of 2 samples as expected"), std::string::npos) << check_output_;
    EXPECT_NE(check_output_.find("lakeside-haulers/client-id"), std::string::npos) << check_output_;
    EXPECT_EQ(check_output_.find("lakeside-haulers/push-key"), std::string::npos)
        << "asked for a push key the vendor never sends with:\n"
        << check_output_;

    // Lakeside closes one job: the next page carries that job as an object, not a list.
    lakeside_closes("SR-2026-600001", "missed", 11);
    ASSERT_TRUE(wait_until([&] { return !crm_outcome("SR-2026-600001").is_null(); },
                           std::chrono::seconds(40)))
        << rig_.gw().log_text();
    // Then two more: a page of a list (the first job again, from the overlapping window).
    lakeside_closes("SR-2026-600002", "done", 0);
    lakeside_closes("SR-2026-600003", "cancelled", 13);
    ASSERT_TRUE(wait_until(
        [&] {
            return !crm_outcome("SR-2026-600002").is_null() &&
                   !crm_outcome("SR-2026-600003").is_null();
        },
        std::chrono::seconds(40)))
        << rig_.gw().log_text();

    for (const auto* sr : {"SR-2026-600001", "SR-2026-600002", "SR-2026-600003"}) {
        const auto outcome = crm_outcome(sr);
        SCOPED_TRACE(sr + std::string(": ") + outcome.dump());
        // Epoch milliseconds became UTC with the millisecond part the vendor sent.
        ASSERT_TRUE(outcome["occurred_at"].is_string());
        EXPECT_NE(outcome["occurred_at"].get<std::string>().find(".250Z"), std::string::npos);
        // One "lat,lon" string became the position.
        EXPECT_DOUBLE_EQ(outcome["gps"]["lat"].get<double>(), 37.33452);
        EXPECT_DOUBLE_EQ(outcome["gps"]["lon"].get<double>(), -121.88861);
    }
    const auto missed = crm_outcome("SR-2026-600001");
    EXPECT_EQ(missed["code"], "NOT_COLLECTED");
    EXPECT_EQ(missed["reason"], "NOT_SET_OUT");  // the integer 11 found its entry
    EXPECT_EQ(missed["photos"].size(), 1u);      // media[].href
    EXPECT_EQ(crm_outcome("SR-2026-600002")["code"], "COMPLETED");
    EXPECT_EQ(crm_outcome("SR-2026-600003")["reason"], "CUSTOMER_CANCELLED");

    // Never more than one request per interval: the test system refused none as too early.
    const auto stats = sim_.stats();
    EXPECT_EQ(stats["too_early"], 0) << stats.dump();
    EXPECT_GE(stats["list_requests"].get<int>(), 2);
    EXPECT_EQ(rig_.report()["duplicates"], 0);
    EXPECT_TRUE(rig_.gw().running());  // the same process throughout: no restart
}

}  // namespace
}  // namespace fieldgate::test
