// Every connection the gateway makes, over real TLS on loopback: CRM delivery over HTTPS with
// OAuth 2.0 client credentials (a token that expires mid-run, a 401 that forces one refresh),
// certificates it must refuse (another CA, expired, another host) and a polled vendor over
// HTTPS through a real egress proxy (tinyproxy) named by HTTPS_PROXY.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/crm_delivery_rig.h"
#include "support/poll_vendor_sim_process.h"
#include "support/recording_receiver.h"
#include "support/test_certs.h"
#include "support/tinyproxy_process.h"
#include "support/vendor_folders.h"
#include "support/wait.h"

namespace fieldgate::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const TestCerts& certs() {
    return TestCerts::shared();
}

CrmSimOptions https_crm(const std::string& cert, std::optional<CrmSimOAuth> oauth) {
    CrmSimOptions o;
    o.tls =
        CrmSimTls{certs().path(cert + ".pem"), certs().path(cert + ".key"), certs().path("ca.pem")};
    o.oauth = std::move(oauth);
    return o;
}

json crm_endpoint(CrmDeliveryRig& rig) {
    auto c = rig.gw().client();
    const auto r = c.get("/v1/admin/endpoints", rig.gw().admin_headers());
    const auto doc = json::parse(r.body, nullptr, false);
    if (doc.contains("items"))
        for (const auto& item : doc["items"])
            if (item["name"] == "crm") return item;
    return json{{"status", r.status}, {"body", r.body}};
}

// Orders and results for `orders` service requests; each makes two CRM events.
void post_orders(CrmDeliveryRig& rig, const std::string& prefix, int from, int to) {
    auto c = rig.gw().client();
    for (int i = from; i < to; ++i) {
        const std::string sr = prefix + std::to_string(i);
        rig.create(c, sr);
        rig.post_result(c, "BH-" + sr, sr);
    }
}

void expect_clean_delivery(CrmDeliveryRig& rig, int orders) {
    const auto report = rig.report();
    EXPECT_EQ(report["stored"], 2 * orders) << report;
    EXPECT_EQ(report["subjects"], orders);
    EXPECT_EQ(report["duplicates"], 0);
    EXPECT_EQ(report["out_of_order"], 0);
    EXPECT_EQ(report["bad_signatures"], 0);
}

TEST(CrmOverHttps, EventsArriveSignedInOrderAcrossATokenThatExpiresMidRun) {
    CrmSimOAuth oauth;
    oauth.token_ttl_s = 2;  // replaced a second before it expires: several during the run
    CrmDeliveryRig rig(https_crm("server", oauth), json::object());
    constexpr int kOrders = 40;
    for (int batch = 0; batch < 4; ++batch) {
        post_orders(rig, "SR-TLS-", batch * 10, batch * 10 + 10);
        std::this_thread::sleep_for(1200ms);
    }
    ASSERT_TRUE(wait_until([&] { return rig.stored() == 2 * kOrders; }, 30s)) << rig.report();
    expect_clean_delivery(rig, kOrders);
    const auto report = rig.report();
    EXPECT_GE(report["oauth"]["tokens_issued"].get<int>(), 2) << report;
    EXPECT_EQ(report["bad_tokens"], 0) << "a token was used after it expired";
    // Neither the client secret nor a token reaches the gateway's log.
    EXPECT_EQ(rig.gw().log_text().find(oauth.client_secret), std::string::npos);
}

TEST(CrmOverHttps, ARevokedTokenIs401AndRefreshedOnceThenDeliveredOnce) {
    CrmDeliveryRig rig(https_crm("server", CrmSimOAuth{}), json::object());
    post_orders(rig, "SR-REVOKE-", 0, 5);
    ASSERT_TRUE(wait_until([&] { return rig.stored() == 10; }, 20s)) << rig.report();
    const auto issued_before = rig.report()["oauth"]["tokens_issued"].get<int>();
    EXPECT_EQ(issued_before, 1);

    rig.control({{"expire_tokens", true}});  // the CRM revokes every token it issued
    post_orders(rig, "SR-REVOKE-", 5, 25);
    ASSERT_TRUE(wait_until([&] { return rig.stored() == 50; }, 20s)) << rig.report();
    expect_clean_delivery(rig, 25);
    const auto report = rig.report();
    EXPECT_GE(report["bad_tokens"].get<int>(), 1) << report;  // the 401 happened
    // One refresh however many senders met the 401 at once.
    EXPECT_EQ(report["oauth"]["tokens_issued"].get<int>(), issued_before + 1) << report;
}

