// Security checks on the real gateway (issue 7): Bay Hauling's HMAC signature over the wire,
// tampered, replayed and missing all refused.
#include <gtest/gtest.h>

#include <optional>

#include "ids.h"
#include "read_pool.h"
#include "support/gateway_process.h"
#include "support/store_probe.h"
#include "support/vendor_calls.h"
#include "support/vendor_folders.h"

namespace fieldgate::test {
namespace {

using nlohmann::json;

// Bay Hauling's folder copied with its signature required, as a city enabling it would.
TEST(BaySignature, TamperedReplayedAndMissingSignaturesAreRefusedOverTheWire) {
    VendorFolders folders;
    auto mapping = folders.mapping("bay-hauling");
    mapping["auth"]["signature"]["required"] = true;
    folders.write_mapping("bay-hauling", mapping);
    GatewayProcess gw(
        json{{"vendor_schemas", folders.root().string()}, {"poll", {{"enabled", false}}}});
    auto c = gw.client();
    ASSERT_EQ(gw.create_order(c, work_order_body("SR-SIG-1", "bay-hauling")).status, 201);

    const auto body = bay_result("BH-SIG-1", "SR-SIG-1").dump();
    const auto now = std::stoll(unix_now());
    auto sign = [&](long long ts, const std::string& signed_body, const std::string& key) {
        return "sha256=" + hmac_sha256_hex(key, std::to_string(ts) + "." + signed_body);
    };
    const std::string& key = gw.secrets.bay_hmac;
    std::string flipped = sign(now, body, key);
    flipped.back() = flipped.back() == '0' ? '1' : '0';
    std::string tampered = body;
    tampered.replace(tampered.find("Confirmed Negative"), 18, "Confirmed Positive");

    struct Case {
        std::string name;
        std::optional<long long> timestamp;
        std::optional<std::string> signature;
        std::string body;
        std::string detail;  // what the refusal names
    };
    const std::vector<Case> refused = {
        {"missing signature", std::nullopt, std::nullopt, body, "must be signed"},
        {"signature without timestamp", std::nullopt, sign(now, body, key), body, "X-BH-Timestamp"},
        {"tampered body", now, sign(now, body, key), tampered, "does not match"},
        {"tampered signature", now, flipped, body, "does not match"},
        {"signed with the API key", now, sign(now, body, gw.secrets.bay), body, "does not match"},
        {"replayed 301 s later", now - 301, sign(now - 301, body, key), body, "window"},
        {"old signature, fresh timestamp", now, sign(now - 301, body, key), body, "does not match"},
        // Well past the window: the cases before it may take seconds (PostgreSQL under a busy
        // CI), and every second they take brings `now + n` closer to the gateway's clock.
        {"timestamp 330 s ahead", now + 330, sign(now + 330, body, key), body, "window"},
    };
    auto post = [&](const Case& t) {
        sim::HeaderList headers = {{"Authorization", "Bearer " + gw.secrets.bay}};
        if (t.timestamp) headers.push_back({"X-BH-Timestamp", std::to_string(*t.timestamp)});
        if (t.signature) headers.push_back({"X-BH-Signature", *t.signature});
        return c.post("/v1/vendors/bay-hauling/results", t.body, "application/json", headers);
    };
    for (const auto& t : refused) {
        const auto r = post(t);
        EXPECT_EQ(r.status, 401) << t.name << ": " << r.body;
        EXPECT_NE(r.body.find(t.detail), std::string::npos) << t.name << ": " << r.body;
    }
    auto status = [&] {
        const auto r = c.get("/v1/work-orders?crm_case_id=SR-SIG-1", gw.crm_headers());
        return json::parse(r.body)["items"][0].value("status", "");
    };
    EXPECT_EQ(status(), "dispatched");

    const Case good{"good", now, sign(now, body, key), body, ""};
    const auto accepted = post(good);
    EXPECT_EQ(accepted.status, 200) << accepted.body;
    EXPECT_EQ(status(), "not_collected");
    // The same signed request again inside the window is the same result: nothing stored twice.
    EXPECT_EQ(post(good).status, 200);
    EXPECT_EQ(StoreProbe(gw).integer("SELECT COUNT(*) FROM outcomes WHERE vendor_ref = 'BH-SIG-1'"),
              1);

    // The feed too: a required signature signs the empty body of a GET.
    const sim::HeaderList bearer = {{"Authorization", "Bearer " + gw.secrets.bay}};
    EXPECT_EQ(c.get("/v1/vendors/bay-hauling/work-orders", bearer).status, 401);
    auto signed_get = bearer;
    signed_get.push_back({"X-BH-Timestamp", std::to_string(now)});
    signed_get.push_back({"X-BH-Signature", sign(now, "", key)});
    EXPECT_EQ(c.get("/v1/vendors/bay-hauling/work-orders", signed_get).status, 200);
}

}  // namespace
}  // namespace fieldgate::test
