// The real fieldgate-crm-sim on loopback, real HTTP: signed events stored, every refusal
// counted, and each fault mode, switched by command or by its schedule.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "support/crm_sim_process.h"
#include "support/webhook_signer.h"

namespace fieldgate::test {
namespace {

using nlohmann::json;

std::string sequence(int n) {
    const std::string s = std::to_string(n);
    return std::string(20 - s.size(), '0') + s;
}

json cloudevent(const std::string& id, const std::string& subject, int seq) {
    return {{"specversion", "1.0"},
            {"id", id},
            {"source", "urn:fieldgate"},
            {"type", "gov.sanjose.workorder.completed"},
            {"subject", subject},
            {"time", "2026-02-03T17:04:05Z"},
            {"sequence", sequence(seq)},
            {"datacontenttype", "application/json"},
            {"data", {{"status", "completed"}, {"outcome", {{"code", "COMPLETED"}}}}}};
}

json open311(const std::string& subject, int seq) {
    return {{"service_request_id", subject},
            {"status", "closed"},
            {"status_notes", "Your items were collected."},
            {"updated_datetime", "2026-02-03T09:04:05-08:00"},
            {"media_url", "https://photos.example/1.jpg"},
            {"external_status_code", "COMPLETED"},
            {"sequence", sequence(seq)}};
}

// Polls `done` every 20 ms for at most 30 s: waits for the simulator's own clock, never for
// a fixed time.
bool eventually(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return done();
}

class CrmSim : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { sim_ = new CrmSimProcess(); }
    static void TearDownTestSuite() {
        delete sim_;
        sim_ = nullptr;
    }
    void SetUp() override {
        ASSERT_TRUE(sim_->running()) << sim_->stderr_text();
        ASSERT_EQ(control("/_reset", "").status, 200);
    }

    static sim::ClientResponse control(const std::string& path, const std::string& body) {
        auto c = sim_->control_client();
        return c.post(path, body);
    }
    static sim::ClientResponse set(const json& command) {
        return control("/_control", command.dump());
    }
    static json report() {
        auto c = sim_->control_client();
        const auto r = c.get("/_report");
        EXPECT_EQ(r.status, 200);
        return json::parse(r.body);
    }
    static json events() {
        auto c = sim_->control_client();
        const auto r = c.get("/_events");
        EXPECT_EQ(r.status, 200);
        return json::parse(r.body);
    }

    // POSTs `body` signed with `key` (the simulator's own key unless given).
    static sim::ClientResponse post(
        const std::string& webhook_id, const json& body, const std::string& key = "",
        const std::string& content_type = "application/cloudevents+json") {
        const std::string text = body.dump();
        auto c = sim_->events_client();
        return c.post("/crm/events", text, content_type,
                      webhook_headers(key.empty() ? sim_->key() : key, webhook_id, text));
    }
    static sim::ClientResponse post_event(const std::string& webhook_id, const std::string& subject,
                                          int seq) {
        return post(webhook_id, cloudevent(webhook_id, subject, seq));
    }

    static CrmSimProcess* sim_;
};

CrmSimProcess* CrmSim::sim_ = nullptr;

TEST_F(CrmSim, SignedCloudEventIsStoredAndListed) {
    const auto r = post_event("evt_1", "SR-2026-118734", 1);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json::parse(r.body)["status"], "stored");

    const auto list = events();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0]["webhook_id"], "evt_1");
    EXPECT_EQ(list[0]["profile"], "cloudevents");
    EXPECT_EQ(list[0]["subject"], "SR-2026-118734");
    EXPECT_EQ(list[0]["sequence"], sequence(1));
    EXPECT_EQ(list[0]["type_or_status"], "gov.sanjose.workorder.completed");
    EXPECT_TRUE(list[0]["received_at"].is_string());
    EXPECT_EQ(list[0]["body"], cloudevent("evt_1", "SR-2026-118734", 1));

    const auto rep = report();
    EXPECT_EQ(rep["received"], 1);
    EXPECT_EQ(rep["stored"], 1);
    EXPECT_EQ(rep["subjects"], 1);
    EXPECT_EQ(rep["answered"], json({{"200", 1}}));
    EXPECT_EQ(rep["mode"], "ok");
}

