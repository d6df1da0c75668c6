// The real fieldgate-crm-sim as an OAuth 2.0 authorization server (client credentials) on
// loopback: tokens issued to Basic and form clients, RFC 6749 errors, events refused without a
// valid bearer token and not recorded, expire_tokens / refuse_tokens, the token lifetime, and
// the same over HTTPS; the poll vendor simulator and the recording receiver over HTTPS.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/crm_sim_process.h"
#include "support/poll_vendor_sim_process.h"
#include "support/recording_receiver.h"
#include "support/test_certs.h"
#include "support/webhook_signer.h"

namespace fieldgate::test {
namespace {

using nlohmann::json;

constexpr const char* kForm = "application/x-www-form-urlencoded";

json cloudevent(const std::string& id, int seq) {
    const std::string s = std::to_string(seq);
    return {{"specversion", "1.0"},
            {"id", id},
            {"source", "urn:fieldgate"},
            {"type", "gov.sanjose.workorder.completed"},
            {"subject", "SR-1"},
            {"sequence", std::string(20 - s.size(), '0') + s},
            {"datacontenttype", "application/json"}};
}

std::string basic_credentials(const std::string& id, const std::string& secret) {
    const std::string pair =
        CrmSimProcess::form_escape(id) + ":" + CrmSimProcess::form_escape(secret);
    return "Basic " + base64(reinterpret_cast<const unsigned char*>(pair.data()), pair.size());
}

// POSTs a signed event, with `Authorization: Bearer <token>` unless the token is empty.
sim::ClientResponse post_event(const CrmSimProcess& sim, const std::string& webhook_id, int seq,
                               const std::string& token) {
    const std::string body = cloudevent(webhook_id, seq).dump();
    auto headers = webhook_headers(sim.key(), webhook_id, body);
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    auto c = sim.events_client();
    return c.post("/crm/events", body, "application/cloudevents+json", headers);
}

CrmSimOptions with_oauth(CrmSimOAuth oauth = {}, std::optional<CrmSimTls> tls = std::nullopt) {
    CrmSimOptions o;
    o.oauth = std::move(oauth);
    o.tls = std::move(tls);
    return o;
}

class CrmSimOAuthServer : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { sim_ = new CrmSimProcess(with_oauth()); }
    static void TearDownTestSuite() {
        delete sim_;
        sim_ = nullptr;
    }
    void SetUp() override {
        ASSERT_TRUE(sim_->running()) << sim_->stderr_text();
        ASSERT_EQ(sim_->control_client().post("/_reset", "").status, 200);
    }

    static sim::ClientResponse token_request(const std::string& form,
                                             const std::string& authorization = "") {
        http::HeaderList headers;
        if (!authorization.empty()) headers.emplace_back("Authorization", authorization);
        auto c = sim_->events_client();
        return c.post("/oauth2/token", form, kForm, headers);
    }
    static const CrmSimOAuth& client() { return *sim_->oauth(); }
    static std::size_t stored() { return sim_->report()["stored"].get<std::size_t>(); }

