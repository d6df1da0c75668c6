#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "config.h"
#include "json_schema.h"
#include "support/temp_dir.h"

namespace fieldgate {
namespace {

TEST(Config, DefaultsAndRelativePathsResolveAgainstTheConfigFolder) {
    test::TempDir dir;
    const auto path =
        dir.write("conf/gateway.json", R"({"listen":{"port":0},"store":{"path":"data/fg.db"}})");
    const auto c = load_config(path);
    EXPECT_EQ(c.listen_port, 0);
    EXPECT_EQ(c.synchronous, "FULL");
    EXPECT_EQ(c.store_path, (dir.path() / "conf/data/fg.db").string());
    EXPECT_EQ(c.catalog_path, test::source_path("gateway/catalog/standard-codes.json"));
}

TEST(Config, AnUnknownKeyIsAStartupErrorNamingItsPointer) {
    test::TempDir dir;
    const auto path = dir.write("gateway.json", R"({"listen":{"prot":8080}})");
    try {
        load_config(path);
        FAIL() << "accepted an unknown key";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(path + "#/listen/prot: unknown key 'prot'"),
                  std::string::npos)
            << e.what();
    }
}

TEST(Config, AnEnumMismatchNamesTheFieldAndTheAllowedValues) {
    test::TempDir dir;
    const auto path = dir.write("gateway.json", R"({"store":{"synchronous":"SOMETIMES"}})");
    try {
        load_config(path);
        FAIL() << "accepted synchronous SOMETIMES";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(path + "#/store/synchronous: expected one of "
                                                    "\"FULL\", \"NORMAL\", \"OFF\"; got "
                                                    "\"SOMETIMES\""),
                  std::string::npos)
            << e.what();
    }
}

TEST(Config, WrongTypesAreRefused) {
    test::TempDir dir;
    EXPECT_THROW(load_config(dir.write("a.json", R"({"store":{"synchronous":"SOMETIMES"}})")),
                 std::runtime_error);
    EXPECT_THROW(load_config(dir.write("b.json", R"({"listen":{"port":"80"}})")),
                 std::runtime_error);
    EXPECT_THROW(load_config(dir.write("c.json", R"({"listen":)")), std::runtime_error);
}

TEST(Config, TheVendorRateLimitDefaultIsReadAndChecked) {
    test::TempDir dir;
    const auto defaults = load_config(dir.write("a.json", "{}"));
    EXPECT_EQ(defaults.vendor_rate_limit, (RateLimit{100, 500}));
    const auto set = load_config(
        dir.write("b.json", R"({"vendor_rate_limit":{"requests_per_second":2.5,"burst":10}})"));
    EXPECT_EQ(set.vendor_rate_limit, (RateLimit{2.5, 10}));
    EXPECT_THROW(load_config(dir.write(
                     "c.json", R"({"vendor_rate_limit":{"requests_per_second":0,"burst":10}})")),
                 std::runtime_error);
    EXPECT_THROW(load_config(dir.write("d.json", R"({"vendor_rate_limit":{"burst":10}})")),
                 std::runtime_error);
}

// Several gateways on one broker: a shared group and a client id of each one's own, which the
// environment may give when the gateways share a config file.
TEST(Config, MqttSharedGroupSessionExpiryAndTheClientIdFromTheEnvironment) {
    test::TempDir dir;
    ::unsetenv("FIELDGATE_MQTT_CLIENT_ID");
    const auto defaults = load_config(dir.write("a.json", R"({"mqtt":{}})"));
    ASSERT_TRUE(defaults.mqtt);
    EXPECT_EQ(defaults.mqtt->client_id, "fieldgate");
    EXPECT_EQ(defaults.mqtt->shared_group, "");
    EXPECT_EQ(defaults.mqtt->session_expiry_s, 604800u);
    const auto path = dir.write(
        "b.json",
        R"({"mqtt":{"client_id":"gw-a","shared_group":"fieldgate","session_expiry_s":4294967295}})");
    const auto set = load_config(path);
    EXPECT_EQ(set.mqtt->client_id, "gw-a");
    EXPECT_EQ(set.mqtt->shared_group, "fieldgate");
    EXPECT_EQ(set.mqtt->session_expiry_s, 4294967295u);
    ::setenv("FIELDGATE_MQTT_CLIENT_ID", "gw-b", 1);
    EXPECT_EQ(load_config(path).mqtt->client_id, "gw-b");
    EXPECT_FALSE(load_config(dir.write("c.json", "{}")).mqtt);  // no mqtt section: none made
    ::setenv("FIELDGATE_MQTT_CLIENT_ID", std::string(65, 'x').c_str(), 1);
    EXPECT_THROW(load_config(path), std::runtime_error);
    ::unsetenv("FIELDGATE_MQTT_CLIENT_ID");
    // A group name is one topic level without wildcards.
    EXPECT_THROW(load_config(dir.write("d.json", R"({"mqtt":{"shared_group":"a/b"}})")),
                 std::runtime_error);
    EXPECT_THROW(load_config(dir.write("e.json", R"({"mqtt":{"shared_group":"a+"}})")),
                 std::runtime_error);
    EXPECT_THROW(load_config(dir.write("f.json", R"({"mqtt":{"session_expiry_s":-1}})")),
                 std::runtime_error);
    // The gateway adds $share/<group>/ itself: a filter that has it already is a mistake.
    try {
        load_config(dir.write(
            "g.json",
            R"({"mqtt":{"shared_group":"fg","subscriptions":["fleet/a/#","$share/fg/fleet/#"]}})"));
        FAIL() << "accepted a $share filter with a shared group";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("#/mqtt/subscriptions/1: already a shared"),
                  std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace fieldgate