TEST(CrmOverHttps, ATokenEndpointThatRefusesLeavesEventsPendingUntilItIssues) {
    CrmDeliveryRig rig(https_crm("server", CrmSimOAuth{}), json::object());
    rig.control({{"refuse_tokens", true}});
    post_orders(rig, "SR-NOTOKEN-", 0, 3);
    ASSERT_TRUE(wait_until([&] { return crm_endpoint(rig)["failed_attempts"] >= 1; }, 15s));
    EXPECT_EQ(rig.stored(), 0);
    const auto endpoint = crm_endpoint(rig);
    EXPECT_NE(endpoint["last_error"].get<std::string>().find("invalid_client"), std::string::npos)
        << endpoint;
    rig.control({{"refuse_tokens", false}});
    ASSERT_TRUE(wait_until([&] { return rig.stored() == 6; }, 20s)) << rig.report();
    expect_clean_delivery(rig, 3);
}

// The CRM presents `cert`; the gateway trusts only the test CA and must refuse it.
void expect_refused_certificate(const std::string& cert, const std::string& problem) {
    CrmDeliveryRig rig(https_crm(cert, std::nullopt), json::object());
    post_orders(rig, "SR-BADCERT-", 0, 2);
    ASSERT_TRUE(
        wait_until([&] { return crm_endpoint(rig)["certificate_problem"] == problem; }, 15s))
        << crm_endpoint(rig) << rig.gw().log_text();
    const auto endpoint = crm_endpoint(rig);
    EXPECT_NE(endpoint["state"], "active") << endpoint;  // paused, probing now and then
    EXPECT_FALSE(endpoint["last_error"].get<std::string>().empty());
    EXPECT_EQ(endpoint["delivered"], 0);
    EXPECT_EQ(endpoint["pending"], 4);  // nothing marked delivered
    EXPECT_EQ(rig.report()["received"], 0);
    const auto log = rig.gw().log_text();
    EXPECT_NE(log.find("ALERT delivery: endpoint crm"), std::string::npos) << log;
    EXPECT_NE(log.find(problem), std::string::npos) << log;
    auto c = rig.gw().client();
    const auto metrics = c.get("/metrics", rig.gw().admin_headers()).body;
    EXPECT_NE(metrics.find("fieldgate_delivery_certificate_failures_total{endpoint=\"crm\"}"),
              std::string::npos);
}

TEST(CrmOverHttps, ACertificateFromAnotherCaIsRefusedWithAnAlert) {
    expect_refused_certificate("untrusted", "tls_untrusted");
}

TEST(CrmOverHttps, AnExpiredCertificateIsRefusedWithAnAlert) {
    expect_refused_certificate("expired", "tls_expired");
}

TEST(CrmOverHttps, ACertificateForAnotherHostIsRefusedWithAnAlert) {
    expect_refused_certificate("wrong_host", "tls_wrong_host");
}

TEST(CrmOverHttps, PlainHttpToAnotherMachineIsRefusedAtStartUnlessAllowed) {
    Secrets secrets;
    secrets.crm_webhook = "whsec_dGVzdC1rZXktZm9yLXRoZS1jcm0tc2ltdWxhdG9y";
    try {
        GatewayProcess gw({{"crm", {{"endpoint", "http://crm.example.org/events"}}}}, secrets);
        ADD_FAILURE() << "the gateway started with plain HTTP to another machine";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("allow_insecure_http"), std::string::npos) << e.what();
    }
    GatewayProcess allowed(
        {{"crm", {{"endpoint", "http://crm.example.org/events"}, {"allow_insecure_http", true}}}},
        secrets);
    EXPECT_TRUE(allowed.running());
}

