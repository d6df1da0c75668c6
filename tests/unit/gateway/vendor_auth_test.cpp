#include <gtest/gtest.h>

#include <cstdlib>

#include "support/temp_dir.h"
#include "vendor_auth.h"

namespace fieldgate {
namespace {

using Clock = std::chrono::system_clock;

class VendorAuthTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_.write("secrets/bay/api-key", "old-key\nnew-key\n");
        dir_.write("secrets/bay/hmac", "shh");
        dir_.write("secrets/valley/password", "p@ss");
        dir_.write("secrets/curb/api-key", "curb-key");
        secrets_ = std::make_unique<SecretStore>(dir_.file("secrets"), "FGTEST_SECRET_");
        bay_.id = "bay";
        bay_.auth.scheme = "bearer";
        bay_.auth.secret = "bay/api-key";
        SignatureSpec sig;
        sig.secret = "bay/hmac";
        sig.timestamp_header = "X-BH-Timestamp";
        sig.signature_header = "X-BH-Signature";
        sig.prefix = "sha256=";
        sig.replay_window_s = 300;
        bay_.auth.signature = sig;
        valley_.id = "valley";
        valley_.auth = AuthSpec{"wsse_username_token", "",           "city-of-sj",
                                "valley/password",     std::nullopt, std::nullopt};
        curb_.id = "curb";
        curb_.auth =
            AuthSpec{"api_key_header", "X-Api-Key", "", "curb/api-key", std::nullopt, std::nullopt};
    }

    static http::Request request(std::vector<http::Header> headers, std::string body = "{}") {
        http::Request r;
        r.method = "POST";
        r.headers = std::move(headers);
        r.body = std::move(body);
        return r;
    }

    static std::string soap(const std::string& user, const std::string& password) {
        return R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>)"
               R"(<w:Security xmlns:w="urn:wsse"><w:UsernameToken><w:Username>)" +
               user + "</w:Username><w:Password>" + password +
               "</w:Password></w:UsernameToken></w:Security></s:Header><s:Body/></s:Envelope>";
    }

    test::TempDir dir_;
    std::unique_ptr<SecretStore> secrets_;
    VendorSpec bay_, valley_, curb_;
    Clock::time_point now_ = Clock::now();
};

TEST_F(VendorAuthTest, BearerKeyAcceptsEveryRotatedValueAndRefusesOthers) {
    EXPECT_FALSE(
        authenticate_vendor(bay_, request({{"authorization", "Bearer old-key"}}), *secrets_, now_));
    EXPECT_FALSE(
        authenticate_vendor(bay_, request({{"authorization", "Bearer new-key"}}), *secrets_, now_));
    auto wrong =
        authenticate_vendor(bay_, request({{"authorization", "Bearer guess"}}), *secrets_, now_);
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->status, 401);
    EXPECT_EQ(wrong->detail.find("guess"), std::string::npos);  // never echo what was sent
    auto missing = authenticate_vendor(bay_, request({}), *secrets_, now_);
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->pointer, "Authorization");
    EXPECT_TRUE(
        authenticate_vendor(bay_, request({{"authorization", "Basic old-key"}}), *secrets_, now_));
}

TEST_F(VendorAuthTest, HmacSignatureIsVerifiedWhenPresent) {
    const std::string body = R"({"ticket_number":"BH-1"})";
    const auto ts = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(now_.time_since_epoch()).count());
    const std::string good = "sha256=" + hmac_sha256_hex("shh", ts + "." + body);
    auto signed_request = [&](std::string ts_value, std::string sig, std::string b) {
        return request({{"authorization", "Bearer new-key"},
                        {"x-bh-timestamp", ts_value},
                        {"x-bh-signature", sig}},
                       b);
    };
    EXPECT_FALSE(authenticate_vendor(bay_, signed_request(ts, good, body), *secrets_, now_));
    EXPECT_TRUE(authenticate_vendor(bay_, signed_request(ts, good, body + " "), *secrets_,
                                    now_));  // tampered body
    const auto old_ts = std::to_string(std::stoll(ts) - 301);
    EXPECT_TRUE(authenticate_vendor(
        bay_, signed_request(old_ts, "sha256=" + hmac_sha256_hex("shh", old_ts + "." + body), body),
        *secrets_, now_));  // replay outside the window
    EXPECT_TRUE(authenticate_vendor(
        bay_, signed_request(ts, hmac_sha256_hex("shh", ts + "." + body), body), *secrets_, now_));
    // Optional: an unsigned request passes; once required it does not.
    EXPECT_FALSE(authenticate_vendor(bay_, request({{"authorization", "Bearer new-key"}}, body),
                                     *secrets_, now_));
    bay_.auth.signature->required = true;
    EXPECT_TRUE(authenticate_vendor(bay_, request({{"authorization", "Bearer new-key"}}, body),
                                    *secrets_, now_));
}

