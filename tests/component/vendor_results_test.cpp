// The real gateway on loopback, real HTTP, a real SQLite file: vendor results in each
// vendor's own format, and every kind of bad input.
#include <gtest/gtest.h>

#include "read_pool.h"
#include "support/gateway_process.h"
#include "support/raw_exchange.h"
#include "support/store_probe.h"
#include "support/vendor_payloads.h"
#include "vendor_auth.h"

namespace fieldgate::test {
namespace {

class VendorResults : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { gateway_ = new GatewayProcess(); }
    static void TearDownTestSuite() {
        delete gateway_;
        gateway_ = nullptr;
    }
    void SetUp() override { ASSERT_TRUE(gateway_->running()) << gateway_->log_text(); }
    void TearDown() override {
        // Whatever the test sent, the process is still serving.
        auto c = gateway_->client();
        EXPECT_EQ(c.get("/healthz").status, 200);
    }

    static std::string unique(const std::string& prefix) {
        static int n = 0;
        return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
    }

    // A new work order for `vendor`; returns its crm_case_id.
    std::string order(const std::string& vendor, const std::string& route = "R-0412", int stop = 1,
                      const std::string& date = "2026-02-03") {
        auto c = gateway_->client();
        const auto sr = unique("SR");
        auto r = gateway_->create_order(c, work_order_body(sr, vendor, route, stop, date));
        EXPECT_EQ(r.status, 201) << r.body;
        return sr;
    }

    nlohmann::json work_order(const std::string& sr) {
        auto c = gateway_->client();
        auto r = c.get("/v1/work-orders?crm_case_id=" + sr, gateway_->crm_headers());
        EXPECT_EQ(r.status, 200) << r.body;
        auto items = nlohmann::json::parse(r.body)["items"];
        return items.empty() ? nlohmann::json() : items[0];
    }

    sim::ClientResponse post_bay(const std::string& body, sim::HeaderList extra = {}) {
        auto c = gateway_->client();
        sim::HeaderList headers = {{"Authorization", "Bearer " + gateway_->secrets.bay},
                                   {"Request-Tracking-Id", unique("req")}};
        for (auto& h : extra) headers.push_back(h);
        return c.post("/v1/vendors/bay-hauling/results", body, "application/json", headers);
    }

    sim::ClientResponse post_valley(const std::string& body) {
        auto c = gateway_->client();
        return c.post("/v1/vendors/valley-disposal/results", body, "text/xml; charset=utf-8",
                      {{"SOAPAction", "\"http://valleydisposal.example/ens/NotifyEventUpdated\""}});
    }

    sim::ClientResponse post_curbside(const std::string& csv, const std::string& key = "") {
        auto c = gateway_->client();
        return c.post("/v1/vendors/curbside-coop/results", csv, "text/csv",
                      {{"X-Api-Key", key.empty() ? gateway_->secrets.curbside : key}});
    }

    std::int64_t scalar(const std::string& sql, const std::string& arg = "") {
        return StoreProbe(*gateway_).integer(
            sql, arg.empty() ? std::vector<std::string>{} : std::vector<std::string>{arg});
    }

    std::int64_t quarantined_with_body_containing(const std::string& needle) {
        return scalar(
            "SELECT COUNT(*) FROM quarantine q JOIN raw_payloads r ON r.id = q.raw_payload_id "
            "WHERE instr(CAST(r.body AS TEXT), ?) > 0",
            needle);
    }

    static nlohmann::json problem(const sim::ClientResponse& r) {
        EXPECT_EQ(r.header("content-type").value_or(""), "application/problem+json") << r.body;
        return nlohmann::json::parse(r.body);
    }

