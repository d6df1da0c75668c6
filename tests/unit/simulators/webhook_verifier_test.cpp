// The CRM simulator's Standard Webhooks check against the spec's published test vector, and
// the ways a request must fail.
#include "webhook_verifier.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace fieldgate::crm_sim {
namespace {

using std::chrono::seconds;
using Clock = std::chrono::system_clock;

// From the Standard Webhooks specification (and its reference libraries' tests).
constexpr const char* kWebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* kId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr const char* kTimestamp = "1614265330";
constexpr const char* kBody = R"({"test": 2432232314})";
constexpr const char* kSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
// Another valid secret (base64 of "another-secret-key-bytes!!").
constexpr const char* kOtherSecret = "whsec_YW5vdGhlci1zZWNyZXQta2V5LWJ5dGVzISE=";

Clock::time_point at_vector_time(seconds offset = seconds(0)) {
    return Clock::time_point(seconds(1614265330)) + offset;
}

SignedRequest vector_request() {
    return {kId, kTimestamp, kSignature, kBody};
}

TEST(WebhookVerifier, AcceptsThePublishedTestVector) {
    const WebhookVerifier v({kWebhookSecret}, seconds(300));
    EXPECT_EQ(v.verify(vector_request(), at_vector_time()), Verdict::kValid);
    EXPECT_EQ(v.verify(vector_request(), at_vector_time(seconds(299))), Verdict::kValid);
    EXPECT_EQ(v.verify(vector_request(), at_vector_time(seconds(-299))), Verdict::kValid);
}

TEST(WebhookVerifier, RefusesATamperedBody) {
    const WebhookVerifier v({kWebhookSecret}, seconds(300));
    auto r = vector_request();
    r.body = R"({"test": 2432232315})";
    EXPECT_EQ(v.verify(r, at_vector_time()), Verdict::kNoMatchingSignature);
    r.body = R"({"test": 2432232314} )";
    EXPECT_EQ(v.verify(r, at_vector_time()), Verdict::kNoMatchingSignature);
}

TEST(WebhookVerifier, RefusesATamperedIdOrTimestamp) {
    const WebhookVerifier v({kWebhookSecret}, seconds(300));
    auto r = vector_request();
    r.id = "msg_p5jXN8AQM9LWM0D4loKWxJel";
    EXPECT_EQ(v.verify(r, at_vector_time()), Verdict::kNoMatchingSignature);
    r = vector_request();
    r.timestamp = "1614265331";
    EXPECT_EQ(v.verify(r, at_vector_time()), Verdict::kNoMatchingSignature);
}

TEST(WebhookVerifier, RefusesTheWrongSecret) {
    const WebhookVerifier v({kOtherSecret}, seconds(300));
    EXPECT_EQ(v.verify(vector_request(), at_vector_time()), Verdict::kNoMatchingSignature);
}

TEST(WebhookVerifier, AnyConfiguredSecretMayMatch) {
    const WebhookVerifier v({kOtherSecret, kWebhookSecret}, seconds(300));
    EXPECT_EQ(v.verify(vector_request(), at_vector_time()), Verdict::kValid);
}

TEST(WebhookVerifier, OneGoodSignatureAmongSeveralIsEnough) {
    const WebhookVerifier v({kWebhookSecret}, seconds(300));
    auto r = vector_request();
    const std::string several =
        std::string("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= v1a,whatever ") + kSignature +
        " v1,not-base64!";
    r.signature = several;
    EXPECT_EQ(v.verify(r, at_vector_time()), Verdict::kValid);
}

TEST(WebhookVerifier, OnlyBadSignaturesFail) {
    const WebhookVerifier v({kWebhookSecret}, seconds(300));
    auto r = vector_request();
    r.signature = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= v1,g0hM9SsE";
    EXPECT_EQ(v.verify(r, at_vector_time()), Verdict::kNoMatchingSignature);
    // The right bytes under another version tag do not count.
    r.signature = "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    EXPECT_EQ(v.verify(r, at_vector_time()), Verdict::kNoMatchingSignature);
}

TEST(WebhookVerifier, RefusesTimestampsOutsideTheTolerance) {
    const WebhookVerifier v({kWebhookSecret}, seconds(300));
    EXPECT_EQ(v.verify(vector_request(), at_vector_time(seconds(301))), Verdict::kOutsideTolerance);
    EXPECT_EQ(v.verify(vector_request(), at_vector_time(seconds(-301))),
              Verdict::kOutsideTolerance);
    const WebhookVerifier strict({kWebhookSecret}, seconds(5));
    EXPECT_EQ(strict.verify(vector_request(), at_vector_time(seconds(6))),
              Verdict::kOutsideTolerance);
    EXPECT_EQ(strict.verify(vector_request(), at_vector_time(seconds(5))), Verdict::kValid);
}

TEST(WebhookVerifier, RefusesMissingHeadersAndBadTimestamps) {
    const WebhookVerifier v({kWebhookSecret}, seconds(300));
    auto r = vector_request();
    r.signature = "";
    EXPECT_EQ(v.verify(r, at_vector_time()), Verdict::kMissingHeader);
    r = vector_request();
    r.id = "";
    EXPECT_EQ(v.verify(r, at_vector_time()), Verdict::kMissingHeader);
    r = vector_request();
    r.timestamp = "1614265330.5";
    EXPECT_EQ(v.verify(r, at_vector_time()), Verdict::kBadTimestamp);
    r.timestamp = "-1614265330";
    EXPECT_EQ(v.verify(r, at_vector_time()), Verdict::kBadTimestamp);
}

TEST(WebhookVerifier, RefusesSecretsThatAreNotWhsecBase64) {
    EXPECT_THROW(WebhookVerifier({"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, seconds(300)),
                 std::invalid_argument);
    EXPECT_THROW(WebhookVerifier({"whsec_not base64!"}, seconds(300)), std::invalid_argument);
    EXPECT_THROW(WebhookVerifier({}, seconds(300)), std::invalid_argument);
}

}  // namespace
}  // namespace fieldgate::crm_sim