// Sets an environment variable for the gateways started while it lives.
class ScopedEnv {
  public:
    ScopedEnv(const char* name, const std::string& value) : name_(name) {
        ::setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() { ::unsetenv(name_); }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

  private:
    const char* name_;
};

TEST(PolledVendorOverHttps, ResultsAreCollectedThroughTheEgressProxyFromHttpsProxy) {
    constexpr const char* kVendor = "riverbend-recycling";
    constexpr const char* kKey = "rb-key-tls-123";
    PollVendorSimProcess vendor(
        kKey, PollVendorSimTls{certs().path("server.pem"), certs().path("server.key"),
                               certs().path("ca.pem")});
    TinyproxyProcess proxy;
    VendorFolders folders;
    auto mapping = folders.mapping(kVendor);
    mapping["poll"]["url"] = vendor.url();
    ASSERT_EQ(vendor.url().rfind("https://", 0), 0u) << vendor.url();
    mapping["poll"]["interval_s"] = 1;
    folders.write_mapping(kVendor, mapping);

    Secrets secrets;
    secrets.more.emplace_back("riverbend-recycling/api-key", kKey);
    const ScopedEnv via_proxy("HTTPS_PROXY", proxy.url());
    GatewayProcess gw({{"vendor_schemas", folders.root().string()},
                       {"outbound", {{"ca_file", certs().path("ca.pem")}}}},
                      secrets);
    auto c = gw.client();
    for (const char* sr : {"SR-RBT-1", "SR-RBT-2", "SR-RBT-3"})
        ASSERT_EQ(gw.create_order(c, work_order_body(sr, kVendor)).status, 201);
    vendor.add_results({"SR-RBT-1", "SR-RBT-2", "SR-RBT-3"}, "done");
    auto status = [&](const std::string& sr) {
        const auto r = c.get("/v1/work-orders?crm_case_id=" + sr, gw.crm_headers());
        const auto items = json::parse(r.body).at("items");
        return items.empty() ? std::string() : items[0].value("status", "");
    };
    ASSERT_TRUE(wait_until([&] { return status("SR-RBT-3") == "completed"; }, 20s))
        << gw.log_text();
    EXPECT_EQ(status("SR-RBT-1"), "completed");
    const auto port = vendor.url().substr(std::string("https://").size());
    EXPECT_GE(proxy.tunnels_to(port.substr(0, port.find('/'))), 1)
        << "the gateway reached the vendor without its proxy";
}

TEST(VendorPushOverHttps, PushesCarryAnOAuthTokenFromTheVendorsTokenEndpoint) {
    // The vendor's API over HTTPS; its authorization server is the CRM simulator's (any
    // OAuth 2.0 client credentials server does).
    RecordingReceiver bay_api(
        http::ServerTls{certs().path("server.pem"), certs().path("server.key"), ""});
    CrmSimProcess tokens(https_crm("server", CrmSimOAuth{}));
    VendorFolders folders;
    auto mapping = folders.mapping("bay-hauling");
    mapping["dispatch"] = {
        {"mode", "push"},
        {"push_url", "https://127.0.0.1:" + std::to_string(bay_api.port()) + "/bay/orders"},
        {"secret", "bay-hauling/push-secret"},
        {"oauth2",
         {{"token_url", tokens.token_url()},
          {"client_id", tokens.oauth()->client_id},
          {"client_secret", "bay-hauling/oauth-client-secret"},
          {"auth_method", "client_secret_post"}}}};
    folders.write_mapping("bay-hauling", mapping);
    Secrets secrets;
    secrets.more = {{"bay-hauling/push-secret", "whsec_YmF5LXB1c2gta2V5LWZvci10ZXN0cw=="},
                    {"bay-hauling/oauth-client-secret", tokens.oauth()->client_secret}};
    GatewayProcess gw({{"vendor_schemas", folders.root().string()},
                       {"outbound", {{"ca_file", certs().path("ca.pem")}}},
                       {"delivery", {{"poll_interval_ms", 200}}}},
                      secrets);
    auto c = gw.client();
    ASSERT_EQ(gw.create_order(c, work_order_body("SR-PUSH-TLS", "bay-hauling")).status, 201);
    const auto pushes = bay_api.wait_for(1, 15s);
    ASSERT_EQ(pushes.size(), 1u) << gw.log_text();
    EXPECT_TRUE(pushes[0].tls);
    const auto authorization = pushes[0].header("authorization");
    ASSERT_TRUE(authorization);
    EXPECT_EQ(authorization->rfind("Bearer ", 0), 0u);
    EXPECT_GT(authorization->size(), 20u);
    EXPECT_EQ(tokens.report()["oauth"]["tokens_issued"], 1);
    EXPECT_TRUE(pushes[0].header("webhook-signature"));
}

}  // namespace
}  // namespace fieldgate::test
