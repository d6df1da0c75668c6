// The CRM simulator's request pipeline without HTTP: fault modes, signature, body,
// reject_ids, fail_first_n, then the book.
#include "receiver.h"

#include <gtest/gtest.h>

#include "support/webhook_signer.h"

namespace fieldgate::crm_sim {
namespace {

const std::string kKey = "crm-sim-unit-test-key";

class ReceiverTest : public ::testing::Test {
  protected:
    ReceiverTest() : receiver_(WebhookVerifier({test::whsec(kKey)}, std::chrono::seconds(300))) {}

    // A signed CloudEvent for `subject` with sequence `n`.
    Reply send(const std::string& webhook_id, const std::string& subject = "SR-1", int n = 1,
               bool sign = true) {
        std::string seq = std::to_string(n);
        seq = std::string(20 - seq.size(), '0') + seq;
        body_ = nlohmann::json{{"specversion", "1.0"}, {"id", webhook_id},
                               {"source", "urn:test"}, {"type", "gov.sanjose.workorder.completed"},
                               {"subject", subject},   {"sequence", seq}}
                    .dump();
        const auto now = std::chrono::system_clock::now();
        const std::string ts = std::to_string(
            std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
        signature_ = sign ? test::webhook_signature(kKey, webhook_id, ts, body_) : "v1,AAAA";
        timestamp_ = ts;
        Incoming in{"application/cloudevents+json",
                    webhook_id,
                    timestamp_,
                    signature_,
                    body_,
                    authorization_};
        return receiver_.receive(in, now);
    }

    std::string header(const Reply& r, const std::string& name) {
        for (const auto& [n, v] : r.headers) {
            if (n == name) return v;
        }
        return "";
    }

    Receiver receiver_;
    std::string body_, timestamp_, signature_, authorization_;
};

TEST_F(ReceiverTest, StoresASignedEventAndCountsTheAnswer) {
    const auto r = send("evt_1");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(nlohmann::json::parse(r.body)["status"], "stored");
    const auto c = receiver_.counters();
    EXPECT_EQ(c.received, 1u);
    EXPECT_EQ(c.stored, 1u);
    EXPECT_EQ(c.answered.at(200), 1u);
    const auto events = receiver_.events_json();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0]["webhook_id"], "evt_1");
    EXPECT_EQ(events[0]["subject"], "SR-1");
    EXPECT_EQ(events[0]["body"]["id"], "evt_1");
}

TEST_F(ReceiverTest, ABadSignatureIs401AndNotStored) {
    const auto r = send("evt_1", "SR-1", 1, false);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(receiver_.counters().bad_signatures, 1u);
    EXPECT_EQ(receiver_.counters().stored, 0u);
}

TEST_F(ReceiverTest, FaultModesAnswerBeforeLookingAtTheEvent) {
    receiver_.set_mode({Mode::kError500, 1000, 1});
    EXPECT_EQ(send("evt_1", "SR-1", 1, false).status, 500);  // unsigned, still 500
    receiver_.set_mode({Mode::kThrottle429, 1000, 9});
    const auto busy = send("evt_1");
    EXPECT_EQ(busy.status, 429);
    EXPECT_EQ(header(busy, "Retry-After"), "9");
    receiver_.set_mode({Mode::kGone410, 1000, 1});
    EXPECT_EQ(send("evt_1").status, 410);
    receiver_.set_mode({Mode::kReject400, 1000, 1});
    EXPECT_EQ(send("evt_1").status, 400);
    const auto c = receiver_.counters();
    EXPECT_EQ(c.faulted, 4u);
    EXPECT_EQ(c.bad_signatures, 0u);
    EXPECT_EQ(c.stored, 0u);
    EXPECT_EQ(c.received, 4u);
}

TEST_F(ReceiverTest, SlowModeStoresAndAsksForADelayedAnswer) {
    receiver_.set_mode({Mode::kSlow, 250, 1});
    const auto r = send("evt_1");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.delay, std::chrono::milliseconds(250));
    EXPECT_EQ(receiver_.counters().stored, 1u);
}