TEST_F(VendorAuthTest, HmacMatchesAKnownVector) {
    // RFC 4231 test case 2.
    EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_F(VendorAuthTest, UsernameTokenWithAnyPrefix) {
    EXPECT_FALSE(
        authenticate_vendor(valley_, request({}, soap("city-of-sj", "p@ss")), *secrets_, now_));
    EXPECT_TRUE(
        authenticate_vendor(valley_, request({}, soap("city-of-sj", "nope")), *secrets_, now_));
    EXPECT_TRUE(
        authenticate_vendor(valley_, request({}, soap("someone", "p@ss")), *secrets_, now_));
    auto none = authenticate_vendor(valley_, request({}, R"(<Envelope><Body/></Envelope>)"),
                                    *secrets_, now_);
    ASSERT_TRUE(none);
    EXPECT_NE(none->detail.find("UsernameToken"), std::string::npos);
}

TEST_F(VendorAuthTest, StoredSoapBodiesHaveThePasswordBlanked) {
    const auto stored = redact_credentials(valley_, soap("city-of-sj", "p@ss"));
    EXPECT_EQ(stored.find("p@ss"), std::string::npos);
    EXPECT_NE(stored.find("[redacted]"), std::string::npos);
    EXPECT_NE(stored.find("city-of-sj"), std::string::npos);
}

TEST_F(VendorAuthTest, ApiKeyHeader) {
    EXPECT_FALSE(authenticate_vendor(curb_, request({{"x-api-key", "curb-key"}}), *secrets_, now_));
    EXPECT_TRUE(authenticate_vendor(curb_, request({{"x-api-key", "bay"}}), *secrets_, now_));
    EXPECT_TRUE(authenticate_vendor(curb_, request({}), *secrets_, now_));
}

TEST_F(VendorAuthTest, AVendorWithoutConfiguredCredentialsLetsNobodyIn) {
    curb_.auth.secret = "curb/not-configured";
    EXPECT_TRUE(authenticate_vendor(curb_, request({{"x-api-key", ""}}), *secrets_, now_));
}

TEST_F(VendorAuthTest, EnvironmentOverridesFiles) {
    setenv("FGTEST_SECRET_CURB_API_KEY", "from-env", 1);
    SecretStore fresh(dir_.file("secrets"), "FGTEST_SECRET_");
    EXPECT_TRUE(fresh.matches("curb/api-key", "from-env"));
    EXPECT_FALSE(fresh.matches("curb/api-key", "curb-key"));
    unsetenv("FGTEST_SECRET_CURB_API_KEY");
}

TEST_F(VendorAuthTest, KeptHeadersNeverIncludeCredentials) {
    auto r = request({{"authorization", "Bearer new-key"},
                      {"x-api-key", "curb-key"},
                      {"request-tracking-id", "t-1"},
                      {"x-bh-signature", "sha256=ab"}});
    const auto kept = safe_headers_json(r);
    EXPECT_EQ(kept.find("new-key"), std::string::npos);
    EXPECT_EQ(kept.find("curb-key"), std::string::npos);
    EXPECT_NE(kept.find("t-1"), std::string::npos);
}

// auth.client_certificate (issue 16): the certificate named in the folder, over HTTPS only;
// with_key asks for the vendor's key as well.
TEST_F(VendorAuthTest, ClientCertificateWithKeyNeedsBoth) {
    bay_.auth.signature.reset();
    bay_.auth.client_certificate = ClientCertificateSpec{"ab12", "", true};
    auto with = [](std::vector<http::Header> headers, std::optional<http::PeerCertificate> cert) {
        auto r = request(std::move(headers));
        r.tls = true;
        r.client_certificate = std::move(cert);
        return r;
    };
    const http::PeerCertificate right{"ab12", "CN=bay", false};
    const http::PeerCertificate other{"cd34", "CN=bay", true};
    const http::Header key{"authorization", "Bearer new-key"};
    EXPECT_FALSE(authenticate_vendor_head(bay_, with({key}, right), *secrets_));
    EXPECT_TRUE(authenticate_vendor_head(bay_, with({}, right), *secrets_));
    EXPECT_TRUE(authenticate_vendor_head(bay_, with({key}, std::nullopt), *secrets_));
    EXPECT_TRUE(authenticate_vendor_head(bay_, with({key}, other), *secrets_));
    auto plain = request({key});  // the right key over plain HTTP
    EXPECT_TRUE(authenticate_vendor_head(bay_, plain, *secrets_));
}

TEST_F(VendorAuthTest, ClientCertificateBySubjectNeedsAVerifiedChainAndThenNoKey) {
    valley_.auth.client_certificate = ClientCertificateSpec{"", "CN=valley,O=Valley", false};
    auto r = request({}, "<not soap/>");
    r.tls = true;
    r.client_certificate = http::PeerCertificate{"ef56", "CN=valley,O=Valley", true};
    EXPECT_FALSE(credentials_in_body(valley_));
    EXPECT_FALSE(authenticate_vendor(valley_, r, *secrets_, now_));
    r.client_certificate->verified = false;  // self-signed with the same subject
    EXPECT_TRUE(authenticate_vendor(valley_, r, *secrets_, now_));
    r.client_certificate = http::PeerCertificate{"ef56", "CN=other", true};
    EXPECT_TRUE(authenticate_vendor(valley_, r, *secrets_, now_));
}

}  // namespace
}  // namespace fieldgate