    static GatewayProcess* gateway_;
};

GatewayProcess* VendorResults::gateway_ = nullptr;

TEST_F(VendorResults, BaySingleResultIsNormalizedStoredAndReadableByTheCrm) {
    const auto sr = order("bay-hauling");
    const auto ticket = unique("BH");
    auto r = post_bay(bay_result(ticket, sr).dump());
    ASSERT_EQ(r.status, 200) << r.body;
    const auto report = nlohmann::json::parse(r.body);
    EXPECT_EQ(report["accepted"], 1);
    EXPECT_EQ(report["results"][0]["status"], "accepted");

    const auto wo = work_order(sr);
    EXPECT_EQ(wo["status"], "not_collected");
    EXPECT_EQ(wo["outcome"]["code"], "NOT_COLLECTED");
    EXPECT_EQ(wo["outcome"]["reason"], "NOT_SET_OUT");
    EXPECT_EQ(wo["outcome"]["attribution"], "resident");
    EXPECT_EQ(wo["outcome"]["vendor_ref"], ticket);
    EXPECT_EQ(wo["outcome"]["occurred_at"], "2026-02-03T10:42:17-08:00");
    EXPECT_FALSE(wo["outcome"]["customer_message"].get<std::string>().empty());
    EXPECT_NE(wo["outcome"]["mapping_version"].get<std::string>().find('+'),
              std::string::npos);  // <version>+<sha>
    EXPECT_EQ(wo["history"].back()["to"], "not_collected");
    EXPECT_EQ(wo["history"].back()["source"], "vendor:bay-hauling");
}

TEST_F(VendorResults, ARetryAnswersAsTheFirstAndStoresNothingTwice) {
    const auto sr = order("bay-hauling");
    const auto body = bay_result(unique("BH"), sr, "Confirmed Positive").dump();
    ASSERT_EQ(post_bay(body).status, 200);
    auto again = post_bay(body);
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(nlohmann::json::parse(again.body)["results"][0]["status"], "duplicate");
    const auto wo = work_order(sr);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outcomes WHERE work_order_id = ?", wo["id"]), 1);
    EXPECT_EQ(
        scalar(
            "SELECT COUNT(*) FROM outbox WHERE work_order_id = ? AND event_type LIKE '%.completed'",
            wo["id"]),
        1);
}

TEST_F(VendorResults, ABatchRepeatingSinglesAndCarryingOneBadResultKeepsTheGoodOnes) {
    const auto sr1 = order("bay-hauling", "R-B1", 1);
    const auto sr2 = order("bay-hauling", "R-B1", 2);
    const auto sr3 = order("bay-hauling", "R-B1", 3);
    const auto first = bay_result(unique("BH"), sr1, "Confirmed Positive");
    ASSERT_EQ(post_bay(first.dump()).status, 200);
    auto bad = bay_result(unique("BH"), sr3, "Confirmed Negative", "ZZZ");
    nlohmann::json batch = {
        {"route", "R-B1"},
        {"route_date", "02/03/2026"},
        {"results", {first, bay_result(unique("BH"), sr2, "Confirmed Negative", "INF"), bad}}};
    auto r = post_bay(batch.dump());
    ASSERT_EQ(r.status, 422) << r.body;
    const auto p = problem(r);
    EXPECT_EQ(p["results"][0]["status"], "duplicate");
    EXPECT_EQ(p["results"][1]["status"], "accepted");
    EXPECT_EQ(p["results"][2]["status"], "rejected");
    const auto error = p["results"][2]["errors"][0];
    EXPECT_NE(error["detail"].get<std::string>().find("ZZZ"), std::string::npos) << error;
    EXPECT_EQ(error["pointer"], "/results/2/exception/code");
    EXPECT_EQ(work_order(sr2)["outcome"]["reason"], "INSTRUCTIONS_NOT_FOLLOWED");
    EXPECT_EQ(work_order(sr3)["status"], "dispatched");  // never turned into OTHER
    EXPECT_GE(quarantined_with_body_containing("ZZZ"), 1);
}

TEST_F(VendorResults, BadInputGetsAPreciseProblemAndIsKeptForReplay) {
    const auto sr = order("bay-hauling");
    struct Case {
        std::string name;
        std::string body;
        int status;
        std::string pointer_part;
    };
    auto missing_ticket = bay_result("x", sr);
    missing_ticket.erase("ticket_number");
    auto wrong_type = bay_result(unique("BH"), sr);
    wrong_type["gps"]["lat"] = "north";
    auto unmapped = bay_result(unique("BH"), sr, "Confirmed Negative", "XYZ");
    const std::vector<Case> cases = {
        {"malformed", "{\"ticket_number\": \"BH-1\", \"status\": ", 400, ""},
        {"number too large", "{\"ticket_number\": \"BH-2\", \"weight\": 1e99999}", 400, ""},
        {"missing field", missing_ticket.dump(), 422, "ticket_number"},
        {"wrong type", wrong_type.dump(), 422, "/gps/lat"},
        {"unmapped code", unmapped.dump(), 422, "/exception/code"},
    };
    for (const auto& c : cases) {
        auto r = post_bay(c.body);
        EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body;
        const auto p = problem(r);
        EXPECT_TRUE(p.contains("type") && p.contains("detail")) << c.name;
        if (!c.pointer_part.empty()) {
            EXPECT_NE(r.body.find(c.pointer_part), std::string::npos) << c.name << ": " << r.body;
        }
        EXPECT_GE(quarantined_with_body_containing(c.body.substr(0, 40)), 1) << c.name;
    }
    EXPECT_EQ(work_order(sr)["status"], "dispatched");  // nothing half-written
}

// Found by fuzzing: the JSON parser throws out_of_range (not parse_error) for a number no double
// holds; the CRM's routes must answer it as malformed JSON like any other.
TEST_F(VendorResults, ACrmBodyWithANumberTooLargeIsMalformedJson) {
    auto c = gateway_->client();
    const std::string body = R"({"crm_case_id": "SR-HUGE", "lat": 1e99999})";
    const auto created =
        c.post("/v1/work-orders", body, "application/json", gateway_->crm_headers());
    EXPECT_EQ(created.status, 400) << created.body;
    const auto cancel =
        c.post("/v1/work-orders/wo_1/cancel", body, "application/json", gateway_->crm_headers());
    EXPECT_LT(cancel.status, 500) << cancel.body;
    EXPECT_EQ(c.get("/healthz").status, 200);  // still serving
}

TEST_F(VendorResults, CredentialsMediaTypeAndSizeAreChecked) {
    const auto sr = order("bay-hauling");
    const auto body = bay_result(unique("BH"), sr).dump();
    auto c = gateway_->client();
    auto no_key = c.post("/v1/vendors/bay-hauling/results", body, "application/json", {});
    EXPECT_EQ(no_key.status, 401);
    EXPECT_EQ(problem(no_key)["pointer"], "Authorization");
    auto wrong_key = c.post("/v1/vendors/bay-hauling/results", body, "application/json",
                            {{"Authorization", "Bearer nope"}});
    EXPECT_EQ(wrong_key.status, 401);
    auto other_vendors_key = c.post("/v1/vendors/bay-hauling/results", body, "application/json",
                                    {{"Authorization", "Bearer " + gateway_->secrets.curbside}});
    EXPECT_EQ(other_vendors_key.status, 401);
    auto xml = c.post("/v1/vendors/bay-hauling/results", body, "text/xml",
                      {{"Authorization", "Bearer " + gateway_->secrets.bay}});
    EXPECT_EQ(xml.status, 415);
    EXPECT_NE(problem(xml)["detail"].get<std::string>().find("application/json"),
              std::string::npos);

    std::string huge = "{\"pad\":\"" + std::string(5 * 1024 * 1024, 'x') + "\"}";
    auto big = c.post("/v1/vendors/bay-hauling/results", huge, "application/json",
                      {{"Authorization", "Bearer " + gateway_->secrets.bay}});
    EXPECT_EQ(big.status, 413);
    EXPECT_GE(scalar("SELECT COUNT(*) FROM quarantine WHERE http_status = 413"), 1);
    // Refused credentials are answered from the head and nothing of them is kept.
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM quarantine WHERE http_status = 401"), 0);
    EXPECT_GE(scalar("SELECT COUNT(*) FROM quarantine WHERE http_status = 415"), 1);
    // None of the keys tried was stored anywhere.
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM raw_payloads WHERE instr(headers, ?) > 0",
                     gateway_->secrets.bay),
              0);
    EXPECT_EQ(work_order(sr)["status"], "dispatched");
}

