// The staff console's sessions on the real gateway, on SQLite and (component_tests.postgres.*)
// on PostgreSQL: a session reads and, with its CSRF token and the operator role, changes; without
// the token, or as a viewer, nothing changes; every change is in the audit log with the account;
// signing out ends the session. On PostgreSQL a session opened on one gateway works on a second
// one on the same database, and signing out on the second ends it on the first.
#include <gtest/gtest.h>

#include "accounts.h"
#include "support/gateway_process.h"
#include "support/pg_cluster.h"
#include "support/temp_dir.h"
#include "support/vendor_payloads.h"

namespace fieldgate::test {
namespace {

struct Session {
    std::string cookie;  // "fieldgate_session=<id>"
    std::string csrf;
};

class ConsoleSessions : public ::testing::Test {
  protected:
    static std::string users_file(const TempDir& dir) {
        const auto path = dir.file("console-users");
        console::put_account(path, {"ana", "operator", console::hash_password("ana's password")});
        console::put_account(path, {"vic", "viewer", console::hash_password("vic's password")});
        return path;
    }
    static nlohmann::json config(const std::string& users) {
        return {{"console", {{"users_file", users}}}};
    }

    ConsoleSessions() : gateway_(config(users_file(users_dir_))) {}

    static Session sign_in(GatewayProcess& g, const std::string& name,
                           const std::string& password) {
        auto c = g.client();
        const auto r = c.post("/console/api/session",
                              nlohmann::json{{"name", name}, {"password", password}}.dump());
        EXPECT_EQ(r.status, 200) << r.body;
        const auto cookie = r.header("set-cookie").value_or("");
        EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
        EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
        return {cookie.substr(0, cookie.find(';')),
                nlohmann::json::parse(r.body, nullptr, false).value("csrf_token", "")};
    }
    // A quarantine entry: a Bay result with a code the mapping does not know.
    std::int64_t quarantined() {
        auto c = gateway_.client();
        const auto r =
            c.post("/v1/vendors/bay-hauling/results",
                   bay_result("BH-CON-1", "SR-CON-1", "Confirmed Negative", "ZZZ").dump(),
                   "application/json", {{"Authorization", "Bearer " + gateway_.secrets.bay}});
        EXPECT_GE(r.status, 400) << r.body;
        const auto list = c.get("/v1/admin/quarantine?state=open", gateway_.admin_headers());
        return nlohmann::json::parse(list.body)["items"].back()["id"].get<std::int64_t>();
    }
    std::string state_of(std::int64_t id) {
        const auto r = gateway_.client().get("/v1/admin/quarantine/" + std::to_string(id),
                                             gateway_.admin_headers());
        return nlohmann::json::parse(r.body)["state"].get<std::string>();
    }
    static sim::ClientResponse discard(GatewayProcess& g, std::int64_t id, const Session& s,
                                       const std::string& csrf) {
        sim::HeaderList headers = {{"Cookie", s.cookie}};
        if (!csrf.empty()) headers.push_back({"X-CSRF-Token", csrf});
        return g.client().post("/v1/admin/quarantine/" + std::to_string(id) + "/discard",
                               R"({"reason": "console test"})", "application/json", headers);
    }