TEST_F(CrmSim, SignedOpen311UpdateIsStored) {
    const auto r = post("upd_1", open311("SR-7", 1), "", "application/json");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto list = events();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0]["profile"], "open311");
    EXPECT_EQ(list[0]["subject"], "SR-7");
    EXPECT_EQ(list[0]["type_or_status"], "closed");
}

TEST_F(CrmSim, BadOrMissingSignatureIs401CountedAndNotStored) {
    EXPECT_EQ(post_event("evt_1", "SR-1", 1).status, 200);
    const auto wrong_key = post("evt_2", cloudevent("evt_2", "SR-1", 2), "not-the-crm-key");
    EXPECT_EQ(wrong_key.status, 401);
    auto c = sim_->events_client();
    const auto unsigned_post = c.post("/crm/events", cloudevent("evt_3", "SR-1", 3).dump(),
                                      "application/cloudevents+json");
    EXPECT_EQ(unsigned_post.status, 401);
    // Signed for another body.
    const std::string body = cloudevent("evt_4", "SR-1", 4).dump();
    auto headers = webhook_headers(sim_->key(), "evt_4", body);
    const auto tampered =
        c.post("/crm/events", body + " ", "application/cloudevents+json", headers);
    EXPECT_EQ(tampered.status, 401);
    // Signed five minutes and more ago.
    const std::string old_ts = std::to_string(std::stoll(unix_now()) - 400);
    const auto expired = c.post("/crm/events", body, "application/cloudevents+json",
                                webhook_headers(sim_->key(), "evt_4", body, old_ts));
    EXPECT_EQ(expired.status, 401);

    const auto rep = report();
    EXPECT_EQ(rep["bad_signatures"], 4);
    EXPECT_EQ(rep["stored"], 1);
    EXPECT_EQ(rep["answered"]["401"], 4);
    EXPECT_EQ(events().size(), 1u);
}

TEST_F(CrmSim, DuplicateWebhookIdIsAnsweredAgainAndStoredOnce) {
    EXPECT_EQ(post_event("evt_1", "SR-1", 1).status, 200);
    const auto again = post_event("evt_1", "SR-1", 1);
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(json::parse(again.body)["status"], "duplicate");
    const auto rep = report();
    EXPECT_EQ(rep["duplicates"], 1);
    EXPECT_EQ(rep["stored"], 1);
    EXPECT_EQ(rep["received"], 2);
    EXPECT_EQ(events().size(), 1u);
}

TEST_F(CrmSim, LowerSequencePerSubjectIsCountedOutOfOrder) {
    EXPECT_EQ(post_event("evt_1", "SR-1", 2).status, 200);
    EXPECT_EQ(post_event("evt_2", "SR-2", 1).status, 200);  // another subject: in order
    EXPECT_EQ(post_event("evt_3", "SR-1", 1).status, 200);  // behind SR-1's 2
    EXPECT_EQ(post_event("evt_4", "SR-1", 3).status, 200);
    const auto rep = report();
    EXPECT_EQ(rep["out_of_order"], 1);
    EXPECT_EQ(rep["stored"], 4);
    EXPECT_EQ(rep["subjects"], 2);
}

TEST_F(CrmSim, MalformedEventIs400AndCounted) {
    auto no_sequence = cloudevent("evt_1", "SR-1", 1);
    no_sequence.erase("sequence");
    const auto r = post("evt_1", no_sequence);
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("sequence"), std::string::npos) << r.body;
    auto no_subject = cloudevent("evt_2", "SR-1", 1);
    no_subject.erase("subject");
    EXPECT_EQ(post("evt_2", no_subject).status, 400);
    auto c = sim_->events_client();
    const std::string junk = "{not json";
    EXPECT_EQ(
        c.post("/crm/events", junk, "application/json", webhook_headers(sim_->key(), "evt_3", junk))
            .status,
        400);
    const auto rep = report();
    EXPECT_EQ(rep["malformed"], 3);
    EXPECT_EQ(rep["stored"], 0);
}

TEST_F(CrmSim, Throttle429CarriesRetryAfter) {
    ASSERT_EQ(set({{"mode", "throttle429"}, {"retry_after_s", 7}}).status, 200);
    const auto r = post_event("evt_1", "SR-1", 1);
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.header("retry-after"), "7");
    EXPECT_EQ(report()["stored"], 0);
    EXPECT_EQ(report()["answered"]["429"], 1);
}

