// The real gateway on a real PostgreSQL cluster (store.url): a vendor result is stored and
// read back as on SQLite, /readyz follows the database down and back up by itself, and a store
// URL that would leak a password or fall back to plaintext stops the gateway at start.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "support/gateway_process.h"
#include "support/pg_cluster.h"
#include "support/vendor_payloads.h"
#include "support/wait.h"

namespace fieldgate::test {
namespace {

nlohmann::json pg_store_config(const std::string& url) {
    return {{"store", {{"url", url}}}};
}

Secrets with_store_password(const PgCluster& cluster) {
    Secrets s;
    s.more.push_back({"store/password", cluster.password()});
    return s;
}

class PostgresStore : public ::testing::Test {
  protected:
    PostgresStore()
        : cluster_(PgClusterOptions{.fsync = false}),
          gateway_(pg_store_config(cluster_.create_database("gateway")),
                   with_store_password(cluster_)) {}

    std::string order(const std::string& sr) {
        auto c = gateway_.client();
        const auto r = gateway_.create_order(c, work_order_body(sr, "bay-hauling"));
        EXPECT_EQ(r.status, 201) << r.body << gateway_.log_text();
        return sr;
    }
    sim::ClientResponse post_bay(const nlohmann::json& body) {
        auto c = gateway_.client();
        return c.post("/v1/vendors/bay-hauling/results", body.dump(), "application/json",
                      {{"Authorization", "Bearer " + gateway_.secrets.bay}});
    }
    nlohmann::json work_order(const std::string& sr) {
        auto c = gateway_.client();
        const auto r = c.get("/v1/work-orders?crm_case_id=" + sr, gateway_.crm_headers());
        EXPECT_EQ(r.status, 200) << r.body;
        return nlohmann::json::parse(r.body)["items"][0];
    }
    int readyz() { return gateway_.client().get("/readyz").status; }
    // /readyz answers what the previous check found: ask until it says `status`.
    bool readyz_becomes(int status) {
        return wait_until([&] { return readyz() == status; }, std::chrono::seconds(20));
    }

    PgCluster cluster_;
    GatewayProcess gateway_;
};

TEST_F(PostgresStore, VendorResultIsStoredAndReadBackAsOnSqlite) {
    const auto sr = order("SR-PG-1");
    const auto first = post_bay(bay_result("BH-PG-1", sr));
    ASSERT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(nlohmann::json::parse(first.body)["accepted"], 1);
    const auto wo = work_order(sr);
    EXPECT_EQ(wo["status"], "not_collected");
    EXPECT_EQ(wo["outcome"]["reason"], "NOT_SET_OUT");
    EXPECT_EQ(wo["history"].back()["source"], "vendor:bay-hauling");

    const auto again = post_bay(bay_result("BH-PG-1", sr));
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(nlohmann::json::parse(again.body)["results"][0]["status"], "duplicate");
}

TEST_F(PostgresStore, ReadyzFollowsTheDatabaseDownAndBackUp) {
    EXPECT_TRUE(readyz_becomes(200)) << gateway_.log_text();
    const auto sr = order("SR-PG-2");

    cluster_.stop();
    EXPECT_TRUE(readyz_becomes(503)) << "still ready with the database gone";
    const auto refused = post_bay(bay_result("BH-PG-2", sr));
    EXPECT_EQ(refused.status, 503) << refused.body;

    cluster_.start();
    EXPECT_TRUE(readyz_becomes(200)) << gateway_.log_text();
    const auto stored = post_bay(bay_result("BH-PG-2", sr));
    ASSERT_EQ(stored.status, 200) << stored.body;
    EXPECT_EQ(work_order(sr)["status"], "not_collected");
    EXPECT_TRUE(gateway_.running());
}

TEST(PostgresStoreUrl, PasswordInTheUrlStopsTheGatewayWithoutPrintingIt) {
    PgCluster cluster(PgClusterOptions{.fsync = false});
    const std::string url = "postgresql://fieldgate:" + cluster.password() +
                            "@127.0.0.1:" + std::to_string(cluster.port()) + "/postgres";
    try {
        GatewayProcess gateway(pg_store_config(url), with_store_password(cluster));
        FAIL() << "the gateway started with a password in store.url";
    } catch (const std::runtime_error& e) {
        const std::string log = e.what();
        EXPECT_NE(log.find("secret store"), std::string::npos) << log;
        EXPECT_EQ(log.find(cluster.password()), std::string::npos) << "the password was printed";
    }
}

// Two gateways on one database, each result posted to both at the same moment: the database
// decides (the writer locks the order it applies to), so a repeat is stored once and both
// answers name the same outcome, and two different closings leave one applied, one a conflict.
class TwoGateways : public ::testing::Test {
  protected:
    TwoGateways()
        : cluster_(PgClusterOptions{.fsync = false}),
          url_(cluster_.create_database("shared")),
          a_(pg_store_config(url_), with_store_password(cluster_)),
          b_(pg_store_config(url_), with_store_password(cluster_)) {}

