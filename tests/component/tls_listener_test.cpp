// The real daemon with listen.tls (issue 16): a vendor whose folder requires a client certificate
// is accepted with it and refused without it or with another vendor's (nothing stored, counted
// as a refused credential); /readyz and /metrics show the listener certificate's expiry; plain
// HTTP on a non-loopback address is refused at start.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "support/gateway_process.h"
#include "support/metrics_sample.h"
#include "support/test_certs.h"
#include "support/tls_test_client.h"
#include "support/vendor_folders.h"
#include "support/vendor_payloads.h"
#include "support/wait.h"

namespace fieldgate::test {
namespace {

std::string unique(const std::string& prefix) {
    static int n = 0;
    return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
}

nlohmann::json tls_listen(const std::string& server_cert) {
    const auto& certs = TestCerts::shared();
    return {{"listen",
             {{"tls",
               {{"cert_file", certs.path(server_cert + ".pem")},
                {"key_file", certs.path(server_cert + ".key")},
                {"client_ca_file", certs.path("ca.pem")}}}}}};
}

TlsClientOptions client_with(const std::string& cert) {
    const auto& certs = TestCerts::shared();
    TlsClientOptions o;
    o.ca_file = certs.path("ca.pem");
    if (!cert.empty()) {
        o.cert_file = certs.path(cert + ".pem");
        o.key_file = certs.path(cert + ".key");
    }
    return o;
}

class TlsListener : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        folders_ = new VendorFolders;
        // bay-hauling: its certificate alone, pinned by fingerprint.
        auto bay = folders_->mapping("bay-hauling");
        bay["auth"]["client_certificate"] = {{"sha256", TestCerts::shared().sha256("client_bay")},
                                             {"with_key", false}};
        folders_->write_mapping("bay-hauling", bay);
        auto config = tls_listen("server");
        config["vendor_schemas"] = folders_->root().string();
        gateway_ = new GatewayProcess(config);
    }
    static void TearDownTestSuite() {
        delete gateway_;
        delete folders_;
    }

    static TlsResponse call(const std::string& cert, const std::string& method,
                            const std::string& target, const std::string& headers = {},
                            const std::string& body = {}) {
        TlsTestClient client(gateway_->port(), client_with(cert));
        EXPECT_TRUE(client.connected()) << client.error();
        return client.request(method, target, headers, body);
    }
    static std::string crm_auth() {
        return "Authorization: Bearer " + gateway_->secrets.crm + "\r\n";
    }

    std::string order() {
        const auto sr = unique("SR");
        const auto r =
            call("", "POST", "/v1/work-orders", crm_auth() + "Content-Type: application/json\r\n",
                 work_order_body(sr, "bay-hauling").dump());
        EXPECT_EQ(r.status, 201) << r.body;
        return sr;
    }
    nlohmann::json work_order(const std::string& sr) {
        const auto r = call("", "GET", "/v1/work-orders?crm_case_id=" + sr, crm_auth());
        EXPECT_EQ(r.status, 200) << r.body;
        const auto items = nlohmann::json::parse(r.body)["items"];
        return items.empty() ? nlohmann::json() : items[0];
    }
    TlsResponse post_bay(const std::string& cert, const std::string& sr,
                         const std::string& extra_headers = {}) {
        return call(cert, "POST", "/v1/vendors/bay-hauling/results",
                    "Content-Type: application/json\r\n" + extra_headers,
                    bay_result(unique("BH"), sr).dump());
    }
    double refused() {
        const auto r = call("", "GET", "/metrics",
                            "Authorization: Bearer " + gateway_->secrets.admin + "\r\n");
        return sample(r.body,
                      "fieldgate_auth_refused_total{route=\"/v1/vendors/{vendor}/"
                      "results\",why=\"credential\"}")
            .value_or(0);
    }

    static VendorFolders* folders_;
    static GatewayProcess* gateway_;
};

VendorFolders* TlsListener::folders_ = nullptr;
GatewayProcess* TlsListener::gateway_ = nullptr;

TEST_F(TlsListener, VendorWithItsCertificateIsAcceptedAndStored) {
    const auto sr = order();
    const auto r = post_bay("client_bay", sr);  // no API key: the certificate alone
    ASSERT_EQ(r.status, 200) << r.head << r.body;
    EXPECT_EQ(nlohmann::json::parse(r.body)["accepted"], 1);
    EXPECT_EQ(work_order(sr)["status"], "not_collected");
}

