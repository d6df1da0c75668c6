// What an outsider can do to the real gateway over sockets (README "Security checks"): a
// stranger's post is refused from its head, never buffered or stored; refused credentials are
// rate limited per client; one client cannot hold every connection; a WS-Security password is
// never stored, whatever its XML form.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "read_pool.h"
#include "support/gateway_process.h"
#include "support/raw_connection.h"
#include "support/store_probe.h"
#include "support/vendor_calls.h"

namespace fieldgate::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr std::size_t kFourMiB = 4 * 1024 * 1024;

std::int64_t scalar(const GatewayProcess& gw, const std::string& sql) {
    return StoreProbe(gw).integer(sql);
}

std::uintmax_t store_bytes(const GatewayProcess& gw) {
    if (const StoreProbe probe(gw); probe.postgres())
        return static_cast<std::uintmax_t>(
            probe.integer("SELECT pg_database_size(current_database())"));
    std::uintmax_t total = 0;
    for (const char* suffix : {"", "-wal", "-shm"}) {
        std::error_code ec;
        const auto n = fs::file_size(gw.db_path() + suffix, ec);
        if (!ec) total += n;
    }
    return total;
}

std::string head_of_post(const std::string& target, std::size_t length,
                         const std::vector<std::string>& headers) {
    std::string head =
        "POST " + target + " HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n";
    for (const auto& h : headers) head += h + "\r\n";
    return head + "Content-Length: " + std::to_string(length) + "\r\n\r\n";
}

// 1. A stranger fills the disk: twenty 4 MiB posts with a wrong or missing key.
TEST(HostileNetwork, AStrangersPostIsRefusedFromItsHeadAndNothingIsStored) {
    GatewayProcess gw(json{{"listen", {{"failed_auth", {{"burst", 100}}}}}});
    const std::string body(kFourMiB - 1024, 'x');
    auto c = gw.client();
    const auto before = store_bytes(gw);
    for (int i = 0; i < 20; ++i) {
        const sim::HeaderList key =
            i % 2 ? sim::HeaderList{{"Authorization", "Bearer wrong"}} : sim::HeaderList{};
        const auto r = c.post("/v1/vendors/bay-hauling/results", body, "application/json", key);
        EXPECT_EQ(r.status, 401) << r.body;
        c.close();
    }
    EXPECT_EQ(scalar(gw, "SELECT COUNT(*) FROM raw_payloads"), 0);
    EXPECT_EQ(scalar(gw, "SELECT COUNT(*) FROM quarantine"), 0);
    // Nothing of 80 MB reached the store (a page or two of bookkeeping may).
    EXPECT_LT(store_bytes(gw), before + 256 * 1024);
    // Counted, and logged without the key.
    EXPECT_NE(gw.log_text().find("auth: refused 127.0.0.1 on /v1/vendors/{vendor}/results"),
              std::string::npos);
    EXPECT_EQ(gw.log_text().find("Bearer wrong"), std::string::npos);
}

// 1. (continued) Refused credentials are rate limited per client; other clients go on.
TEST(HostileNetwork, TooManyRefusedCredentialsFromOneClientAre429ForThatClientOnly) {
    GatewayProcess gw(json{{"listen", {{"failed_auth", {{"burst", 5}, {"per_second", 0.01}}}}}});
    const std::string wrong = head_of_post("/v1/work-orders", 2, {"Authorization: Bearer nope"});
    std::vector<int> statuses;
    for (int i = 0; i < 8; ++i) {
        RawConnection attacker(gw.port(), "127.0.0.5");
        attacker.send(wrong + "{}");
        statuses.push_back(RawConnection::status_of(attacker.read()));
    }
    EXPECT_EQ(statuses.front(), 401);
    EXPECT_EQ(statuses.back(), 429);
    RawConnection blocked(gw.port(), "127.0.0.5");
    blocked.send(head_of_post("/v1/work-orders", 2, {"Authorization: Bearer " + gw.secrets.crm}) +
                 "{}");
    const auto answer = blocked.read();
    EXPECT_EQ(RawConnection::status_of(answer), 429) << "even a right key waits: no guessing";
    EXPECT_NE(answer.find("retry-after"), std::string::npos) << answer;

    auto c = gw.client();  // 127.0.0.1: another client
    const auto r = gw.create_order(c, work_order_body("SR-HN-1", "bay-hauling"));
    EXPECT_EQ(r.status, 201) << r.body;
}

// 2. Bodies are not buffered before authentication: 100 connections each sending most of a
// 4 MB body with a wrong key.
TEST(HostileNetwork, HalfSentBodiesWithAWrongKeyAreNotBuffered) {
    GatewayProcess gw(json{{"listen", {{"failed_auth", {{"burst", 1000}}}}}});
    const long rss_before = rss_kib(gw.pid());
    const std::string chunk(kFourMiB - 1, 'y');
    std::vector<RawConnection> connections;
    std::vector<int> answered;
    for (int i = 0; i < 100; ++i) {
        connections.emplace_back(gw.port(), "127.0.0." + std::to_string(10 + i % 50));
        auto& conn = connections.back();
        conn.send(head_of_post("/v1/vendors/bay-hauling/results", kFourMiB,
                               {"Authorization: Bearer wrong-key"}));
        conn.send(std::string_view(chunk).substr(0, 1024 * 1024), std::chrono::milliseconds(500));
    }
    const long rss_peak = rss_kib(gw.pid());
    for (auto& conn : connections) answered.push_back(RawConnection::status_of(conn.read()));
    for (int status : answered) EXPECT_EQ(status, 401);
    // 100 x 4 MB buffered would be 400 MB; refused from the head, a connection costs its
    // header and one read buffer.
    EXPECT_LT(rss_peak - rss_before, 48 * 1024) << "KiB grown: " << rss_peak - rss_before;
}