TEST_F(VendorResults, SignedBayRequestsAreVerified) {
    const auto sr = order("bay-hauling");
    const auto body = bay_result(unique("BH"), sr, "Confirmed Positive").dump();
    const auto ts = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count());
    auto tampered = post_bay(
        body,
        {{"X-BH-Timestamp", ts},
         {"X-BH-Signature", "sha256=" + hmac_sha256_hex(gateway_->secrets.bay_hmac, ts + ".{}")}});
    EXPECT_EQ(tampered.status, 401);
    auto good = post_bay(
        body, {{"X-BH-Timestamp", ts},
               {"X-BH-Signature",
                "sha256=" + hmac_sha256_hex(gateway_->secrets.bay_hmac, ts + "." + body)}});
    EXPECT_EQ(good.status, 200) << good.body;
}

TEST_F(VendorResults, AResultForAnotherVendorsOrderIsRefusedLikeAnUnknownOne) {
    const auto valley_sr = order("valley-disposal");
    auto foreign = post_bay(bay_result(unique("BH"), valley_sr, "Confirmed Positive").dump());
    auto unknown = post_bay(bay_result(unique("BH"), "SR-NOPE-1", "Confirmed Positive").dump());
    EXPECT_EQ(foreign.status, 422);
    EXPECT_EQ(foreign.status, unknown.status);
    EXPECT_EQ(problem(foreign)["type"], problem(unknown)["type"]);
    EXPECT_EQ(work_order(valley_sr)["status"], "dispatched");
}