TEST_F(TlsListener, VendorWithoutACertificateOrWithAnothersIsRefusedAndNothingStored) {
    const auto sr = order();
    const double before = refused();
    const std::string key = "Authorization: Bearer " + gateway_->secrets.bay + "\r\n";
    for (const std::string cert : {"", "client_curbside", "client_self"}) {
        const auto r = post_bay(cert, sr, key);
        EXPECT_EQ(r.status, 401) << cert << ": " << r.body;
        EXPECT_NE(r.head.find("application/problem+json"), std::string::npos) << r.head;
        EXPECT_NE(r.body.find("certificate"), std::string::npos) << r.body;
    }
    EXPECT_EQ(refused() - before, 3);
    const auto wo = work_order(sr);
    EXPECT_TRUE(!wo.contains("outcome") || wo["outcome"].is_null()) << wo.dump();
}

TEST_F(TlsListener, ReadinessShowsTheCertificateExpiryWithoutAWarningFarFromIt) {
    const auto r = call("", "GET", "/readyz");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto tls = nlohmann::json::parse(r.body)["tls_certificate"];
    EXPECT_GT(tls["expires_in_s"].get<long long>(), 800LL * 86400);
    EXPECT_FALSE(tls.contains("warning")) << tls.dump();
}

TEST(TlsListenerExpiry, CertificateExpiringWithin14DaysIsAWarningNotAnOutage) {
    GatewayProcess gateway(tls_listen("expiring"));
    TlsTestClient client(gateway.port(), client_with(""));
    const auto r = client.request("GET", "/readyz");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body["status"], "ready");
    EXPECT_NE(body["tls_certificate"]["warning"].get<std::string>().find("14 days"),
              std::string::npos);
    const auto metrics = client.request("GET", "/metrics",
                                        "Authorization: Bearer " + gateway.secrets.admin + "\r\n");
    const auto left = sample(metrics.body, "fieldgate_tls_certificate_expiry_seconds");
    ASSERT_TRUE(left.has_value()) << metrics.body;
    EXPECT_GT(*left, 4 * 86400);
    EXPECT_LT(*left, 5 * 86400 + 60);
}

TEST(TlsListenerReload, SighupOrAChangedFileBringsTheNewCertificateToNewConnections) {
    const auto& certs = TestCerts::shared();
    TempDir tls;
    const auto install = [&](const std::string& name) {
        for (const std::string ext : {".pem", ".key"}) {
            std::filesystem::copy_file(certs.path(name + ext), tls.path() / ("next" + ext),
                                       std::filesystem::copy_options::overwrite_existing);
            std::filesystem::rename(tls.path() / ("next" + ext), tls.path() / ("live" + ext));
        }
    };
    install("server");
    GatewayProcess gateway(nlohmann::json{
        {"listen",
         {{"tls", {{"cert_file", tls.file("live.pem")}, {"key_file", tls.file("live.key")}}}}}});
    const auto served = [&] {
        return TlsTestClient(gateway.port(), client_with("")).peer_sha256();
    };
    EXPECT_EQ(served(), certs.sha256("server"));
    TlsTestClient kept(gateway.port(), client_with(""));
    ASSERT_EQ(kept.request("GET", "/healthz").status, 200);

    install("expiring");
    gateway.signal(SIGHUP);
    EXPECT_TRUE(
        wait_until([&] { return served() == certs.sha256("expiring"); }, std::chrono::seconds(3)));
    EXPECT_EQ(kept.request("GET", "/healthz").status, 200);  // open connections keep working

    install("server");  // no signal: the daemon notices the files changed
    EXPECT_TRUE(
        wait_until([&] { return served() == certs.sha256("server"); }, std::chrono::seconds(15)));
    EXPECT_EQ(kept.request("GET", "/healthz").status, 200);
}

TEST(TlsListenerStart, PlainHttpOnANonLoopbackAddressIsRefused) {
    try {
        GatewayProcess gateway(nlohmann::json{{"listen", {{"address", "0.0.0.0"}}}});
        FAIL() << "started plain HTTP on 0.0.0.0";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("allow_insecure_http"), std::string::npos) << e.what();
    }
    GatewayProcess allowed(
        nlohmann::json{{"listen", {{"address", "0.0.0.0"}, {"allow_insecure_http", true}}}});
    EXPECT_TRUE(allowed.running());
}

}  // namespace
}  // namespace fieldgate::test