// 3. One client holding connections does not lock the others out; the refusals are logged a
// few lines at a time, not one per connection.
TEST(HostileNetwork, OneClientHoldingConnectionsLeavesTheOthersServed) {
    GatewayProcess gw(
        json{{"listen", {{"max_connections", 200}, {"max_connections_per_client", 40}}}});
    std::vector<RawConnection> held;
    for (int i = 0; i < 40; ++i) held.emplace_back(gw.port(), "127.0.0.7");
    int refused = 0;
    for (int i = 0; i < 200; ++i) {
        RawConnection extra(gw.port(), "127.0.0.7");
        const auto answer = extra.read(std::chrono::milliseconds(500));
        if (RawConnection::status_of(answer) == 429 &&
            answer.find("too-many-connections-from-client") != std::string::npos)
            ++refused;
    }
    EXPECT_EQ(refused, 200);
    auto c = gw.client();
    EXPECT_EQ(gw.create_order(c, work_order_body("SR-HN-3", "bay-hauling")).status, 201);
    const auto log = gw.log_text();
    std::size_t lines = 0;
    for (auto at = log.find("refused a connection"); at != std::string::npos;
         at = log.find("refused a connection", at + 1))
        ++lines;
    EXPECT_GE(lines, 1u);
    EXPECT_LE(lines, 10u) << "200 refusals must not be 200 log lines";
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// 4. A WS-Security password, in any XML form, accepted or refused, never reaches the store.
TEST(HostileNetwork, NoCredentialFormOfAnyVendorReachesTheStore) {
    Secrets secrets;
    secrets.valley = "Vx7-Qm2-Lk9-Zp4-Wr8";
    secrets.bay = "Bk3-Hq8-Tn5-Jc1";
    secrets.curbside = "Cf6-Rw2-Ym7-Dp9";
    GatewayProcess gw(json{{"listen", {{"failed_auth", {{"burst", 1000}}}}}}, secrets);
    if (StoreProbe(gw).postgres())
        GTEST_SKIP() << "reads the SQLite file's bytes; the PostgreSQL store holds what the "
                        "SQLite run proves it was given";
    auto c = gw.client();
    const std::string& pw = secrets.valley;
    const std::vector<std::pair<std::string, std::string>> forms = {
        {"plain", pw},
        {"cdata", "<![CDATA[" + pw + "]]>"},
        {"entities", "&#x56;x7-Qm2-Lk9-Zp4-Wr&#56;"},
        {"comment-split", "Vx7-Qm2-Lk<!-- split -->9-Zp4-Wr8"},
        {"wrong", "Vx7-Qm2-Lk9-Zp4-Wr9"},
        {"wrong-split", "Vx7-Qm2-Lk<!-- x -->9-Zp4-Wr9"},
    };
    int n = 0;
    for (const auto& [name, password] : forms) {
        const auto ok = vendor_result("valley-disposal", secrets, "G-" + name, "SR-9");
        std::string body = valley_event("G-" + name, "SR-9", 7671, 100, kValleyUser, password);
        const auto r = c.post("/v1/vendors/valley-disposal/results", body, "text/xml", ok.headers);
        EXPECT_EQ(answered_status(r) == 401, name.rfind("wrong", 0) == 0) << name << r.body;
        ++n;
    }
    // Valid token, malformed rest: kept for replay, with the Security element cut out.
    const auto broken = valley_event("G-broken", "SR-9", 7671, 100, kValleyUser, pw);
    c.post("/v1/vendors/valley-disposal/results", broken.substr(0, broken.size() - 40), "text/xml",
           vendor_result("valley-disposal", secrets, "G-broken", "SR-9").headers);
    // Header keys, right and wrong.
    for (const auto& vendor : {"bay-hauling", "curbside-coop"}) {
        const auto post = vendor_result(vendor, secrets, std::string("K-") + vendor, "SR-9");
        post_vendor_result(c, vendor, post);
        auto wrong = post;
        wrong.headers = {{"Authorization", "Bearer " + secrets.bay + "x"},
                         {"X-Api-Key", secrets.curbside + "x"}};
        post_vendor_result(c, vendor, wrong);
    }
    c.get("/v1/vendors/valley-disposal/work-orders",
          vendor_read_headers("valley-disposal", secrets));
    EXPECT_GE(scalar(gw, "SELECT COUNT(*) FROM raw_payloads WHERE vendor = 'valley-disposal'"), 4);
    EXPECT_GE(scalar(gw, "SELECT COUNT(*) FROM quarantine WHERE vendor = 'valley-disposal'"), 1);
    // What staff see of the quarantined payloads.
    const auto listed = c.get("/v1/admin/quarantine?vendor=valley-disposal", gw.admin_headers());
    for (const auto& item : json::parse(listed.body).value("items", json::array())) {
        const auto one = c.get("/v1/admin/quarantine/" + std::to_string(item.value("id", 0)),
                               gw.admin_headers());
        EXPECT_EQ(one.body.find("Lk9-Zp4"), std::string::npos) << one.body;
    }
    gw.stop();
    const std::vector<std::string> needles = {
        pw, "Vx7-Qm2-Lk", "9-Zp4-Wr8", "9-Zp4-Wr9", "x7-Qm2-Lk9", secrets.bay, secrets.curbside};
    for (const char* suffix : {"", "-wal", "-shm"}) {
        const auto bytes = slurp(gw.db_path() + suffix);
        for (const auto& needle : needles)
            EXPECT_EQ(bytes.find(needle), std::string::npos)
                << "'" << needle << "' found in fieldgate.db" << suffix;
    }
    EXPECT_EQ(gw.log_text().find("Lk9-Zp4"), std::string::npos);
}

}  // namespace
}  // namespace fieldgate::test
