#include <gtest/gtest.h>

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

}  // namespace
}  // namespace fieldgate
