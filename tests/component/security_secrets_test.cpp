// Security checks on the real gateway (issue 7): a realistic flow at debug log level, after
// which no secret and no resident phone number or e-mail is anywhere in the gateway's log, nor
// in anything sent to a vendor that may not see it.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>

#include "ids.h"
#include "security_matrix_tables.h"
#include "support/recording_receiver.h"
#include "support/vendor_folders.h"
#include "support/wait.h"
#include "support/webhook_signer.h"

namespace fieldgate::test {
namespace {

using nlohmann::json;

// Resident details of one order, distinct per order so a leak names the order.
json resident(int n) {
    const std::string nn = (n < 10 ? "0" : "") + std::to_string(n);
    return {{"name", "Resident " + nn},
            {"phone", "408-555-01" + nn},
            {"email", "resident." + nn + "@example.org"}};
}

TEST(SecretsAndResidentData, NeitherReachesTheLogNorAVendorThatMayNotSeeThem) {
    RecordingReceiver bay_endpoint;  // Bay takes its dispatch pushed, seeing no resident field
    RecordingReceiver crm_endpoint;  // the CRM, receiving signed events
    VendorFolders folders;
    auto bay = folders.mapping("bay-hauling");
    bay["dispatch"] = {
        {"mode", "push"},
        {"push_url", "http://127.0.0.1:" + std::to_string(bay_endpoint.port()) + "/orders"},
        {"secret", "bay-hauling/push-secret"}};
    folders.write_mapping("bay-hauling", bay);
    auto curbside = folders.mapping("curbside-coop");
    curbside["customer_fields_allowed"] = {"phone"};  // the phone, never the e-mail
    folders.write_mapping("curbside-coop", curbside);

    Secrets secrets;
    const std::string crm_key = "crm-signing-key-0";
    const std::string push_key = "bay-push-key-0";
    secrets.crm_webhook = whsec(crm_key);
    ::setenv("FIELDGATE_SECRET_BAY_HAULING_PUSH_SECRET", whsec(push_key).c_str(), 1);
    GatewayProcess gw(
        json{
            {"vendor_schemas", folders.root().string()},
            {"poll", {{"enabled", false}}},
            {"log", {{"level", "debug"}}},
            {"crm",
             {{"endpoint", "http://127.0.0.1:" + std::to_string(crm_endpoint.port()) + "/events"}}},
            {"delivery", {{"poll_interval_ms", 200}}}},
        secrets);
    ::unsetenv("FIELDGATE_SECRET_BAY_HAULING_PUSH_SECRET");
    const auto& s = gw.secrets;
    auto c = gw.client();

    // Three orders per vendor, each with its own resident.
    std::map<std::string, std::vector<Order>> orders;
    int n = 0;
    for (const auto& vendor : kCallingVendors) {
        for (int i = 0; i < 3; ++i) {
            ++n;
            auto body = work_order_body("SR-PII-" + std::to_string(n), vendor, "R-0412", n);
            body["customer"] = resident(n);
            const auto r = gw.create_order(c, body);
            ASSERT_EQ(r.status, 201) << r.body;
            orders[vendor].push_back({body["crm_case_id"], json::parse(r.body)["id"]});
        }
    }
    std::vector<std::string> vendor_bound;  // every answer and push a vendor received
    auto keep = [&](const sim::ClientResponse& r) {
        vendor_bound.push_back(r.body);
        return answered_status(r);
    };

    // Results from all three vendors: taken, refused with their own credentials, and refused
    // for bad credentials (Valley's are in its envelope).
    for (const auto& vendor : kCallingVendors) {
        const auto& list = orders[vendor];
        EXPECT_EQ(keep(post_vendor_result(c, vendor,
                                          vendor_result(vendor, s, "REF-PII-1", list[0].sr, 1))),
                  200);
        EXPECT_EQ(keep(post_vendor_result(
                      c, vendor, vendor_result(vendor, s, "REF-PII-2", "SR-NOT-THERE", 1))),
                  422);
        auto stranger = vendor_result(vendor, s, "REF-PII-3", list[2].sr, 2);
        stranger.headers = headers_for(Form::bearer, "wrong-" + vendor);
        if (vendor == "valley-disposal") {
            stranger.body = valley_event("REF-PII-3", list[2].sr, 7671, 100, kValleyUser, "wrong");
            stranger.headers.clear();
        }
        EXPECT_EQ(keep(post_vendor_result(c, vendor, stranger)), 401);
    }
    // Valley's own password inside a refused event (an unmapped code): kept redacted, not logged.
    EXPECT_EQ(keep(post_vendor_result(c, "valley-disposal",
                                      {"text/xml",
                                       valley_event("REF-PII-4", orders["valley-disposal"][1].sr,
                                                    7671, 999, kValleyUser, s.valley),
                                       {}})),
              422);
    // Bay signed, and with a bad signature.
    {
        const auto body = bay_result("REF-PII-5", orders["bay-hauling"][1].sr).dump();
        const auto ts = unix_now();
        const auto good = "sha256=" + hmac_sha256_hex(s.bay_hmac, ts + "." + body);
        sim::HeaderList h = {{"Authorization", "Bearer " + s.bay}, {"X-BH-Timestamp", ts}};
        auto with = [&](const std::string& sig) {
            auto headers = h;
            headers.push_back({"X-BH-Signature", sig});
            return c.post("/v1/vendors/bay-hauling/results", body, "application/json", headers);
        };
        EXPECT_EQ(keep(with(good + "0")), 401);
        EXPECT_EQ(keep(with(good)), 200);
    }

    // The vendors read their feeds and orders; a wrong password reads nothing.
    for (const auto& vendor : kCallingVendors) {
        const auto headers = vendor_read_headers(vendor, s);
        EXPECT_EQ(keep(c.get("/v1/vendors/" + vendor + "/work-orders", headers)), 200);
        for (const auto& o : orders[vendor])
            EXPECT_EQ(keep(c.get("/v1/vendors/" + vendor + "/work-orders/" + o.id, headers)), 200);
    }
    EXPECT_EQ(keep(c.get("/v1/vendors/valley-disposal/work-orders",
                         {{"Authorization", basic_auth(kValleyUser, "wrong")}})),
              401);
    // Staff look at what was refused and reload the vendor folders.
    EXPECT_EQ(c.get("/v1/admin/quarantine", gw.admin_headers()).status, 200);
    EXPECT_EQ(c.get("/v1/admin/vendors/health", gw.admin_headers()).status, 200);
    EXPECT_EQ(c.post("/v1/admin/vendors/reload", "", "application/json", gw.admin_headers()).status,
              200);

    // Bay's three orders pushed; the CRM got its events (signed with the webhook secret).
    const auto pushes = bay_endpoint.wait_for(3, std::chrono::seconds(30));
    ASSERT_GE(pushes.size(), 3u) << gw.log_text();
    for (const auto& p : pushes) vendor_bound.push_back(p.body);
    EXPECT_GE(crm_endpoint.wait_for(12, std::chrono::seconds(30)).size(), 12u);
    ASSERT_EQ(gw.stop(), 0);
    const auto log = gw.log_text();
    ASSERT_NE(log.find("listening on"), std::string::npos) << log;

    // No secret in the log, in any form a request carried it.
    const std::vector<std::string> secret_values = {s.crm,
                                                    s.bay,
                                                    s.bay_hmac,
                                                    s.valley,
                                                    s.curbside,
                                                    s.admin,
                                                    s.crm_webhook,
                                                    crm_key,
                                                    whsec(push_key),
                                                    push_key,
                                                    basic_auth(kValleyUser, s.valley).substr(6)};
    for (const auto& v : secret_values) EXPECT_EQ(log.find(v), std::string::npos) << v;

    // No resident phone or e-mail in the log; in what vendors got, only Curbside's own phones.
    std::size_t curbside_phones = 0;
    for (const auto& [vendor, list] : orders) {
        for (std::size_t i = 0; i < list.size(); ++i) {
            const auto who = resident(std::stoi(list[i].sr.substr(7)));
            const std::string phone = who["phone"], email = who["email"];
            EXPECT_EQ(log.find(phone), std::string::npos) << phone;
            EXPECT_EQ(log.find(email), std::string::npos) << email;
            for (const auto& payload : vendor_bound) {
                EXPECT_EQ(payload.find(email), std::string::npos) << payload;
                const bool may_see = vendor == "curbside-coop";
                if (payload.find(phone) == std::string::npos) continue;
                EXPECT_TRUE(may_see) << phone << " sent to a vendor: " << payload;
                // Only in Curbside's own answers: its feed and orders, which name its route.
                EXPECT_NE(payload.find(list[i].id), std::string::npos) << payload;
                ++curbside_phones;
            }
        }
    }
    // Curbside did see its residents' phones (feed + each order by id).
    EXPECT_GE(curbside_phones, 2 * orders["curbside-coop"].size());
    std::cout << "[ security ] " << vendor_bound.size() << " vendor-bound payloads and "
              << std::count(log.begin(), log.end(), '\n') << " log lines checked for "
              << secret_values.size() << " secrets and " << n << " residents\n";
}

}  // namespace
}  // namespace fieldgate::test
