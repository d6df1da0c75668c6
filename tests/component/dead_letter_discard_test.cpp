// A dead letter given up by staff, through the API and the CLI: it needs a reason, is kept with
// it, leaves the dead-letter list and is never replayed.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "support/command_runner.h"
#include "support/crm_sim_process.h"
#include "support/gateway_process.h"
#include "support/wait.h"

namespace fieldgate::test {
namespace {

using namespace std::chrono_literals;

TEST(DeadLetterDiscard, NeedsAReasonKeepsTheRowAndTakesItOutOfReplay) {
    CrmSimProcess crm;
    {
        auto control = crm.control_client();
        ASSERT_LT(
            control
                .post("/_control",
                      nlohmann::json{{"reject_ids", {"evt_1", "evt_2", "evt_3", "evt_4"}}}.dump())
                .status,
            300);
    }
    Secrets secrets;
    secrets.crm_webhook = whsec(crm.key());
    GatewayProcess gw(
        nlohmann::json{
            {"crm", {{"endpoint", "http://127.0.0.1:" + std::to_string(crm.port()) + "/events"}}},
            {"delivery", {{"poll_interval_ms", 200}, {"max_pause_s", 1}}},
            {"watchdog", {{"enabled", false}}}},
        secrets);
    auto c = gw.client();
    ASSERT_EQ(gw.create_order(c, work_order_body("SR-DLD-1", "bay-hauling")).status, 201);
    ASSERT_EQ(gw.create_order(c, work_order_body("SR-DLD-2", "bay-hauling", "R-0412", 2)).status,
              201);
    auto dead = [&] {
        auto r = c.get("/v1/admin/dead-letters", gw.admin_headers());
        return nlohmann::json::parse(r.body)["items"];
    };
    ASSERT_TRUE(wait_until([&] { return dead().size() >= 2; }, 30s)) << gw.log_text();
    const auto letters = dead();
    const auto first = std::to_string(letters[0]["id"].get<int>());
    const auto second = std::to_string(letters[1]["id"].get<int>());

    // Through the API: a reason is required.
    auto no_reason = c.post("/v1/admin/dead-letters/" + first + "/discard", "{}",
                            "application/json", gw.admin_headers());
    EXPECT_EQ(no_reason.status, 422);
    EXPECT_EQ(nlohmann::json::parse(no_reason.body)["pointer"], "/reason");
    auto done = c.post("/v1/admin/dead-letters/" + first + "/discard",
                       nlohmann::json{{"reason", "duplicate of a case closed by phone"}}.dump(),
                       "application/json", gw.admin_headers());
    ASSERT_EQ(done.status, 200) << done.body;
    EXPECT_EQ(c.post("/v1/admin/dead-letters/" + first + "/discard", R"({"reason":"again"})",
                     "application/json", gw.admin_headers())
                  .status,
              409);

    // Through the CLI, on the store file.
    const auto cli = run_cli("dead-letters discard --id " + second +
                             " --reason 'test order' --config " + gw.config_path());
    EXPECT_NE(cli.find("discarded dead letter " + second), std::string::npos) << cli;
    EXPECT_NE(run_cli("dead-letters discard --id " + second + " --config " + gw.config_path())
                  .find("reason"),
              std::string::npos);

    for (const auto& d : dead()) {
        EXPECT_NE(std::to_string(d["id"].get<int>()), first);
        EXPECT_NE(std::to_string(d["id"].get<int>()), second);
    }
    const auto remaining = dead().size();  // none but the two are expected; counted anyway
    auto replay = c.post("/v1/admin/dead-letters/replay", R"({"all":true})", "application/json",
                         gw.admin_headers());
    EXPECT_EQ(nlohmann::json::parse(replay.body)["replayed"], remaining);
}

}  // namespace
}  // namespace fieldgate::test