TEST_F(VendorResults, AContradictoryClosureIsKeptAsAConflict) {
    const auto sr = order("bay-hauling");
    const auto ticket = unique("BH");
    ASSERT_EQ(post_bay(bay_result(ticket, sr, "Confirmed Positive").dump()).status, 200);
    auto r = post_bay(bay_result(ticket, sr, "Confirmed Negative", "NSO").dump());
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(problem(r)["type"], "https://fieldgate.example/problems/outcome-conflict");
    EXPECT_EQ(work_order(sr)["status"], "completed");
}

TEST_F(VendorResults, IdempotencyKeyReplaysTheStoredAnswer) {
    const auto sr = order("bay-hauling");
    const auto body = bay_result(unique("BH"), sr, "Confirmed Positive").dump();
    const auto key = unique("key");
    auto first = post_bay(body, {{"Idempotency-Key", key}});
    auto second = post_bay(body, {{"Idempotency-Key", key}});
    EXPECT_EQ(first.status, 200);
    EXPECT_EQ(second.status, 200);
    EXPECT_EQ(first.body, second.body);
    EXPECT_EQ(second.header("idempotent-replayed").value_or(""), "true");
    auto reused = post_bay(bay_result(unique("BH"), sr, "Confirmed Positive").dump(),
                           {{"Idempotency-Key", key}});
    EXPECT_EQ(reused.status, 422);
}

TEST_F(VendorResults, ValleySoapEventsAnswerInSoap) {
    const auto sr = order("valley-disposal");
    const auto guid = unique("9f3c2a4e");
    const auto& pw = gateway_->secrets.valley;
    auto en_route = post_valley(
        valley_event(guid, sr, 7669, 0, "city-of-sj", pw, "2026-02-03T08:00:00", "s", "v"));
    ASSERT_EQ(en_route.status, 200) << en_route.body;
    EXPECT_NE(en_route.body.find("NotifyEventUpdatedResponse"), std::string::npos);
    EXPECT_EQ(work_order(sr)["status"], "en_route");

    auto done = post_valley(valley_event(guid, sr, 7671, 100, "city-of-sj", pw));
    ASSERT_EQ(done.status, 200) << done.body;
    auto wo = work_order(sr);
    EXPECT_EQ(wo["status"], "not_collected");
    EXPECT_EQ(wo["outcome"]["reason"], "ACCESS_BLOCKED");
    EXPECT_EQ(wo["outcome"]["occurred_at"], "2026-02-03T09:15:02-08:00");
    // Notified again: same answer, nothing new.
    EXPECT_EQ(post_valley(valley_event(guid, sr, 7671, 100, "city-of-sj", pw)).status, 200);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outcomes WHERE vendor_ref = ?", guid), 2);
    // The password never reaches the store.
    EXPECT_EQ(
        scalar("SELECT COUNT(*) FROM raw_payloads WHERE instr(CAST(body AS TEXT), ?) > 0", pw), 0);
}