    std::string order(int n) {
        const auto sr = "SR-TWO-" + std::to_string(n);
        auto c = a_.client();
        const auto r = a_.create_order(c, work_order_body(sr, "bay-hauling"));
        EXPECT_EQ(r.status, 201) << r.body;
        return sr;
    }
    // Posts `to_a` to the first gateway and `to_b` to the second at once.
    std::pair<sim::ClientResponse, sim::ClientResponse> post_both(const nlohmann::json& to_a,
                                                                  const nlohmann::json& to_b) {
        auto post = [](GatewayProcess& g, const nlohmann::json& body) {
            auto c = g.client();
            return c.post("/v1/vendors/bay-hauling/results", body.dump(), "application/json",
                          {{"Authorization", "Bearer " + g.secrets.bay}});
        };
        sim::ClientResponse from_b;
        std::thread other([&] { from_b = post(b_, to_b); });
        auto from_a = post(a_, to_a);
        other.join();
        return {from_a, from_b};
    }

    PgCluster cluster_;
    std::string url_;
    GatewayProcess a_;
    GatewayProcess b_;
};

TEST_F(TwoGateways, SameResultPostedToBothIsStoredOnceAndBothAnswersAgree) {
    for (int n = 0; n < 10; ++n) {
        const auto sr = order(n);
        const auto result = bay_result("BH-TWO-" + std::to_string(n), sr);
        const auto [from_a, from_b] = post_both(result, result);
        ASSERT_EQ(from_a.status, 200) << from_a.body;
        ASSERT_EQ(from_b.status, 200) << from_b.body;
        const auto ra = nlohmann::json::parse(from_a.body)["results"][0];
        const auto rb = nlohmann::json::parse(from_b.body)["results"][0];
        EXPECT_EQ(ra["outcome_ids"], rb["outcome_ids"]) << from_a.body << from_b.body;
        std::multiset<std::string> verdicts = {ra["status"], rb["status"]};
        EXPECT_EQ(verdicts, (std::multiset<std::string>{"accepted", "duplicate"}));
    }
}

TEST_F(TwoGateways, DifferentClosingsAtOnceLeaveOneAppliedAndOneConflict) {
    for (int n = 0; n < 10; ++n) {
        const auto sr = order(100 + n);
        const auto [from_a, from_b] =
            post_both(bay_result("BH-A-" + std::to_string(n), sr, "Confirmed Positive"),
                      bay_result("BH-B-" + std::to_string(n), sr));
        std::multiset<int> statuses = {from_a.status, from_b.status};
        EXPECT_EQ(statuses, (std::multiset<int>{200, 409})) << from_a.body << from_b.body;
        auto c = a_.client();
        const auto wo = nlohmann::json::parse(
            c.get("/v1/work-orders?crm_case_id=" + sr, a_.crm_headers()).body)["items"][0];
        int closings = 0;
        for (const auto& h : wo["history"])
            if (h["to"] == "completed" || h["to"] == "not_collected") ++closings;
        EXPECT_EQ(closings, 1) << wo.dump();
    }
}

}  // namespace
}  // namespace fieldgate::test
