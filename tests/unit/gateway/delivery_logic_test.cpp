// Pure delivery logic: signing, attempt classification, backoff, Retry-After, endpoint URLs,
// the Open311 profile and the watchdog's deadline (the service window's end).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "crm_profiles.h"
#include "endpoint_url.h"
#include "retry_policy.h"
#include "schedule.h"
#include "webhook_signer.h"

namespace fieldgate::delivery {
namespace {

using std::chrono::seconds;

TEST(WebhookSigner, ReproducesTheStandardWebhooksTestVector) {
    const WebhookSigner signer({"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"});
    EXPECT_EQ(signer.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})"),
              "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(WebhookSigner, SignsWithEverySecretDuringARotation) {
    const WebhookSigner one({"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"});
    const WebhookSigner two(
        {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_c2Vjb25kLXNlY3JldA=="});
    const auto a = one.sign("msg_1", 1700000000, "{}");
    const auto both = two.sign("msg_1", 1700000000, "{}");
    ASSERT_EQ(both.find(' '), a.size());
    EXPECT_EQ(both.substr(0, a.size()), a);
    EXPECT_EQ(both.substr(a.size() + 1, 3), "v1,");
    EXPECT_NE(both.substr(a.size() + 1), a);
}

TEST(WebhookSigner, ChangesWithBodyIdAndTimestamp) {
    const WebhookSigner s({"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"});
    const auto base = s.sign("msg_1", 1700000000, "{}");
    EXPECT_NE(base, s.sign("msg_2", 1700000000, "{}"));
    EXPECT_NE(base, s.sign("msg_1", 1700000001, "{}"));
    EXPECT_NE(base, s.sign("msg_1", 1700000000, "{ }"));
}

TEST(WebhookSigner, RefusesASecretThatIsNotBase64) {
    EXPECT_THROW(WebhookSigner({"whsec_not*base64"}), std::invalid_argument);
}

TEST(RetryPolicy, ClassifiesAnswers) {
    EXPECT_EQ(classify(200), AttemptResult::delivered);
    EXPECT_EQ(classify(204), AttemptResult::delivered);
    EXPECT_EQ(classify(0), AttemptResult::retry);
    EXPECT_EQ(classify(408), AttemptResult::retry);
    EXPECT_EQ(classify(429), AttemptResult::retry);
    EXPECT_EQ(classify(500), AttemptResult::retry);
    EXPECT_EQ(classify(503), AttemptResult::retry);
    EXPECT_EQ(classify(400), AttemptResult::rejected);
    EXPECT_EQ(classify(401), AttemptResult::rejected);
    EXPECT_EQ(classify(404), AttemptResult::rejected);
    EXPECT_EQ(classify(410), AttemptResult::gone);
    EXPECT_TRUE(endpoint_wide(0));
    EXPECT_TRUE(endpoint_wide(429));
    EXPECT_TRUE(endpoint_wide(503));
    EXPECT_FALSE(endpoint_wide(500));
}

TEST(RetryPolicy, DefaultScheduleIsEightAttempts) {
    const BackoffSchedule s;
    EXPECT_EQ(s.next_delay(1), seconds(5));
    EXPECT_EQ(s.next_delay(2), seconds(300));
    EXPECT_EQ(s.next_delay(3), seconds(1800));
    EXPECT_EQ(s.next_delay(4), seconds(7200));
    EXPECT_EQ(s.next_delay(5), seconds(18000));
    EXPECT_EQ(s.next_delay(6), seconds(36000));
    EXPECT_EQ(s.next_delay(7), seconds(36000));
    EXPECT_FALSE(s.next_delay(8).has_value());
}

TEST(RetryPolicy, RetryAfterWinsWhenLonger) {
    const BackoffSchedule s({seconds(0), seconds(5), seconds(60)});
    EXPECT_EQ(s.next_delay(1, seconds(2)), seconds(5));
    EXPECT_EQ(s.next_delay(1, seconds(30)), seconds(30));
    EXPECT_FALSE(s.next_delay(3, seconds(1)).has_value());
}

TEST(RetryPolicy, ParsesRetryAfterSecondsAndDates) {
    const auto now = std::chrono::system_clock::time_point(seconds(1445412480));  // 07:28:00 -
    EXPECT_EQ(parse_retry_after("120", now), seconds(120));
    EXPECT_EQ(parse_retry_after(" 7 ", now), seconds(7));
    EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT",
                                std::chrono::system_clock::time_point(seconds(1445412470))),
              seconds(10));
    EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT",
                                std::chrono::system_clock::time_point(seconds(1445412490))),
              seconds(0));
    EXPECT_FALSE(parse_retry_after("", now).has_value());
    EXPECT_FALSE(parse_retry_after("soon", now).has_value());
    EXPECT_FALSE(parse_retry_after("-5", now).has_value());
}