TEST_F(VendorResults, ValleyFaultsSayWhatIsWrong) {
    const auto sr = order("valley-disposal");
    auto bad_password = post_valley(valley_event(unique("g"), sr, 7670, 0, "city-of-sj", "wrong"));
    EXPECT_EQ(bad_password.status, 500);
    EXPECT_NE(bad_password.body.find("<faultcode>soap:Client</faultcode>"), std::string::npos)
        << bad_password.body;
    EXPECT_NE(bad_password.body.find("UsernameToken"), std::string::npos);

    auto unmapped = post_valley(
        valley_event(unique("g"), sr, 7671, 999, "city-of-sj", gateway_->secrets.valley));
    EXPECT_EQ(unmapped.status, 500);
    EXPECT_NE(unmapped.body.find("999"), std::string::npos) << unmapped.body;

    auto malformed = post_valley("<soap:Envelope><soap:Body>");
    EXPECT_EQ(malformed.status, 500);
    EXPECT_NE(malformed.body.find("faultstring"), std::string::npos);
    EXPECT_EQ(work_order(sr)["status"], "dispatched");
}

TEST_F(VendorResults, CurbsideCsvWithBomCrlfAndARouteLevelRow) {
    const std::string route = unique("R12");
    const auto sr1 = order("curbside-coop", route, 1);
    const auto sr2 = order("curbside-coop", route, 2);
    const auto sr3 = order("curbside-coop", route, 3);
    const auto sr4 = order("curbside-coop", route, 4);
    const std::string csv = "\xEF\xBB\xBF" + curbside_header() + "\r\n" + route + ",2026-02-03,1," +
                            sr1 + ",DONE,,,2026-02-03 07:41:10,CC-3,37.30121,-121.85112\r\n" +
                            route + ",2026-02-03,2," + sr2 +
                            ",EXC,NOT  OUT ,\"Nothing at curb, called resident\",2026-02-03 "
                            "07:58:44,CC-3,37.30277,-121.84790\r\n" +
                            route +
                            ",2026-02-03,*,,EXC,NO ACCESS PARKED CAR,Street sweeping day cars on "
                            "both sides,2026-02-03 09:30:00,CC-3,,\r\n" +
                            route +
                            ",2026-02-03,9,SR-UNKNOWN-9,EXC,CANCELLED,Resident cancelled at "
                            "door,1900-01-01 00:00:00,CC-3,,\r\n";
    auto r = post_curbside(csv);
    EXPECT_EQ(r.status, 422) << r.body;  // one row refused: the report lists it
    EXPECT_EQ(r.header("content-type").value_or("").rfind("text/csv", 0), 0u);
    EXPECT_NE(r.body.find("SR-UNKNOWN-9"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("rejected"), std::string::npos);
    EXPECT_EQ(work_order(sr1)["status"], "completed");
    EXPECT_EQ(work_order(sr2)["outcome"]["reason"], "NOT_SET_OUT");
    EXPECT_EQ(work_order(sr3)["outcome"]["reason"], "ACCESS_BLOCKED");
    EXPECT_EQ(work_order(sr4)["outcome"]["reason"], "ACCESS_BLOCKED");
    EXPECT_EQ(work_order(sr4)["outcome"]["occurred_at"], "2026-02-03T09:30:00-08:00");

    auto wrong_key = post_curbside(csv, "not-the-key");
    EXPECT_EQ(wrong_key.status, 401);
    auto broken =
        post_curbside(curbside_header() + "\n" + route + ",2026-02-03,1,\"unterminated,DONE\n");
    EXPECT_EQ(broken.status, 400) << broken.body;
}

TEST_F(VendorResults, MalformedHttpAndUnknownRoutesDoNotHurtTheProcess) {
    auto raw =
        raw_exchange("127.0.0.1", gateway_->port(), "NONSENSE\r\n\r\n", std::chrono::seconds(5));
    EXPECT_NE(raw.find("400"), std::string::npos) << raw;
    auto c = gateway_->client();
    EXPECT_EQ(c.get("/v1/nothing-here").status, 404);
    EXPECT_EQ(c.post("/v1/vendors/nobody/results", "{}").status, 404);
    EXPECT_EQ(c.get("/v1/work-orders/wo_missing", gateway_->crm_headers()).status, 404);
    EXPECT_EQ(c.get("/v1/work-orders/wo_missing").status, 401);
    EXPECT_EQ(c.get("/readyz").status, 200);
}

}  // namespace
}  // namespace fieldgate::test
