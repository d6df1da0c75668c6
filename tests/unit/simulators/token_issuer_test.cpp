// The CRM simulator's OAuth 2.0 token endpoint without HTTP: client authentication by either
// method, the RFC 6749 §5.2 errors, token expiry, and the commands that expire or refuse.
#include "token_issuer.h"

#include <gtest/gtest.h>
#include "base64_codec.h"

namespace fieldgate::crm_sim {
namespace {

using Clock = std::chrono::system_clock;
using nlohmann::json;

// A secret with every character RFC 6749 §2.3.1 makes a client escape before base64.
const std::string kClientSecret = "s3:cr&t+%=";

std::string header(const Reply& r, const std::string& name) {
    for (const auto& [n, v] : r.headers) {
        if (n == name) return v;
    }
    return "";
}

class TokenIssuerTest : public ::testing::Test {
  protected:
    static OAuthConfig config(const std::string& scope = "") {
        return OAuthConfig{"gateway", kClientSecret, std::chrono::seconds(60), scope};
    }
    Reply basic(const std::string& secret_escaped, const std::string& body,
                Clock::time_point now = Clock::now()) {
        const std::string authorization = "Basic " + base64_encode("gateway:" + secret_escaped);
        return issuer_.issue({"application/x-www-form-urlencoded", authorization, body}, now);
    }
    Reply post(const std::string& body) {
        return issuer_.issue({"application/x-www-form-urlencoded; charset=utf-8", "", body},
                             Clock::now());
    }
    static std::string token_of(const Reply& r) {
        return json::parse(r.body)["access_token"].get<std::string>();
    }