TEST(EndpointUrl, SplitsHttpsAndHttpUrlsIntoOriginAndTarget) {
    std::string error;
    auto u = http::parse_endpoint_url("https://crm.example.org/api/events?x=1", error);
    ASSERT_TRUE(u) << error;
    EXPECT_TRUE(u->https);
    EXPECT_EQ(u->origin, "https://crm.example.org");
    EXPECT_EQ(u->target, "/api/events?x=1");
    u = http::parse_endpoint_url("http://127.0.0.1:8088", error);
    ASSERT_TRUE(u) << error;
    EXPECT_EQ(u->origin, "http://127.0.0.1:8088");
    EXPECT_EQ(u->target, "/");
    EXPECT_FALSE(http::parse_endpoint_url("ftp://host/", error));
    EXPECT_NE(error.find("https://"), std::string::npos) << error;
    EXPECT_FALSE(http::parse_endpoint_url("http://host:99999/", error));
    EXPECT_FALSE(http::parse_endpoint_url("https://user:pw@host/", error));
    EXPECT_FALSE(http::parse_endpoint_url("crm.example.org/events", error));
}

TEST(EndpointUrl, PlainHttpToAnotherMachineIsRefusedUnlessAllowed) {
    std::string error;
    const auto remote = *http::parse_endpoint_url("http://crm.example.org/events", error);
    const auto refusal = http::refuse_plaintext(remote, false, "crm.endpoint");
    EXPECT_NE(refusal.find("crm.endpoint"), std::string::npos) << refusal;
    EXPECT_NE(refusal.find("allow_insecure_http"), std::string::npos) << refusal;
    EXPECT_EQ(http::refuse_plaintext(remote, true, "crm.endpoint"), "");
    for (const char* local : {"http://127.0.0.1:9/", "http://localhost/", "http://[::1]:8/"})
        EXPECT_EQ(http::refuse_plaintext(*http::parse_endpoint_url(local, error), false, "x"), "")
            << local;
    const auto tls = *http::parse_endpoint_url("https://crm.example.org/events", error);
    EXPECT_EQ(http::refuse_plaintext(tls, false, "crm.endpoint"), "");
}

store::WorkOrder order() {
    store::WorkOrder wo;
    wo.id = "wo_1";
    wo.crm_case_id = "SR-2026-1";
    wo.vendor = "bay-hauling";
    return wo;
}

TEST(CrmProfiles, Open311UpdateCarriesThePairsMessageMediaAndBothTimes) {
    const auto catalog = Catalog::load(
        std::string(FIELDGATE_SOURCE_ROOT) + "/gateway/catalog/standard-codes.json",
        std::string(FIELDGATE_SOURCE_ROOT) + "/gateway/catalog/standard-codes.schema.json");
    store::OutboxEvent e{42, "wo_1",       "gov.city.workorder.not_collected", "not_collected",
                         7,  std::nullopt, "2026-02-03T18:45:00.000Z"};
    store::OutcomeRow o;
    o.id = 7;
    o.result.outcome = "NOT_COLLECTED";
    o.result.reason = "NOT_SET_OUT";
    o.result.occurred_at = "2026-02-03T10:42:17-08:00";
    o.result.photos = {"https://media.example/1.jpg", "https://media.example/2.jpg"};
    const auto r = render_crm_event(CrmProfile::open311, {"gov.city.workorder", "urn:fg"}, catalog,
                                    e, order(), &o);
    EXPECT_EQ(r.id, "evt_42");
    const auto body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body["service_request_id"], "SR-2026-1");
    EXPECT_EQ(body["status"], "closed");
    EXPECT_EQ(body["external_status_code"], "NOT_COLLECTED/NOT_SET_OUT");
    EXPECT_EQ(body["service_notice"], "Not collected: Items not set out");
    EXPECT_EQ(body["media_url"], "https://media.example/1.jpg");
    // The time of the update, not the field's: the field's own time has its own field.
    EXPECT_EQ(body["updated_datetime"], "2026-02-03T18:45:00.000Z");
    EXPECT_EQ(body["occurred_datetime"], "2026-02-03T10:42:17-08:00");
    EXPECT_EQ(body["status_notes"], catalog.message_for("NOT_COLLECTED", "NOT_SET_OUT")->text);
    EXPECT_EQ(body["status_notes_version"], "NOT_COLLECTED/NOT_SET_OUT@1");
    EXPECT_EQ(body["sequence"], "00000000000000000042");
}