TEST_F(ReceiverTest, RejectIdsAre400AndOthersPass) {
    receiver_.set_reject_ids({"evt_bad"});
    EXPECT_EQ(send("evt_bad").status, 400);
    EXPECT_EQ(send("evt_good").status, 200);
    EXPECT_EQ(receiver_.counters().rejected, 1u);
    EXPECT_EQ(receiver_.counters().stored, 1u);
}

TEST_F(ReceiverTest, FailFirstNFailsEachWebhookIdNTimesThenStores) {
    receiver_.set_fail_first_n(2);
    EXPECT_EQ(send("evt_1").status, 500);
    EXPECT_EQ(send("evt_2").status, 500);
    EXPECT_EQ(send("evt_1").status, 500);
    EXPECT_EQ(send("evt_1").status, 200);
    EXPECT_EQ(send("evt_2").status, 500);
    EXPECT_EQ(send("evt_2").status, 200);
    EXPECT_EQ(receiver_.counters().faulted, 4u);
    EXPECT_EQ(receiver_.counters().stored, 2u);
}

TEST_F(ReceiverTest, MalformedBodiesAre400) {
    Incoming in{"application/json", "evt_x", "", "", "{}", ""};
    const std::string body = R"({"specversion":"1.0","id":"x"})";
    const auto now = std::chrono::system_clock::now();
    const std::string ts = test::unix_now();
    const std::string sig = test::webhook_signature(kKey, "evt_x", ts, body);
    in.webhook_timestamp = ts;
    in.webhook_signature = sig;
    in.body = body;
    const auto r = receiver_.receive(in, now);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(receiver_.counters().malformed, 1u);
}

TEST_F(ReceiverTest, ObserversSeeStoredEventsAndResets) {
    std::vector<std::string> seen;
    int resets = 0;
    receiver_.on_stored([&](const StoredEvent& e) { seen.push_back(e.webhook_id); });
    receiver_.on_reset([&] { ++resets; });
    send("evt_1");
    send("evt_1");  // duplicate: not stored again
    send("evt_2", "SR-1", 2);
    EXPECT_EQ(seen, (std::vector<std::string>{"evt_1", "evt_2"}));
    receiver_.set_reject_ids({"evt_3"});
    receiver_.reset();
    EXPECT_EQ(resets, 1);
    EXPECT_EQ(receiver_.counters().received, 0u);
    EXPECT_TRUE(receiver_.events_json().empty());
    EXPECT_EQ(send("evt_3").status, 200);  // the reject list went with the reset
}

TEST_F(ReceiverTest, WithOAuthOnAnEventNeedsAnIssuedBearerTokenBeforeItIsLookedAt) {
    TokenIssuer issuer(OAuthConfig{"gateway", "pw", std::chrono::seconds(60), ""});
    receiver_.require_tokens(&issuer);
    const auto refused = send("evt_1");
    EXPECT_EQ(refused.status, 401);
    EXPECT_EQ(header(refused, "WWW-Authenticate"),
              "Bearer realm=\"fieldgate-crm-sim\", error=\"invalid_token\"");
    authorization_ = "Bearer not-issued";
    EXPECT_EQ(send("evt_1").status, 401);
    EXPECT_EQ(receiver_.counters().bad_tokens, 2u);
    EXPECT_EQ(receiver_.counters().bad_signatures, 0u);
    EXPECT_EQ(receiver_.counters().stored, 0u);

    // "Basic " + base64("gateway:pw")
    const auto token = issuer.issue({"application/x-www-form-urlencoded",
                                     "Basic Z2F0ZXdheTpwdw==", "grant_type=client_credentials"},
                                    std::chrono::system_clock::now());
    ASSERT_EQ(token.status, 200) << token.body;
    authorization_ =
        "Bearer " + nlohmann::json::parse(token.body)["access_token"].get<std::string>();
    EXPECT_EQ(send("evt_1").status, 200);
    EXPECT_EQ(receiver_.counters().stored, 1u);
    EXPECT_EQ(receiver_.report_json()["oauth"]["tokens_issued"], 1);

    // A fault mode answers first, token or not.
    authorization_.clear();
    FaultMode error500;
    error500.mode = Mode::kError500;
    receiver_.set_mode(error500);
    EXPECT_EQ(send("evt_2").status, 500);
    EXPECT_EQ(receiver_.counters().bad_tokens, 2u);
}

}  // namespace
}  // namespace fieldgate::crm_sim
