// CRM delivery end to end: the real gateway posting to the real CRM simulator over loopback.
// The simulator verifies every signature with its own verifier, de-duplicates by webhook-id
// and checks the order of events per service request. The long outage under load (down, slow,
// 500, 429) is the fault suite's crm-outage scenario (tests/fault/env_crm_outage_test.cpp).
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include <date/date.h>
#include <nlohmann/json.hpp>

#include "support/command_runner.h"
#include "support/crm_delivery_rig.h"
#include "support/store_probe.h"
#include "support/vendor_payloads.h"
#include "support/wait.h"

namespace fieldgate::test {
namespace {

using namespace std::chrono_literals;

TEST(CrmDelivery, EveryOutcomeArrivesSignedInOrderWithTheStandardCodes) {
    CrmDeliveryRig rig;
    auto c = rig.gw().client();
    constexpr int kOrders = 30;
    for (int i = 0; i < kOrders; ++i) {
        const std::string sr = "SR-DLV-" + std::to_string(i);
        rig.create(c, sr);
        if (i % 3 == 0)
            rig.post_result(c, "BH-" + std::to_string(i), sr, "Confirmed Positive", "");
        else
            rig.post_result(c, "BH-" + std::to_string(i), sr);  // NSO: not set out
    }
    // Each order: dispatched, then its outcome.
    ASSERT_TRUE(wait_until([&] { return rig.stored() == 2 * kOrders; }, 20s)) << rig.report();
    const auto report = rig.report();
    EXPECT_EQ(report["bad_signatures"], 0);
    EXPECT_EQ(report["out_of_order"], 0);
    EXPECT_EQ(report["duplicates"], 0);

    const auto subjects = by_subject(rig.events());
    ASSERT_EQ(subjects.size(), static_cast<std::size_t>(kOrders));
    for (int i = 0; i < kOrders; ++i) {
        const auto& list = subjects.at("SR-DLV-" + std::to_string(i));
        ASSERT_EQ(list.size(), 2u);
        EXPECT_EQ(list[0]["type_or_status"], "gov.sanjose.workorder.dispatched");
        const auto& body = list[1]["body"];
        EXPECT_EQ(body["specversion"], "1.0");
        EXPECT_EQ(body["id"], list[1]["webhook_id"]);
        const auto& outcome = body["data"]["outcome"];
        if (i % 3 == 0) {
            // Closed as completed only because the field said so.
            EXPECT_EQ(body["type"], "gov.sanjose.workorder.completed");
            EXPECT_EQ(outcome["code"], "COMPLETED");
        } else {
            EXPECT_EQ(body["type"], "gov.sanjose.workorder.not_collected");
            EXPECT_EQ(outcome["code"], "NOT_COLLECTED");
            EXPECT_EQ(outcome["reason"], "NOT_SET_OUT");
            EXPECT_EQ(outcome["attribution"], "resident");
            EXPECT_TRUE(outcome["customer_message"].is_string());
            EXPECT_EQ(outcome["occurred_at"], "2026-02-03T10:42:17-08:00");
            EXPECT_EQ(outcome["vendor_ref"], "BH-" + std::to_string(i));
            EXPECT_EQ(outcome["photos"].size(), 1u);
        }
        EXPECT_LT(list[0]["sequence"].get<std::string>(), list[1]["sequence"].get<std::string>());
    }
}

TEST(CrmDelivery, RetryAfterIsHonoured) {
    CrmDeliveryRig rig;
    rig.control({{"mode", "throttle429"}, {"retry_after_s", 4}});
    auto c = rig.gw().client();
    rig.create(c, "SR-429");
    ASSERT_TRUE(wait_until([&] { return rig.answered("429") >= 1; }, 10s)) << rig.report();
    // Well inside the 4 s the CRM asked for, and several poll intervals and probe pauses (1 s)
    // later: nothing was sent again.
    std::this_thread::sleep_for(2500ms);
    EXPECT_EQ(rig.answered("429"), 1) << rig.report();
    rig.control({{"mode", "ok"}});
    ASSERT_TRUE(wait_until([&] { return rig.stored() == 1; }, 15s)) << rig.report();
    EXPECT_EQ(rig.answered("429"), 1);
}

// An event that failed through an outage and then fails once on its own (a 500 while the
// endpoint is well) waits its own first backoff step, not the step its outage attempts reached.
// Found by the fault suite's crm-outage scenario: such events sat out the 5-minute step after the
// CRM had recovered.
TEST(CrmDelivery, AFailureOfItsOwnAfterAnOutageWaitsTheFirstStepNotTheOutages) {
    CrmDeliveryRig rig(nlohmann::json{{"delivery", {{"backoff_s", {0, 1, 3600, 3600, 3600}}}}});
    auto first_event_attempts = [&] {
        const auto attempts = StoreProbe(rig.gw()).text(
            "SELECT attempts FROM outbox WHERE destination = 'crm' ORDER BY id");
        return attempts ? std::stoll(*attempts) : -1;
    };
    rig.control({{"mode", "down"}});
    auto c = rig.gw().client();
    rig.create(c, "SR-OUTAGE-FIRST");
    // Two refused attempts: the next step of the schedule is the hour.
    ASSERT_TRUE(wait_until([&] { return first_event_attempts() >= 2; }, 20s));
    // The CRM is back, and fails every event's first arrival with a 500. A second order's event
    // is the probe: it fails, is sent again a second later and delivered, which releases the
    // first order's event; that one's first arrival is its own failure.
    rig.control({{"mode", "ok"}, {"fail_first_n", 1}});
    rig.create(c, "SR-OUTAGE-SECOND");
    ASSERT_TRUE(wait_until([&] { return rig.stored() == 2; }, 60s)) << rig.report();
    EXPECT_EQ(rig.answered("500"), 2) << rig.report();
    const auto subjects = by_subject(rig.events());
    EXPECT_EQ(subjects.size(), 2u);
}

TEST(CrmDelivery, ARefusedEventIsDeadLetteredAndReplayDeliversIt) {
    CrmDeliveryRig rig;
    // In a fresh store the first order's events are evt_1 (dispatched) and evt_2 (outcome).
    rig.control({{"reject_ids", {"evt_2"}}});
    auto c = rig.gw().client();
    rig.create(c, "SR-DEAD");
    rig.post_result(c, "BH-DEAD", "SR-DEAD");
    auto dead = [&] {
        auto r = c.get("/v1/admin/dead-letters", rig.gw().admin_headers());
        EXPECT_EQ(r.status, 200) << r.body;
        return nlohmann::json::parse(r.body)["items"];
    };
    ASSERT_TRUE(wait_until([&] { return dead().size() == 1; }, 15s));
    const auto letter = dead()[0];
    EXPECT_EQ(letter["event_id"], "evt_2");
    EXPECT_EQ(letter["crm_case_id"], "SR-DEAD");
    EXPECT_EQ(letter["last_status"], 400);
    EXPECT_EQ(letter["destination"], "crm");
    EXPECT_EQ(rig.stored(), 1);  // only the dispatched event

    // Staff cannot be anyone: the CRM token does not open the staff API.
    EXPECT_EQ(c.get("/v1/admin/dead-letters", rig.gw().crm_headers()).status, 401);

    rig.control({{"reject_ids", nlohmann::json::array()}});
    const auto replay = c.post("/v1/admin/dead-letters/replay", R"({"ids": [2]})",
                               "application/json", rig.gw().admin_headers());
    ASSERT_EQ(replay.status, 200) << replay.body;
    EXPECT_EQ(nlohmann::json::parse(replay.body)["replayed"], 1);
    ASSERT_TRUE(wait_until([&] { return rig.stored() == 2; }, 15s)) << rig.report();
    EXPECT_TRUE(dead().empty());
    // Replaying again changes nothing.
    const auto again = c.post("/v1/admin/dead-letters/replay", R"({"ids": [2]})",
                              "application/json", rig.gw().admin_headers());
    EXPECT_EQ(nlohmann::json::parse(again.body)["replayed"], 0);
    const auto bad = c.post("/v1/admin/dead-letters/replay", R"({"ids": ["two"]})",
                            "application/json", rig.gw().admin_headers());
    EXPECT_EQ(bad.status, 422);
    EXPECT_EQ(nlohmann::json::parse(bad.body)["pointer"], "/ids/0");
}

TEST(CrmDelivery, TheCliListsAndReplaysDeadLetters) {
    CrmDeliveryRig rig;
    rig.control({{"reject_ids", {"evt_1"}}});
    auto c = rig.gw().client();
    rig.create(c, "SR-CLI");
    ASSERT_TRUE(wait_until([&] { return rig.answered("400") >= 1; }, 15s)) << rig.report();
    std::string listed;
    ASSERT_TRUE(wait_until(
        [&] {
            listed = run_cli("dead-letters list --config " + rig.gw().config_path());
            return listed.find("\"id\":1") != std::string::npos;
        },
        10s))
        << listed;
    EXPECT_NE(listed.find("SR-CLI"), std::string::npos);
    rig.control({{"reject_ids", nlohmann::json::array()}});
    EXPECT_NE(
        run_cli("dead-letters replay --id 1 --config " + rig.gw().config_path()).find("replayed 1"),
        std::string::npos);
    // The running gateway notices within its poll interval.
    ASSERT_TRUE(wait_until([&] { return rig.stored() == 1; }, 15s)) << rig.report();
}

TEST(CrmDelivery, GoneDisablesTheEndpointUntilStaffEnableIt) {
    CrmDeliveryRig rig;
    rig.control({{"mode", "gone410"}});
    auto c = rig.gw().client();
    rig.create(c, "SR-GONE");
    ASSERT_TRUE(wait_until([&] { return rig.answered("410") == 1; }, 15s)) << rig.report();
    auto endpoint = [&] {
        auto r = c.get("/v1/admin/endpoints", rig.gw().admin_headers());
        return nlohmann::json::parse(r.body)["items"][0];
    };
    ASSERT_TRUE(wait_until([&] { return endpoint()["state"] == "disabled"; }, 5s));
    EXPECT_EQ(endpoint()["pending"], 1);
    rig.control({{"mode", "ok"}});
    rig.create(c, "SR-GONE-2");
    // Disabled means nothing is attempted, however long it waits (many poll intervals here).
    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(rig.report()["received"], 1);
    EXPECT_NE(rig.gw().log_text().find("ALERT"), std::string::npos);

    EXPECT_EQ(
        c.post("/v1/admin/endpoints/crm/enable", "", "application/json", rig.gw().admin_headers())
            .status,
        200);
    ASSERT_TRUE(wait_until([&] { return rig.stored() == 2; }, 15s)) << rig.report();
    EXPECT_EQ(endpoint()["state"], "active");
    EXPECT_EQ(
        c.post("/v1/admin/endpoints/nope/enable", "", "application/json", rig.gw().admin_headers())
            .status,
        404);
}

TEST(CrmDelivery, Open311ProfileSendsServiceRequestUpdates) {
    CrmDeliveryRig rig(nlohmann::json{{"crm", {{"profile", "open311"}}}});
    auto c = rig.gw().client();
    rig.create(c, "SR-311");
    rig.post_result(c, "BH-311", "SR-311");
    ASSERT_TRUE(wait_until([&] { return rig.stored() == 2; }, 15s)) << rig.report();
    const auto events = rig.events();
    EXPECT_EQ(rig.report()["out_of_order"], 0);
    const auto& open = events[0]["body"];
    EXPECT_EQ(open["service_request_id"], "SR-311");
    EXPECT_EQ(open["status"], "open");
    const auto& closed = events[1]["body"];
    EXPECT_EQ(closed["status"], "closed");
    EXPECT_EQ(closed["external_status_code"], "NOT_COLLECTED/NOT_SET_OUT");
    EXPECT_EQ(closed["status_notes_version"], "NOT_COLLECTED/NOT_SET_OUT@1");
    EXPECT_EQ(closed["media_url"], "https://media.bayhauling.example/stops/BH-311/1.jpg");
    EXPECT_TRUE(closed["status_notes"].is_string());
    EXPECT_FALSE(closed["status_notes"].get<std::string>().empty());
}

TEST(CrmDelivery, TheWatchdogFlagsAnOrderWhoseWindowEndedAndTellsTheCrm) {
    CrmDeliveryRig rig(nlohmann::json{{"watchdog", {{"enabled", true}, {"interval_s", 1}}}});
    auto c = rig.gw().client();
    // Scheduled yesterday (in every zone): its window is over and nothing was reported.
    const auto yesterday = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) -
                           std::chrono::days(2);
    const std::string date = date::format("%F", yesterday);
    auto body = work_order_body("SR-LATE", "bay-hauling", "R-1", 1, date);
    const auto created = rig.gw().create_order(c, body);
    ASSERT_EQ(created.status, 201) << created.body;
    const auto id = nlohmann::json::parse(created.body)["id"].get<std::string>();
    // A current order is left alone.
    rig.create(c, "SR-ON-TIME");

    ASSERT_TRUE(wait_until(
        [&] {
            for (const auto& e : rig.events())
                if (e["type_or_status"] == "gov.sanjose.workorder.overdue") return true;
            return false;
        },
        15s))
        << rig.events().dump();
    std::this_thread::sleep_for(1500ms);  // more sweeps: still flagged once
    int overdue = 0;
    for (const auto& e : rig.events()) {
        if (e["type_or_status"] != "gov.sanjose.workorder.overdue") continue;
        ++overdue;
        EXPECT_EQ(e["subject"], "SR-LATE");
        EXPECT_EQ(e["body"]["data"]["extra"]["overdue"], true);
        EXPECT_EQ(e["body"]["data"]["vendor"], "bay-hauling");
    }
    EXPECT_EQ(overdue, 1);
    const auto order =
        nlohmann::json::parse(c.get("/v1/work-orders/" + id, rig.gw().crm_headers()).body);
    EXPECT_EQ(order["history"].back()["source"], "watchdog");
}

}  // namespace
}  // namespace fieldgate::test
