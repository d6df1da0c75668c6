// The `auth` block of a poll block for real APIs: several static headers (secret or literal)
// and HTTP Basic; what loads and what is refused with its pointer.
#include "test_support.h"

namespace fieldgate::testing {
namespace {

nlohmann::json polled_with(nlohmann::json auth) {
    auto m = base_mapping("polled-vendor", "json");
    m["poll"] = {{"url", "https://vendor.example/api/pickups"},
                 {"auth", std::move(auth)},
                 {"interval_s", 60},
                 {"window", {{"since_param", "since"}}}};
    return m;
}

TEST(adapters_PollAuthSpec, SeveralHeadersLoadInOrderEachASecretOrALiteral) {
    TempDir dir;
    const auto load =
        load_mapping(dir, polled_with({{"scheme", "headers"},
                                       {"headers",
                                        {{"X-Client-Id", {{"secret", "acme/client-id"}}},
                                         {"X-Client-Secret", {{"secret", "acme/client-secret"}}},
                                         {"X-Api-Version", {{"value", "2024-06-01"}}}}}}));
    ASSERT_TRUE(load.vendor) << all_errors(load.errors);
    const auto& p = *load.vendor->spec.poll;
    EXPECT_EQ(p.auth_scheme, "headers");
    ASSERT_EQ(p.auth_headers.size(), 3u);
    EXPECT_EQ(poll_secret_names(p),
              (std::vector<std::string>{"acme/client-id", "acme/client-secret"}));
    for (const auto& h : p.auth_headers) {
        if (h.name == "X-Api-Version")
            EXPECT_EQ(h.value, "2024-06-01");
        else
            EXPECT_FALSE(h.secret.empty()) << h.name;
    }
}

TEST(adapters_PollAuthSpec, BasicTakesAUserNameOrItsSecretAndThePasswordSecret) {
    TempDir dir;
    auto load = load_mapping(dir, polled_with({{"scheme", "basic"},
                                               {"username", "city-of-example"},
                                               {"secret", "acme/password"}}));
    ASSERT_TRUE(load.vendor) << all_errors(load.errors);
    EXPECT_EQ(load.vendor->spec.poll->username, "city-of-example");
    EXPECT_EQ(poll_secret_names(*load.vendor->spec.poll),
              std::vector<std::string>{"acme/password"});

    load = load_mapping(dir, polled_with({{"scheme", "basic"},
                                          {"username_secret", "acme/user"},
                                          {"secret", "acme/password"}}));
    ASSERT_TRUE(load.vendor) << all_errors(load.errors);
    EXPECT_EQ(poll_secret_names(*load.vendor->spec.poll),
              (std::vector<std::string>{"acme/user", "acme/password"}));
}

TEST(adapters_PollAuthSpec, IncompleteOrMixedBlocksAreRefusedWithTheirPointer) {
    TempDir dir;
    auto load = load_mapping(dir, polled_with({{"scheme", "basic"}, {"secret", "acme/password"}}));
    EXPECT_FALSE(load.vendor);
    EXPECT_TRUE(has_load_error(load, "/poll/auth", "exactly one of 'username'"))
        << all_errors(load.errors);

    load = load_mapping(
        dir, polled_with({{"scheme", "headers"},
                          {"headers", {{"X-Id", {{"secret", "acme/id"}, {"value", "1"}}}}}}));
    EXPECT_FALSE(load.vendor);
    EXPECT_TRUE(
        has_load_error(load, "/poll/auth/headers/X-Id", "exactly one of 'secret' or 'value'"))
        << all_errors(load.errors);

    load = load_mapping(dir, polled_with({{"scheme", "bearer"},
                                          {"secret", "acme/key"},
                                          {"headers", {{"X-Id", {{"value", "1"}}}}}}));
    EXPECT_FALSE(load.vendor);
    EXPECT_TRUE(has_load_error(load, "/poll/auth", "scheme headers goes with"))
        << all_errors(load.errors);

    load = load_mapping(dir, polled_with({{"scheme", "headers"}, {"secret", "acme/key"}}));
    EXPECT_FALSE(load.vendor);
}

}  // namespace
}  // namespace fieldgate::testing