TEST_F(CrmSim, Error500AndGone410StoreNothing) {
    ASSERT_EQ(set({{"mode", "error500"}}).status, 200);
    EXPECT_EQ(post_event("evt_1", "SR-1", 1).status, 500);
    ASSERT_EQ(set({{"mode", "gone410"}}).status, 200);
    EXPECT_EQ(post_event("evt_1", "SR-1", 1).status, 410);
    ASSERT_EQ(set({{"mode", "reject400"}}).status, 200);
    EXPECT_EQ(post_event("evt_1", "SR-1", 1).status, 400);
    ASSERT_EQ(set({{"mode", "ok"}}).status, 200);
    EXPECT_EQ(post_event("evt_1", "SR-1", 1).status, 200);
    const auto rep = report();
    EXPECT_EQ(rep["answered"], json({{"200", 1}, {"400", 1}, {"410", 1}, {"500", 1}}));
    EXPECT_EQ(rep["faulted"], 3);
    EXPECT_EQ(rep["stored"], 1);
}

TEST_F(CrmSim, RejectIdsAre400WhileOtherEventsAreStored) {
    ASSERT_EQ(set({{"reject_ids", {"evt_poison"}}}).status, 200);
    EXPECT_EQ(post_event("evt_poison", "SR-1", 1).status, 400);
    EXPECT_EQ(post_event("evt_fine", "SR-1", 2).status, 200);
    EXPECT_EQ(post_event("evt_poison", "SR-1", 1).status, 400);  // every attempt
    const auto rep = report();
    EXPECT_EQ(rep["rejected"], 2);
    EXPECT_EQ(rep["stored"], 1);
    EXPECT_EQ(events()[0]["webhook_id"], "evt_fine");
}

TEST_F(CrmSim, FailFirstNFailsEachEventThatManyTimes) {
    ASSERT_EQ(set({{"fail_first_n", 1}}).status, 200);
    EXPECT_EQ(post_event("evt_1", "SR-1", 1).status, 500);
    EXPECT_EQ(post_event("evt_1", "SR-1", 1).status, 200);
    EXPECT_EQ(report()["stored"], 1);
}

TEST_F(CrmSim, DownRefusesConnectionsAndComesBackOnTheSamePort) {
    const auto port = sim_->port();
    const auto down = set({{"mode", "down"}});
    ASSERT_EQ(down.status, 200) << down.body;
    EXPECT_EQ(json::parse(down.body)["listening"], false);
    try {
        post_event("evt_1", "SR-1", 1);
        ADD_FAILURE() << "the events port still answered while down";
    } catch (const http::TransportError& e) {
        EXPECT_EQ(e.failure(), http::Failure::connect) << e.what();
    }
    EXPECT_EQ(report()["mode"], "down");

    const auto up = set({{"mode", "ok"}});
    ASSERT_EQ(up.status, 200) << up.body;
    EXPECT_EQ(json::parse(up.body)["listening"], true);
    EXPECT_EQ(sim_->port(), port);
    EXPECT_EQ(post_event("evt_1", "SR-1", 1).status, 200);
    EXPECT_EQ(report()["stored"], 1);
}

TEST_F(CrmSim, ForSecondsGoesBackToOkByItself) {
    const auto r = set({{"mode", "error500"}, {"for_s", 1}});
    ASSERT_EQ(r.status, 200);
    EXPECT_FALSE(json::parse(r.body)["until_ok_ms"].is_null());
    ASSERT_TRUE(eventually([] { return report()["mode"] == "ok"; })) << report().dump();
    EXPECT_EQ(post_event("evt_1", "SR-1", 1).status, 200);
}

TEST_F(CrmSim, SlowModeStoresAndAnswersNoSoonerThanTheDelay) {
    ASSERT_EQ(set({{"mode", "slow"}, {"delay_ms", 300}}).status, 200);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(post_event("evt_1", "SR-1", 1).status, 200);
    // A lower bound only: the answer cannot come before the delay.
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
    EXPECT_EQ(report()["stored"], 1);
}