    static CrmSimProcess* sim_;
};

CrmSimProcess* CrmSimOAuthServer::sim_ = nullptr;

TEST_F(CrmSimOAuthServer, BasicAndPostClientAuthenticationEachGetABearerToken) {
    const auto basic = token_request("grant_type=client_credentials",
                                     basic_credentials(client().client_id, client().client_secret));
    ASSERT_EQ(basic.status, 200) << basic.body;
    EXPECT_EQ(basic.header("cache-control"), "no-store");
    const auto b = json::parse(basic.body);
    EXPECT_EQ(b["token_type"], "Bearer");
    EXPECT_EQ(b["expires_in"], 300);

    const auto post =
        token_request("grant_type=client_credentials&client_id=" +
                      CrmSimProcess::form_escape(client().client_id) +
                      "&client_secret=" + CrmSimProcess::form_escape(client().client_secret));
    ASSERT_EQ(post.status, 200) << post.body;
    const auto p = json::parse(post.body);
    EXPECT_NE(p["access_token"], b["access_token"]);
    EXPECT_EQ(post_event(*sim_, "evt_1", 1, b["access_token"]).status, 200);
    EXPECT_EQ(post_event(*sim_, "evt_2", 2, p["access_token"]).status, 200);
    EXPECT_EQ(sim_->report()["oauth"]["tokens_issued"], 2);
}

TEST_F(CrmSimOAuthServer, WrongSecretIsInvalidClient401AndNoToken) {
    const auto r = token_request("grant_type=client_credentials",
                                 basic_credentials(client().client_id, "not-the-secret"));
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(json::parse(r.body)["error"], "invalid_client");
    EXPECT_EQ(r.header("www-authenticate"), "Basic realm=\"fieldgate-crm-sim\"");
    EXPECT_EQ(r.body.find("access_token"), std::string::npos);
    const auto grant = token_request("grant_type=password",
                                     basic_credentials(client().client_id, client().client_secret));
    EXPECT_EQ(grant.status, 400);
    EXPECT_EQ(json::parse(grant.body)["error"], "unsupported_grant_type");
    const auto oauth = sim_->report()["oauth"];
    EXPECT_EQ(oauth["token_requests_refused"], 2);
    EXPECT_EQ(oauth["tokens_issued"], 0);
}

TEST_F(CrmSimOAuthServer, AnEventWithoutAValidBearerTokenIs401AndNotRecorded) {
    for (const std::string token : {"", "not-a-token-it-issued"}) {
        const auto r = post_event(*sim_, "evt_1", 1, token);
        EXPECT_EQ(r.status, 401);
        EXPECT_EQ(r.header("www-authenticate"),
                  "Bearer realm=\"fieldgate-crm-sim\", error=\"invalid_token\"");
    }
    const auto rep = sim_->report();
    EXPECT_EQ(rep["bad_tokens"], 2);
    EXPECT_EQ(rep["stored"], 0);
    EXPECT_TRUE(json::parse(sim_->control_client().get("/_events").body).empty());

    EXPECT_EQ(post_event(*sim_, "evt_1", 1, sim_->fetch_token()).status, 200);
    EXPECT_EQ(stored(), 1u);
}

TEST_F(CrmSimOAuthServer, ExpireTokensEndsEveryIssuedTokenAndANewOneWorks) {
    const auto first = sim_->fetch_token();
    const auto second = sim_->fetch_token();
    ASSERT_EQ(post_event(*sim_, "evt_1", 1, first).status, 200);
    sim_->control({{"expire_tokens", true}});
    EXPECT_EQ(post_event(*sim_, "evt_2", 2, first).status, 401);
    EXPECT_EQ(post_event(*sim_, "evt_2", 2, second).status, 401);
    EXPECT_EQ(stored(), 1u);
    EXPECT_EQ(sim_->report()["oauth"]["tokens_live"], 0);
    EXPECT_EQ(post_event(*sim_, "evt_2", 2, sim_->fetch_token()).status, 200);
    EXPECT_EQ(stored(), 2u);
}

TEST_F(CrmSimOAuthServer, RefuseTokensAnswersInvalidClientUntilTurnedOff) {
    const auto before = sim_->fetch_token();
    sim_->control({{"refuse_tokens", true}});
    EXPECT_EQ(sim_->report()["oauth"]["refusing"], true);
    const auto r = token_request("grant_type=client_credentials",
                                 basic_credentials(client().client_id, client().client_secret));
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(json::parse(r.body)["error"], "invalid_client");
    // Tokens already issued still open the door: only new ones are refused.
    EXPECT_EQ(post_event(*sim_, "evt_1", 1, before).status, 200);
    sim_->control({{"refuse_tokens", false}});
    EXPECT_NO_THROW(sim_->fetch_token());
    const auto oauth = sim_->report()["oauth"];
    EXPECT_EQ(oauth["tokens_issued"], 2);
    EXPECT_EQ(oauth["token_requests_refused"], 1);
}

TEST_F(CrmSimOAuthServer, TokenCommandsAreRefusedWhenOAuthIsOff) {
    CrmSimProcess plain;
    auto c = plain.control_client();
    EXPECT_EQ(c.post("/_control", R"({"expire_tokens":true})").status, 400);
    EXPECT_EQ(c.post("/_control", R"({"refuse_tokens":"yes"})").status, 400);
    auto events = plain.events_client();
    EXPECT_EQ(events.post("/oauth2/token", "grant_type=client_credentials", kForm).status, 404);
}

TEST_F(CrmSimOAuthServer, NeitherTheSecretNorATokenIsEverPrinted) {
    const auto token = sim_->fetch_token();
    post_event(*sim_, "evt_1", 1, token);
    post_event(*sim_, "evt_2", 2, "");
    const std::string report = sim_->report().dump();
    const std::string log = sim_->stderr_text();
    for (const auto& secret : {token, client().client_secret}) {
        EXPECT_EQ(report.find(secret), std::string::npos);
        EXPECT_EQ(log.find(secret), std::string::npos);
    }
}

TEST(CrmSimOAuthLifetime, ATokenIsRefusedOnceItsTtlIsOver) {
    CrmSimOAuth oauth;
    oauth.token_ttl_s = 1;
    CrmSimProcess sim(with_oauth(oauth));
    const auto token = sim.fetch_token();
    const auto issued = std::chrono::steady_clock::now();
    const auto early = post_event(sim, "evt_1", 1, token);
    // Only meaningful while the second has not passed; on a stalled machine it is skipped.
    if (std::chrono::steady_clock::now() - issued < std::chrono::milliseconds(900)) {
        EXPECT_EQ(early.status, 200);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1100) -
                                (std::chrono::steady_clock::now() - issued));
    EXPECT_EQ(post_event(sim, "evt_2", 2, token).status, 401);
    EXPECT_EQ(sim.report()["bad_tokens"], 1);
    EXPECT_EQ(post_event(sim, "evt_2", 2, sim.fetch_token()).status, 200);
}

