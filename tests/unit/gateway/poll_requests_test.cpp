// What a poll request carries and when the next one may leave: the credentials of each auth
// scheme, from a real secret store, and the wait after an answer (interval, Retry-After).
#include <gtest/gtest.h>

#include "http_basic.h"
#include "poll_auth.h"
#include "poll_plan.h"
#include "support/temp_dir.h"

namespace fieldgate::poll {
namespace {

using std::chrono::seconds;

TEST(gateway_PollRequests, TheNextRequestWaitsTheIntervalOrALongerRetryAfter) {
    const auto now = *parse_rfc3339("2026-03-01T10:00:00Z");
    EXPECT_EQ(next_request_delay(60, 200, std::nullopt, now).wait, seconds(60));
    EXPECT_EQ(next_request_delay(1, 503, "3", now).wait, seconds(3));
    EXPECT_EQ(next_request_delay(1, 429, "Sun, 01 Mar 2026 10:00:10 GMT", now).wait, seconds(10));
    // Never sooner than the interval; only 429 and 503 are asked to wait.
    EXPECT_EQ(next_request_delay(60, 429, "3", now).wait, seconds(60));
    EXPECT_EQ(next_request_delay(1, 500, "30", now).wait, seconds(1));
    EXPECT_EQ(next_request_delay(1, 503, "soon", now).wait, seconds(1));
    // A Retry-After of a day is taken as the cap.
    const auto capped = next_request_delay(1, 503, "86400", now);
    EXPECT_EQ(capped.wait, kMaxRetryAfter);
    EXPECT_TRUE(capped.capped);
    EXPECT_EQ(*capped.asked, seconds(86400));
}

TEST(gateway_PollRequests, BasicIsTheRfc7617Encoding) {
    EXPECT_EQ(basic_authorization("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

TEST(gateway_PollRequests, EachSchemeSendsItsHeadersFromTheSecretStore) {
    test::TempDir dir;
    dir.write("secrets/acme/client-id", "cid-1\n");
    dir.write("secrets/acme/client-secret", "csecret-2\n");
    dir.write("secrets/acme/user", "Aladdin\n");
    dir.write("secrets/acme/password", "open sesame\n");
    SecretStore secrets(dir.file("secrets"), "FGTEST_POLL_SECRET_");

    PollSpec headers;
    headers.auth_scheme = "headers";
    headers.auth_headers = {{"X-Client-Id", "acme/client-id", ""},
                            {"X-Client-Secret", "acme/client-secret", ""},
                            {"X-Api-Version", "", "2024-06-01"}};
    const http::HeaderList expected = {{"X-Client-Id", "cid-1"},
                                       {"X-Client-Secret", "csecret-2"},
                                       {"X-Api-Version", "2024-06-01"}};
    EXPECT_EQ(poll_credentials(headers, secrets).headers, expected);
    EXPECT_EQ(poll_secret_names(headers),
              (std::vector<std::string>{"acme/client-id", "acme/client-secret"}));

    PollSpec basic;
    basic.auth_scheme = "basic";
    basic.username_secret = "acme/user";
    basic.secret = "acme/password";
    EXPECT_EQ(poll_credentials(basic, secrets).headers,
              (http::HeaderList{{"Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="}}));
    basic.username_secret.clear();
    basic.username = "Aladdin";
    EXPECT_EQ(poll_credentials(basic, secrets).headers.at(0).second,
              "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");

    // A secret that is not configured: nothing is sent, and it is named.
    headers.auth_headers[1].secret = "acme/not-there";
    const auto missing = poll_credentials(headers, secrets);
    EXPECT_TRUE(missing.headers.empty());
    EXPECT_EQ(missing.missing_secret, "acme/not-there");
}

}  // namespace
}  // namespace fieldgate::poll