    TempDir users_dir_;
    GatewayProcess gateway_;
};

TEST_F(ConsoleSessions, AChangeNeedsTheCsrfTokenAndTheOperatorRoleAndIsAudited) {
    const auto id = quarantined();
    const auto ana = sign_in(gateway_, "ana", "ana's password");
    const auto vic = sign_in(gateway_, "vic", "vic's password");

    EXPECT_EQ(discard(gateway_, id, ana, "").status, 403);
    EXPECT_EQ(discard(gateway_, id, ana, std::string(64, 'f')).status, 403);
    EXPECT_EQ(discard(gateway_, id, vic, vic.csrf).status, 403) << "a viewer";
    EXPECT_EQ(state_of(id), "open") << "a refused change changed something";

    const auto done = discard(gateway_, id, ana, ana.csrf);
    EXPECT_EQ(done.status, 200) << done.body;
    EXPECT_EQ(state_of(id), "discarded");

    const auto audit = gateway_.client().get("/v1/admin/audit", {{"Cookie", vic.cookie}});
    ASSERT_EQ(audit.status, 200) << audit.body;
    const auto items = nlohmann::json::parse(audit.body)["items"];
    ASSERT_GE(items.size(), 3u) << audit.body;
    EXPECT_EQ(items[0]["account"], "ana");
    EXPECT_EQ(items[0]["action"], "POST /v1/admin/quarantine/{id}/discard");
    EXPECT_EQ(items[0]["status"], 200);
    EXPECT_NE(items[0]["detail"].get<std::string>().find("console test"), std::string::npos);
    EXPECT_EQ(audit.body.find("password"), std::string::npos) << "a password reached the log";
}

TEST_F(ConsoleSessions, AWrongPasswordOrUnknownNameOpensNoSession) {
    auto c = gateway_.client();
    for (const auto& [name, password] : std::vector<std::pair<std::string, std::string>>{
             {"ana", "not ana's password"}, {"nobody", "ana's password"}}) {
        const auto r = c.post("/console/api/session",
                              nlohmann::json{{"name", name}, {"password", password}}.dump());
        EXPECT_EQ(r.status, 401) << name;
        EXPECT_FALSE(r.header("set-cookie")) << name;
    }
    const auto missing = c.post("/console/api/session", R"({"name": "ana"})");
    EXPECT_EQ(missing.status, 422);
    EXPECT_EQ(nlohmann::json::parse(missing.body)["pointer"], "/password");
    EXPECT_EQ(gateway_.log_text().find("not ana's password"), std::string::npos);
}

TEST_F(ConsoleSessions, SigningOutEndsTheSession) {
    const auto ana = sign_in(gateway_, "ana", "ana's password");
    auto c = gateway_.client();
    EXPECT_EQ(c.get("/console/api/session", {{"Cookie", ana.cookie}}).status, 200);
    EXPECT_EQ(
        c.post("/console/api/sign-out", "", "application/json", {{"Cookie", ana.cookie}}).status,
        403)
        << "signing out needs the CSRF token too";
    const auto out = c.post("/console/api/sign-out", "", "application/json",
                            {{"Cookie", ana.cookie}, {"X-CSRF-Token", ana.csrf}});
    EXPECT_EQ(out.status, 200);
    EXPECT_NE(out.header("set-cookie").value_or("").find("Max-Age=0"), std::string::npos);
    EXPECT_EQ(c.get("/console/api/session", {{"Cookie", ana.cookie}}).status, 401);
    EXPECT_EQ(c.get("/v1/admin/quarantine", {{"Cookie", ana.cookie}}).status, 401);
}

TEST_F(ConsoleSessions, TheCookieIsSecureOverPlainHttpWhenAProxyEndsTls) {
    auto c = gateway_.client();
    const auto plain =
        c.post("/console/api/session", R"({"name": "ana", "password": "ana's password"})");
    EXPECT_EQ(plain.header("set-cookie").value_or("").find("Secure"), std::string::npos);
    auto behind_proxy = config(users_file(users_dir_));
    behind_proxy["console"]["secure_cookie"] = true;
    GatewayProcess second(behind_proxy);
    const auto r = second.client().post("/console/api/session",
                                        R"({"name": "ana", "password": "ana's password"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.header("set-cookie").value_or("").find("; Secure"), std::string::npos);
}

TEST_F(ConsoleSessions, ASessionIsKnownToEveryGatewayOnTheDatabase) {
    if (!test_store_is_postgres()) GTEST_SKIP() << "several gateways share a PostgreSQL store";
    Secrets secrets;
    secrets.more.push_back({"store/password", run_pg_cluster().password()});
    auto second_config = config(users_file(users_dir_));
    second_config["store"] = {{"url", gateway_.store_url()}};
    GatewayProcess second(second_config, secrets);
    const auto ana = sign_in(gateway_, "ana", "ana's password");
    auto on_second = second.client();
    EXPECT_EQ(on_second.get("/v1/admin/quarantine", {{"Cookie", ana.cookie}}).status, 200);
    const auto out = on_second.post("/console/api/sign-out", "", "application/json",
                                    {{"Cookie", ana.cookie}, {"X-CSRF-Token", ana.csrf}});
    EXPECT_EQ(out.status, 200);
    EXPECT_EQ(gateway_.client().get("/v1/admin/quarantine", {{"Cookie", ana.cookie}}).status, 401)
        << "signed out on the second gateway, still valid on the first";
}

}  // namespace
}  // namespace fieldgate::test
