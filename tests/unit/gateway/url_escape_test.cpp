#include "url_escape.h"

#include <gtest/gtest.h>

namespace fieldgate {
namespace {

TEST(UrlEscape, KeepsUnreservedCharacters) {
    EXPECT_EQ(url_escape(""), "");
    EXPECT_EQ(url_escape("AZaz09-._~"), "AZaz09-._~");
}

TEST(UrlEscape, EncodesEverythingElseAsUpperCaseHex) {
    EXPECT_EQ(url_escape("2026-02-03T11:00:00.000Z"), "2026-02-03T11%3A00%3A00.000Z");
    EXPECT_EQ(url_escape("abc/1"), "abc%2F1");
    EXPECT_EQ(url_escape("a b+c"), "a%20b%2Bc");  // a space is %20, never '+'
    EXPECT_EQ(url_escape("s3:cr&t+%="), "s3%3Acr%26t%2B%25%3D");
    EXPECT_EQ(url_escape(std::string("\0\n\x7f\xc3\xa9\xff", 6)), "%00%0A%7F%C3%A9%FF");
}

}  // namespace
}  // namespace fieldgate