TEST(CrmProfiles, CloudEventCarriesSubjectSequenceAndOutcome) {
    const auto catalog = Catalog::load(
        std::string(FIELDGATE_SOURCE_ROOT) + "/gateway/catalog/standard-codes.json",
        std::string(FIELDGATE_SOURCE_ROOT) + "/gateway/catalog/standard-codes.schema.json");
    store::OutboxEvent e{9, "wo_1",       "gov.city.workorder.completed", "completed",
                         3, std::nullopt, "2026-02-03T18:45:00.000Z"};
    store::OutcomeRow o;
    o.id = 3;
    o.result.outcome = "COMPLETED";
    o.evidence_json = "{}";
    o.vendor_ref = "BH-1";
    const auto r = render_crm_event(CrmProfile::cloudevents, {"gov.city.workorder", "urn:fg"},
                                    catalog, e, order(), &o);
    EXPECT_EQ(r.content_type.substr(0, 29), "application/cloudevents+json;");
    const auto body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body["specversion"], "1.0");
    EXPECT_EQ(body["id"], "evt_9");
    EXPECT_EQ(body["subject"], "SR-2026-1");
    EXPECT_EQ(body["sequence"], "00000000000000000009");
    EXPECT_EQ(body["type"], "gov.city.workorder.completed");
    EXPECT_EQ(body["data"]["outcome"]["code"], "COMPLETED");
    EXPECT_EQ(body["data"]["outcome"]["vendor_ref"], "BH-1");
    EXPECT_EQ(body["data"]["outcome"]["customer_message_version"], "COMPLETED@1");
}

// A partial pickup tells the resident what was collected and what was not; a GeoReport v2
// client tells it from a non-collection of the same reason by its status_notes and notice.
TEST(CrmProfiles, APartialPickupAndANonCollectionOfOneReasonSayDifferentThings) {
    const auto catalog = Catalog::load(
        std::string(FIELDGATE_SOURCE_ROOT) + "/gateway/catalog/standard-codes.json",
        std::string(FIELDGATE_SOURCE_ROOT) + "/gateway/catalog/standard-codes.schema.json");
    auto render = [&](CrmProfile profile, const std::string& outcome) {
        store::OutboxEvent e{5, "wo_1",       "gov.city.workorder.x",    "not_collected",
                             2, std::nullopt, "2026-02-03T18:45:00.000Z"};
        if (outcome == "PARTIALLY_COMPLETED") e.status = "partially_completed";
        store::OutcomeRow o;
        o.id = 2;
        o.result.outcome = outcome;
        o.result.reason = "OVER_SIZE_LIMIT";
        o.evidence_json = "{}";
        return nlohmann::json::parse(
            render_crm_event(profile, {"gov.city.workorder", "urn:fg"}, catalog, e, order(), &o)
                .body);
    };
    const auto partial_message = catalog.message_for("PARTIALLY_COMPLETED", "OVER_SIZE_LIMIT");
    const auto partial = render(CrmProfile::cloudevents, "PARTIALLY_COMPLETED");
    EXPECT_EQ(partial["data"]["outcome"]["customer_message"], partial_message->text);
    EXPECT_EQ(partial["data"]["outcome"]["customer_message_version"],
              "PARTIALLY_COMPLETED/OVER_SIZE_LIMIT@1");
    const auto missed = render(CrmProfile::cloudevents, "NOT_COLLECTED");
    EXPECT_NE(missed["data"]["outcome"]["customer_message"], partial_message->text);

    const auto partial311 = render(CrmProfile::open311, "PARTIALLY_COMPLETED");
    const auto missed311 = render(CrmProfile::open311, "NOT_COLLECTED");
    EXPECT_EQ(partial311["status_notes"], partial_message->text);
    EXPECT_NE(partial311["status_notes"], missed311["status_notes"]);
    EXPECT_EQ(partial311["external_status_code"], "PARTIALLY_COMPLETED/OVER_SIZE_LIMIT");
    EXPECT_EQ(missed311["external_status_code"], "NOT_COLLECTED/OVER_SIZE_LIMIT");
    EXPECT_EQ(partial311["service_notice"], "Partially completed: Above the curb or over 3 feet");
}

TEST(Watchdog, DeadlineIsTheWindowEndInTheCityZone) {
    const auto d = service_window("2026-02-03", std::string("07:00"), std::string("17:00"),
                                  "America/Los_Angeles");
    ASSERT_TRUE(d);
    EXPECT_EQ(format_utc(d->end), "2026-02-04T01:00:00.000Z");
    const auto whole_day =
        service_window("2026-07-01", std::nullopt, std::nullopt, "America/Los_Angeles");
    ASSERT_TRUE(whole_day);
    EXPECT_EQ(format_utc(whole_day->end), "2026-07-02T07:00:00.000Z");  // midnight, exclusive
    const auto explicit_time = service_window(
        "2026-02-03", std::nullopt, std::string("2026-02-03T12:00:00Z"), "America/New_York");
    ASSERT_TRUE(explicit_time);
    EXPECT_EQ(format_utc(explicit_time->end), "2026-02-03T12:00:00.000Z");
}

}  // namespace
}  // namespace fieldgate::delivery
