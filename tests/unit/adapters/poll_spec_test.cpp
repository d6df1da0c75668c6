// The `poll` block of mapping.json: what loads, and what is refused with its pointer.
#include "test_support.h"

namespace fieldgate::testing {
namespace {

nlohmann::json polled(nlohmann::json poll) {
    auto m = base_mapping("polled-vendor", "json");
    m["poll"] = std::move(poll);
    return m;
}

nlohmann::json good_poll() {
    return {{"url", "http://vendor.example:8091/api/v2/pickups?fixed=1"},
            {"auth", {{"scheme", "api_key_header"}, {"header", "X-Key"}, {"secret", "pv/api-key"}}},
            {"interval_s", 30},
            {"window", {{"since_param", "since"}, {"until_param", "until"}, {"overlap_s", 60}}},
            {"pagination", {{"next_link", "/links/next"}}},
            {"page_size", {{"param", "limit"}, {"value", 200}}}};
}

TEST(adapters_PollSpec, AWindowedPollBlockLoads) {
    TempDir dir;
    const auto load = load_mapping(dir, polled(good_poll()));
    ASSERT_TRUE(load.vendor) << all_errors(load.errors);
    const auto& p = *load.vendor->spec.poll;
    EXPECT_EQ(p.host, "vendor.example");
    EXPECT_EQ(p.port, 8091);
    EXPECT_EQ(p.target, "/api/v2/pickups?fixed=1");
    EXPECT_EQ(p.mode, "window");
    EXPECT_EQ(p.since_param, "since");
    EXPECT_EQ(p.overlap_s, 60);
    EXPECT_EQ(p.initial_lookback_s, 86400);
    EXPECT_EQ(p.next_link_pointer, "/links/next");
    EXPECT_EQ(p.auth_header, "X-Key");
    EXPECT_EQ(p.page_size, 200);
}

TEST(adapters_PollSpec, ShippedVendorsWithoutAPollBlockHaveNone) {
    TempDir dir;
    const auto load = load_mapping(dir, base_mapping("plain", "json"));
    ASSERT_TRUE(load.vendor) << all_errors(load.errors);
    EXPECT_FALSE(load.vendor->spec.poll);
}

TEST(adapters_PollSpec, WindowAndCursorTogetherAreRefused) {
    TempDir dir;
    auto p = good_poll();
    p["cursor"] = {{"param", "after"}, {"next_pointer", "/cursor"}};
    const auto load = load_mapping(dir, polled(p));
    EXPECT_FALSE(load.vendor);
    EXPECT_TRUE(has_load_error(load, "/poll", "exactly one of 'window'"))
        << all_errors(load.errors);
    EXPECT_TRUE(has_load_error(load, "/poll/pagination", "a cursor is its own pagination"))
        << all_errors(load.errors);
}

TEST(adapters_PollSpec, APageTokenNeedsItsParameterAndAKeyNeedsItsHeader) {
    TempDir dir;
    auto p = good_poll();
    p["pagination"] = {{"page_token", "/next"}};
    p["auth"] = {{"scheme", "api_key_header"}, {"secret", "pv/api-key"}};
    const auto load = load_mapping(dir, polled(p));
    EXPECT_FALSE(load.vendor);
    EXPECT_TRUE(has_load_error(load, "/poll/pagination", "page_token_param"))
        << all_errors(load.errors);
    EXPECT_TRUE(has_load_error(load, "/poll/auth", "needs 'header'")) << all_errors(load.errors);
}

TEST(adapters_PollSpec, UnknownKeysAndBadUrlsAreRefusedByTheMetaSchema) {
    TempDir dir;
    auto p = good_poll();
    p["intervall_s"] = 5;
    auto load = load_mapping(dir, polled(p));
    EXPECT_FALSE(load.vendor);
    EXPECT_TRUE(has_load_error(load, "/poll/intervall_s", "")) << all_errors(load.errors);
    for (const char* bad :
         {"ftp://vendor.example/api", "https://user:pw@vendor.example/api", "vendor.example/api"}) {
        p = good_poll();
        p["url"] = bad;
        load = load_mapping(dir, polled(p));
        EXPECT_FALSE(load.vendor) << bad;
        EXPECT_TRUE(has_load_error(load, "/poll/url", ""))
            << bad << ": " << all_errors(load.errors);
    }
}

TEST(adapters_PollSpec, AnHttpsUrlAndOAuth2ClientCredentialsAreTaken) {
    TempDir dir;
    auto p = good_poll();
    p["url"] = "https://vendor.example:8443/api/v2/pickups?region=south";
    p["auth"] = {{"scheme", "oauth2"},
                 {"oauth2",
                  {{"token_url", "https://login.vendor.example/oauth2/token"},
                   {"client_id", "city-of-sj"},
                   {"client_secret", "riverbend-recycling/oauth-client-secret"},
                   {"auth_method", "client_secret_post"},
                   {"scope", "pickups.read"}}}};
    auto load = load_mapping(dir, polled(p));
    ASSERT_TRUE(load.vendor) << all_errors(load.errors);
    const auto& spec = *load.vendor->spec.poll;
    EXPECT_EQ(spec.port, 8443);
    EXPECT_EQ(spec.target, "/api/v2/pickups?region=south");
    ASSERT_TRUE(spec.oauth2);
    EXPECT_EQ(spec.oauth2->client_secret, "riverbend-recycling/oauth-client-secret");
    EXPECT_EQ(spec.oauth2->auth_method, "client_secret_post");
    EXPECT_EQ(spec.oauth2->scope, "pickups.read");

    p["auth"] = {{"scheme", "oauth2"}, {"secret", "riverbend-recycling/api-key"}};
    load = load_mapping(dir, polled(p));
    EXPECT_FALSE(load.vendor);
    EXPECT_TRUE(has_load_error(load, "/poll/auth", "oauth2")) << all_errors(load.errors);
}

TEST(adapters_PollSpec, APolledVendorReadsJsonPages) {
    TempDir dir;
    auto m = base_mapping("polled-csv", "csv");
    m["poll"] = good_poll();
    const auto load = load_mapping(dir, m);
    EXPECT_FALSE(load.vendor);
    EXPECT_TRUE(has_load_error(load, "/format", "read as json")) << all_errors(load.errors);
}

}  // namespace
}  // namespace fieldgate::testing