    TokenIssuer issuer_{config()};
};

const std::string kEscaped = "s3%3Acr%26t%2B%25%3D";

TEST_F(TokenIssuerTest, BasicAuthWithAFormEncodedSecretIssuesABearerToken) {
    const auto r = basic(kEscaped, "grant_type=client_credentials");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto body = json::parse(r.body);
    EXPECT_EQ(body["token_type"], "Bearer");
    EXPECT_EQ(body["expires_in"], 60);
    EXPECT_GE(body["access_token"].get<std::string>().size(), 43u);
    EXPECT_EQ(header(r, "Cache-Control"), "no-store");
    EXPECT_TRUE(issuer_.accepts("Bearer " + token_of(r), Clock::now()));
    EXPECT_EQ(issuer_.counters().tokens_issued, 1u);
}

TEST_F(TokenIssuerTest, PostAuthIssuesAToken) {
    const auto r =
        post("grant_type=client_credentials&client_id=gateway&client_secret=" + kEscaped);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(issuer_.accepts("bearer " + token_of(r), Clock::now()));
}

TEST_F(TokenIssuerTest, TokensAreRandom) {
    const auto a = token_of(basic(kEscaped, "grant_type=client_credentials"));
    const auto b = token_of(basic(kEscaped, "grant_type=client_credentials"));
    EXPECT_NE(a, b);
}

TEST_F(TokenIssuerTest, WrongSecretIsInvalidClient401WithWwwAuthenticate) {
    // The unescaped secret is a wrong one: '+' decodes to a space.
    for (const auto& r : {basic("s3:cr&t+%=", "grant_type=client_credentials"),
                          post("grant_type=client_credentials&client_id=gateway&client_secret=x"),
                          post("grant_type=client_credentials")}) {
        EXPECT_EQ(r.status, 401);
        EXPECT_EQ(json::parse(r.body)["error"], "invalid_client");
        EXPECT_EQ(header(r, "WWW-Authenticate"), "Basic realm=\"fieldgate-crm-sim\"");
        EXPECT_EQ(r.body.find(kClientSecret), std::string::npos);
    }
    EXPECT_EQ(issuer_.counters().token_requests_refused, 3u);
    EXPECT_EQ(issuer_.counters().tokens_issued, 0u);
}

TEST_F(TokenIssuerTest, OtherGrantsAndMalformedRequestsAre400) {
    const auto grant = basic(kEscaped, "grant_type=password");
    EXPECT_EQ(grant.status, 400);
    EXPECT_EQ(json::parse(grant.body)["error"], "unsupported_grant_type");
    const auto both = issuer_.issue(
        {"application/x-www-form-urlencoded", "Basic " + base64_encode("gateway:" + kEscaped),
         "grant_type=client_credentials&client_id=gateway&"
         "client_secret=" +
             kEscaped},
        Clock::now());
    EXPECT_EQ(json::parse(both.body)["error"], "invalid_request");
    EXPECT_EQ(
        json::parse(basic(kEscaped, "grant_type=client_credentials&grant_type=x").body)["error"],
        "invalid_request");
    const auto json_body =
        issuer_.issue({"application/json", "Basic " + base64_encode("gateway:" + kEscaped),
                       R"({"grant_type":"client_credentials"})"},
                      Clock::now());
    EXPECT_EQ(json_body.status, 400);
    EXPECT_EQ(json::parse(basic(kEscaped, "scope=x").body)["error"], "invalid_request");
}

TEST(TokenIssuerScope, AConfiguredScopeMustBeAskedForExactly) {
    TokenIssuer issuer(
        OAuthConfig{"gateway", "pw", std::chrono::seconds(60), "https://crm.example/.default"});
    const auto ask = [&](const std::string& body) {
        return issuer.issue(
            {"application/x-www-form-urlencoded", "Basic " + base64_encode("gateway:pw"),
             "grant_type=client_credentials" + body},
            Clock::now());
    };
    EXPECT_EQ(json::parse(ask("").body)["error"], "invalid_scope");
    EXPECT_EQ(json::parse(ask("&scope=https%3A%2F%2Fcrm.example%2F").body)["error"],
              "invalid_scope");
    const auto ok = ask("&scope=https%3A%2F%2Fcrm.example%2F.default");
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(json::parse(ok.body)["scope"], "https://crm.example/.default");
}

TEST_F(TokenIssuerTest, ATokenIsRefusedOnceItsLifetimeIsOver) {
    const auto issued_at = Clock::now();
    const auto token =
        "Bearer " + token_of(basic(kEscaped, "grant_type=client_credentials", issued_at));
    EXPECT_TRUE(issuer_.accepts(token, issued_at + std::chrono::seconds(59)));
    EXPECT_FALSE(issuer_.accepts(token, issued_at + std::chrono::seconds(60)));
}

TEST_F(TokenIssuerTest, UnknownOrMalformedBearerIsRefused) {
    (void)basic(kEscaped, "grant_type=client_credentials");
    EXPECT_FALSE(issuer_.accepts("", Clock::now()));
    EXPECT_FALSE(issuer_.accepts("Bearer ", Clock::now()));
    EXPECT_FALSE(issuer_.accepts("Bearer not-a-token", Clock::now()));
    EXPECT_FALSE(issuer_.accepts("Basic " + base64_encode("gateway:" + kEscaped), Clock::now()));
}

TEST_F(TokenIssuerTest, ExpireAllEndsEveryTokenAndRefusingRefusesRequests) {
    const auto token = "Bearer " + token_of(basic(kEscaped, "grant_type=client_credentials"));
    issuer_.expire_all();
    EXPECT_FALSE(issuer_.accepts(token, Clock::now()));

    issuer_.set_refusing(true);
    const auto refused = basic(kEscaped, "grant_type=client_credentials");
    EXPECT_EQ(refused.status, 401);
    EXPECT_EQ(json::parse(refused.body)["error"], "invalid_client");
    issuer_.set_refusing(false);
    EXPECT_EQ(basic(kEscaped, "grant_type=client_credentials").status, 200);

    const auto report = issuer_.report_json(Clock::now());
    EXPECT_EQ(report["tokens_issued"], 2);
    EXPECT_EQ(report["token_requests_refused"], 1);
    EXPECT_EQ(report["tokens_live"], 1);
    EXPECT_EQ(report.dump().find(kClientSecret), std::string::npos);
}

TEST(FormDecoding, PlusIsASpaceAndBrokenEscapesAreRefused) {
    EXPECT_EQ(form_decode("a+b%2Bc%3d"), "a b+c=");
    EXPECT_EQ(form_decode("%4"), std::nullopt);
    EXPECT_EQ(form_decode("%zz"), std::nullopt);
    const auto form = parse_form("a=1&&b=&c");
    ASSERT_TRUE(form);
    EXPECT_EQ(form->at("a"), "1");
    EXPECT_EQ(form->at("b"), "");
    EXPECT_EQ(form->at("c"), "");
    EXPECT_EQ(parse_form("a=1&a=2"), std::nullopt);
}

}  // namespace
}  // namespace fieldgate::crm_sim