TEST(CrmSimHttps, TokenAndEventOverHttpsWhilePlainHttpIsRefused) {
    const auto& certs = TestCerts::shared();
    CrmSimProcess sim(with_oauth(
        {}, CrmSimTls{certs.path("server.pem"), certs.path("server.key"), certs.path("ca.pem")}));
    EXPECT_EQ(sim.events_origin().rfind("https://", 0), 0u);
    const auto token = sim.fetch_token();
    EXPECT_EQ(post_event(sim, "evt_1", 1, token).status, 200);
    EXPECT_EQ(sim.report()["stored"], 1);
    // Plain HTTP on the HTTPS port gets no HTTP answer worth the name.
    sim::HttpClient plain("127.0.0.1", sim.port());
    bool plain_answered = false;
    try {
        plain_answered = plain.get("/_report").status == 200;
    } catch (const std::exception&) {
    }
    EXPECT_FALSE(plain_answered);
    // The control port stays plain.
    EXPECT_EQ(sim.control_client().get("/_report").status, 200);
}

TEST(PollVendorSimHttps, ServesItsApiAndControlRoutesOverHttps) {
    const auto& certs = TestCerts::shared();
    PollVendorSimProcess vendor(
        "riverbend-key",
        PollVendorSimTls{certs.path("server.pem"), certs.path("server.key"), certs.path("ca.pem")});
    EXPECT_EQ(vendor.url().rfind("https://", 0), 0u);
    vendor.add_results({"SR-1", "SR-2"});
    auto c = vendor.client();
    const auto list = c.get("/api/v2/pickups?modified_since=2020-01-01T00:00:00Z",
                            {{"X-Riverbend-Key", "riverbend-key"}});
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_EQ(json::parse(list.body)["pickups"].size(), 2u);
    EXPECT_EQ(vendor.stats()["pickups"], 2);
}

TEST(RecordingReceiverHttps, RecordsARequestThatCameOverTls) {
    const auto& certs = TestCerts::shared();
    RecordingReceiver receiver(
        http::ServerTls{certs.path("server.pem"), certs.path("server.key"), ""});
    http::ClientOptions o;
    o.origin = "https://127.0.0.1:" + std::to_string(receiver.port());
    o.tls.ca_file = certs.path("ca.pem");
    o.proxy = "";
    sim::HttpClient c(std::move(o));
    EXPECT_EQ(c.post("/push", R"({"n":1})").status, 200);
    const auto got = receiver.wait_for(1, std::chrono::seconds(10));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_TRUE(got[0].tls);
    EXPECT_EQ(got[0].body, R"({"n":1})");
}

}  // namespace
}  // namespace fieldgate::test
