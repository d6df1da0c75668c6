#include <gtest/gtest.h>

#include "types.h"

namespace fieldgate::http {
namespace {

TEST(http_types, percent_decode_decodes_escapes_and_optionally_plus) {
    EXPECT_EQ(percent_decode("a%20b%2Fc", false), "a b/c");
    EXPECT_EQ(percent_decode("a+b", false), "a+b");
    EXPECT_EQ(percent_decode("a+b", true), "a b");
    EXPECT_EQ(percent_decode("%41%62%7e", false), "Ab~");
    EXPECT_EQ(percent_decode("%C3%A9", false), "\xC3\xA9");
    EXPECT_EQ(percent_decode("%00x", false), std::string("\0x", 2));
}

TEST(http_types, percent_decode_keeps_malformed_escapes) {
    EXPECT_EQ(percent_decode("%", false), "%");
    EXPECT_EQ(percent_decode("%4", false), "%4");
    EXPECT_EQ(percent_decode("%zz1", false), "%zz1");
    EXPECT_EQ(percent_decode("100%", false), "100%");
    EXPECT_EQ(percent_decode("", true), "");
}

TEST(http_types, header_lookup_is_case_insensitive) {
    Request r;
    r.headers = {{"content-type", "application/json"}, {"x-api-key", "k1"}};
    EXPECT_EQ(r.header("Content-Type"), "application/json");
    EXPECT_EQ(r.header("X-API-KEY"), "k1");
    EXPECT_EQ(r.header("x-api-key"), "k1");
    EXPECT_FALSE(r.header("authorization").has_value());
}

TEST(http_types, query_param_decodes_and_finds_first) {
    Request r;
    r.query = "crm_case_id=SR%2D1&name=a+b&empty=&flag&dup=1&dup=2&sp%61ce=x";
    EXPECT_EQ(r.query_param("crm_case_id"), "SR-1");
    EXPECT_EQ(r.query_param("name"), "a b");
    EXPECT_EQ(r.query_param("empty"), "");
    EXPECT_EQ(r.query_param("flag"), "");
    EXPECT_EQ(r.query_param("dup"), "1");
    EXPECT_EQ(r.query_param("space"), "x");
    EXPECT_FALSE(r.query_param("missing").has_value());
    EXPECT_FALSE(r.query_param("Name").has_value());  // names are case-sensitive

    Request none;
    EXPECT_FALSE(none.query_param("a").has_value());
    Request stray;
    stray.query = "&&a=1&";
    EXPECT_EQ(stray.query_param("a"), "1");
}

}  // namespace
}  // namespace fieldgate::http
