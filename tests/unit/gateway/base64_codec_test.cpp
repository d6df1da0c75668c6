#include "base64_codec.h"

#include <gtest/gtest.h>

namespace fieldgate {
namespace {

constexpr auto kRequired = Base64Padding::required;
constexpr auto kOptional = Base64Padding::optional;

TEST(Base64, EncodesWithPadding) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_encode("Aladdin:open sesame"), "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    EXPECT_EQ(base64_encode(std::string("\xfb\xff\0", 3)), "+/8A");
}

TEST(Base64, DecodesWhatItEncodes) {
    for (const std::string bytes : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
        EXPECT_EQ(base64_decode(base64_encode(bytes), kRequired), bytes);
        EXPECT_EQ(base64_decode(base64_encode(bytes), kOptional), bytes);
    }
    EXPECT_EQ(base64_decode("+/8A", kRequired), std::string("\xfb\xff\0", 3));
}

TEST(Base64, RequiredPaddingRefusesAnyOtherLength) {
    EXPECT_EQ(base64_decode("Zg", kRequired), std::nullopt);
    EXPECT_EQ(base64_decode("Zm8", kRequired), std::nullopt);
    EXPECT_EQ(base64_decode("Zg=", kRequired), std::nullopt);
    EXPECT_EQ(base64_decode("Zg===", kRequired), std::nullopt);
    EXPECT_EQ(base64_decode("Z===", kRequired), std::nullopt);
    EXPECT_EQ(base64_decode("====", kRequired), std::nullopt);
    EXPECT_EQ(base64_decode("Zm9vZg======", kRequired), std::nullopt);
}

TEST(Base64, OptionalPaddingIgnoresTrailingEquals) {
    EXPECT_EQ(base64_decode("Zg", kOptional), "f");
    EXPECT_EQ(base64_decode("Zm8", kOptional), "fo");
    EXPECT_EQ(base64_decode("Zg=", kOptional), "f");
    EXPECT_EQ(base64_decode("Zm9v===", kOptional), "foo");
    EXPECT_EQ(base64_decode("====", kOptional), "");
    EXPECT_EQ(base64_decode("Z", kOptional), std::nullopt);  // no byte count encodes to 1 char
    EXPECT_EQ(base64_decode("Zm9vZ=", kOptional), std::nullopt);
}

TEST(Base64, RefusesCharactersOutsideTheStandardAlphabet) {
    for (const auto padding : {kRequired, kOptional}) {
        EXPECT_EQ(base64_decode("not*base64==", padding), std::nullopt);
        EXPECT_EQ(base64_decode("Zm9v Zm8=", padding), std::nullopt);
        EXPECT_EQ(base64_decode("Zm9v\n", padding), std::nullopt);
        EXPECT_EQ(base64_decode("    Zm9v", padding), std::nullopt);
        EXPECT_EQ(base64_decode("Zm9v----", padding), std::nullopt);
        EXPECT_EQ(base64_decode("-_8A", padding), std::nullopt);  // URL-safe alphabet
        EXPECT_EQ(base64_decode("Zm=v", padding), std::nullopt);  // '=' before the end
        EXPECT_EQ(base64_decode("Zm9v\xc3\xa9", padding), std::nullopt);
    }
}

}  // namespace
}  // namespace fieldgate