TEST_F(CrmSim, ControlRoutesAreAlsoOnTheEventsPortAndEventsNotOnTheControlPort) {
    auto events_port = sim_->events_client();
    const auto r = events_port.get("/_report");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(json::parse(r.body)["mode"], "ok");
    auto control_port = sim_->control_client();
    const std::string body = cloudevent("evt_1", "SR-1", 1).dump();
    EXPECT_EQ(control_port
                  .post("/crm/events", body, "application/cloudevents+json",
                        webhook_headers(sim_->key(), "evt_1", body))
                  .status,
              404);
    EXPECT_EQ(control("/_control", R"({"mode":"sleepy"})").status, 400);
    EXPECT_EQ(report()["received"], 0);
}

TEST_F(CrmSim, ResetClearsEventsCountersAndFaults) {
    EXPECT_EQ(post_event("evt_1", "SR-1", 1).status, 200);
    ASSERT_EQ(set({{"mode", "gone410"}, {"reject_ids", {"evt_2"}}}).status, 200);
    ASSERT_EQ(control("/_reset", "").status, 200);
    const auto rep = report();
    EXPECT_EQ(rep["received"], 0);
    EXPECT_EQ(rep["stored"], 0);
    EXPECT_EQ(rep["mode"], "ok");
    EXPECT_EQ(rep["reject_ids"], json::array());
    EXPECT_TRUE(events().empty());
    EXPECT_EQ(post_event("evt_2", "SR-1", 1).status, 200);
    // evt_1 is new again after the reset.
    EXPECT_EQ(json::parse(post_event("evt_1", "SR-1", 2).body)["status"], "stored");
}

// Processes of their own: a schedule starts when the simulator starts.

TEST(CrmSimSchedule, APhaseSwitchesTheModeByItself) {
    CrmSimProcess sim({"--schedule", "1s:ok,60s:gone410"});
    auto control = sim.control_client();
    const auto mode = [&] { return json::parse(control.get("/_report").body)["mode"]; };
    ASSERT_TRUE(eventually([&] { return mode() == "gone410"; })) << sim.stderr_text();
    const auto rep = json::parse(control.get("/_report").body);
    EXPECT_EQ(rep["schedule"]["phase"], 2);
    EXPECT_EQ(rep["schedule"]["phases"], 2);
    const std::string body = cloudevent("evt_1", "SR-1", 1).dump();
    auto events = sim.events_client();
    EXPECT_EQ(events
                  .post("/crm/events", body, "application/cloudevents+json",
                        webhook_headers(sim.key(), "evt_1", body))
                  .status,
              410);
}

TEST(CrmSimSchedule, AfterTheLastPhaseItStaysOk) {
    CrmSimProcess sim({"--schedule", "1s:throttle429:retry_after=3"});
    auto control = sim.control_client();
    ASSERT_TRUE(eventually([&] {
        const auto rep = json::parse(control.get("/_report").body);
        return rep["schedule"]["phase"].is_null() && rep["mode"] == "ok";
    })) << sim.stderr_text();
    const std::string body = cloudevent("evt_1", "SR-1", 1).dump();
    auto events = sim.events_client();
    EXPECT_EQ(events
                  .post("/crm/events", body, "application/cloudevents+json",
                        webhook_headers(sim.key(), "evt_1", body))
                  .status,
              200);
}

TEST(CrmSimExit, PrintsTheFinalReportAndWroteTheEventsFile) {
    CrmSimProcess sim({}, {"old-key", "new-key"});
    auto events = sim.events_client();
    for (int i = 1; i <= 3; ++i) {
        const std::string id = "evt_" + std::to_string(i);
        const std::string body = cloudevent(id, "SR-1", i).dump();
        // Either configured secret verifies: the CRM side of a key rotation.
        const std::string key = i == 2 ? "new-key" : "old-key";
        EXPECT_EQ(events
                      .post("/crm/events", body, "application/cloudevents+json",
                            webhook_headers(key, id, body))
                      .status,
                  200);
    }
    EXPECT_EQ(sim.stop(), 0);
    const auto final_report = json::parse(sim.stdout_text());
    EXPECT_EQ(final_report["stored"], 3);
    EXPECT_EQ(final_report["received"], 3);
    std::istringstream lines(sim.events_out_text());
    std::string line;
    std::vector<std::string> ids;
    while (std::getline(lines, line)) ids.push_back(json::parse(line)["webhook_id"]);
    EXPECT_EQ(ids, (std::vector<std::string>{"evt_1", "evt_2", "evt_3"}));
}

}  // namespace
}  // namespace fieldgate::test
