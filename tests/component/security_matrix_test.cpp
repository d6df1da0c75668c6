// Security checks on the real gateway (issue 7):
// - every credential (each vendor's, the CRM's, the staff's), in every form a request can carry
//   one, against every other vendor's routes and the city's own routes: all refused; a vendor's
//   own credentials against another vendor's orders: answered like unknown ones;
// - Bay Hauling's HMAC signature over the wire: tampered, replayed and missing all refused;
// - a realistic flow at debug log level, after which no secret and no resident phone number or
//   e-mail is anywhere in the gateway's log, nor in anything sent to a vendor that may not see it.
// The matrix is tables: a new vendor is a line in kVendors (and vendor_calls.h), a new route a
// line in the route catalog, which the city-route part walks.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <optional>
#include <set>

#include "ids.h"
#include "read_pool.h"
#include "route_catalog.h"
#include "sqlite_transaction.h"
#include "support/gateway_process.h"
#include "support/recording_receiver.h"
#include "support/vendor_calls.h"
#include "support/vendor_folders.h"
#include "support/wait.h"
#include "support/webhook_signer.h"

namespace fieldgate::test {
namespace {

using nlohmann::json;

// Every vendor folder shipped; Riverbend has no credentials configured (nobody gets in).
const std::vector<std::string> kVendors = {"bay-hauling", "valley-disposal", "curbside-coop",
                                           "riverbend-recycling"};
// The vendors that call the gateway with credentials of their own.
const std::vector<std::string> kCallingVendors = {"bay-hauling", "valley-disposal",
                                                  "curbside-coop"};

struct Credential {
    std::string owner;  // a vendor id, "crm" or "admin"
    std::string value;
};

std::vector<Credential> credentials(const Secrets& s) {
    return {{"bay-hauling", s.bay},
            {"valley-disposal", s.valley},
            {"curbside-coop", s.curbside},
            {"crm", s.crm},
            {"admin", s.admin}};
}

// Every way a request carries a credential: the headers of each scheme, and the SOAP
// UsernameToken inside a body (which only a SOAP vendor's results route reads).
enum class Form { bearer, api_key, basic, wsse };
const std::vector<Form> kForms = {Form::bearer, Form::api_key, Form::basic, Form::wsse};

std::string form_name(Form f) {
    switch (f) {
        case Form::bearer:
            return "Bearer";
        case Form::api_key:
            return "X-Api-Key";
        case Form::basic:
            return "Basic";
        case Form::wsse:
            return "UsernameToken";
    }
    return "?";
}

sim::HeaderList headers_for(Form f, const std::string& value) {
    switch (f) {
        case Form::bearer:
            return {{"Authorization", "Bearer " + value}};
        case Form::api_key:
            return {{"X-Api-Key", value}};
        case Form::basic:
            return {{"Authorization", basic_auth(kValleyUser, value)}};
        case Form::wsse:
            return {};
    }
    return {};
}

struct Order {
    std::string sr;
    std::string id;
};

class SecurityMatrix : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        // Hundreds of refusals from one address are the point here, not the per-client limit
        // on them (hostile_network_test.cpp).
        gateway_ = new GatewayProcess(json{{"poll", {{"enabled", false}}},
                                           {"listen", {{"failed_auth", {{"burst", 1000000}}}}}});
        auto c = gateway_->client();
        int n = 0;
        for (const auto& vendor : kVendors) {
            const std::string sr = "SR-SEC-" + std::to_string(++n);
            const auto r = gateway_->create_order(c, work_order_body(sr, vendor, "R-0412", n));
            ASSERT_EQ(r.status, 201) << r.body;
            orders_[vendor] = Order{sr, json::parse(r.body)["id"]};
        }
    }
    static void TearDownTestSuite() {
        delete gateway_;
        gateway_ = nullptr;
    }

    // A result of `target`'s format for its own order, carrying `value` in form `f`.
    static VendorPost result_with(const std::string& target, Form f, const std::string& value) {
        const auto& o = orders_.at(target);
        auto post = vendor_result(target, gateway_->secrets, "REF-SEC-" + target, o.sr);
        post.headers = headers_for(f, value);
        if (target == "valley-disposal") {
            const bool token = f == Form::wsse;
            post.body = valley_event("REF-SEC-V", o.sr, 7671, 100, token ? kValleyUser : "",
                                     token ? value : "");
            post.headers.push_back(
                {"SOAPAction", "\"http://valleydisposal.example/ens/NotifyEventUpdated\""});
        }
        return post;
    }

    static std::int64_t scalar(const std::string& sql) {
        store::ReadPool reads(gateway_->db_path());
        auto db = reads.acquire();
        auto q = store::sqlite_connection(*db).prepare(sql);
        q->step();
        return q->integer(0);
    }

    static GatewayProcess* gateway_;
    static std::map<std::string, Order> orders_;
};

GatewayProcess* SecurityMatrix::gateway_ = nullptr;
std::map<std::string, Order> SecurityMatrix::orders_;

TEST_F(SecurityMatrix, NoCredentialOpensAnotherPartysRoutes) {
    auto c = gateway_->client();
    std::size_t cases = 0;
    auto check = [&](bool ok, const std::string& what, const sim::ClientResponse& r) {
        ++cases;
        EXPECT_TRUE(ok) << what << " answered " << r.status << ": " << r.body.substr(0, 300);
    };

    // 1. Every credential, in every form, on every other vendor's routes: 401.
    for (const auto& cred : credentials(gateway_->secrets)) {
        for (const auto& target : kVendors) {
            if (cred.owner == target) continue;
            const auto& order = orders_.at(target);
            const std::string base = "/v1/vendors/" + target;
            for (const auto form : kForms) {
                const std::string who = cred.owner + " credential as " + form_name(form) + " on ";
                const auto post = result_with(target, form, cred.value);
                const auto results = post_vendor_result(c, target, post);
                check(answered_status(results) == 401, who + "POST " + base + "/results", results);
                if (form == Form::wsse) continue;  // GETs carry no body
                const auto headers = headers_for(form, cred.value);
                const auto feed = c.get(base + "/work-orders", headers);
                check(feed.status == 401, who + "GET " + base + "/work-orders", feed);
                const auto one = c.get(base + "/work-orders/" + order.id, headers);
                check(one.status == 401, who + "GET " + base + "/work-orders/{id}", one);
            }
        }
    }

    // 2. Each vendor's credentials, in every header form, on every city route (CRM, staff,
    //    reports, metrics, trucks, devices, crew sync): 401 or 403.
    const std::string sha256(64, '0');
    for (const auto& r : route_catalog()) {
        std::string path(r.path);
        if (path == "/healthz" || path == "/readyz" || path.rfind("/v1/vendors/", 0) == 0) continue;
        for (const auto& [param, value] : std::vector<std::pair<std::string, std::string>>{
                 {"{id}", orders_.at("bay-hauling").id},
                 {"{vendor}", "bay-hauling"},
                 {"{name}", "crm"},
                 {"{sha256}", sha256}}) {
            for (auto at = path.find(param); at != std::string::npos; at = path.find(param))
                path.replace(at, param.size(), value);
        }
        for (const auto& cred : credentials(gateway_->secrets)) {
            if (cred.owner == "crm" || cred.owner == "admin") continue;
            for (const auto form : {Form::bearer, Form::api_key, Form::basic}) {
                const auto headers = headers_for(form, cred.value);
                const auto answer = r.method == "GET" ? c.get(path, headers)
                                    : r.method == "PUT"
                                        ? c.request("PUT", path, headers, "")
                                        : c.post(path, "{}", "application/json", headers);
                check(answer.status == 401 || answer.status == 403,
                      cred.owner + " credential as " + form_name(form) + " on " +
                          std::string(r.method) + " " + path,
                      answer);
            }
        }
    }

    // 3. A vendor's own credentials on another vendor's order: answered exactly like an unknown
    //    order, by id and by result, and never listed in its feed.
    for (const auto& vendor : kCallingVendors) {
        const auto headers = vendor_read_headers(vendor, gateway_->secrets);
        const std::string base = "/v1/vendors/" + vendor + "/work-orders";
        const auto own = c.get(base + "/" + orders_.at(vendor).id, headers);
        check(own.status == 200, vendor + " reading its own order", own);
        const auto unknown = c.get(base + "/wo_00000000000000000000", headers);
        const auto feed = c.get(base, headers);
        check(feed.status == 200, vendor + " reading its own feed", feed);
        const auto unknown_result = post_vendor_result(
            c, vendor, vendor_result(vendor, gateway_->secrets, "REF-SEC-U-" + vendor, "SR-NONE"));
        for (const auto& other : kVendors) {
            if (other == vendor) continue;
            const auto& foreign = orders_.at(other);
            const auto by_id = c.get(base + "/" + foreign.id, headers);
            check(by_id.status == 404 &&
                      json::parse(by_id.body, nullptr, false).value("type", "") ==
                          json::parse(unknown.body, nullptr, false).value("type", "") &&
                      by_id.body.find(foreign.sr) == std::string::npos,
                  vendor + " reading " + other + "'s order by id", by_id);
            check(feed.body.find(foreign.id) == std::string::npos,
                  vendor + "'s feed listing " + other + "'s order", feed);
            const auto result =
                post_vendor_result(c, vendor,
                                   vendor_result(vendor, gateway_->secrets,
                                                 "REF-SEC-F-" + vendor + other, foreign.sr));
            check(answered_status(result) == answered_status(unknown_result) &&
                      result.body.find("unknown-work-order") != std::string::npos,
                  vendor + " posting a result for " + other + "'s order", result);
        }
    }

    // Nothing any of it sent changed an order.
    for (const auto& [vendor, order] : orders_) {
        const auto r = c.get("/v1/work-orders/" + order.id, gateway_->crm_headers());
        EXPECT_EQ(json::parse(r.body).value("status", ""), "dispatched") << vendor;
    }
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outcomes"), 0);
    std::cout << "[ security ] credential matrix: " << cases << " cases, " << kVendors.size()
              << " vendors, " << credentials(gateway_->secrets).size() << " credentials, "
              << kForms.size() << " forms\n";
}

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
        {"timestamp 301 s ahead", now + 301, sign(now + 301, body, key), body, "window"},
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
    store::ReadPool reads(gw.db_path());
    auto db = reads.acquire();
    auto q = store::sqlite_connection(*db).prepare(
        "SELECT COUNT(*) FROM outcomes WHERE vendor_ref = 'BH-SIG-1'");
    q->step();
    EXPECT_EQ(q->integer(0), 1);

    // The feed too: a required signature signs the empty body of a GET.
    const sim::HeaderList bearer = {{"Authorization", "Bearer " + gw.secrets.bay}};
    EXPECT_EQ(c.get("/v1/vendors/bay-hauling/work-orders", bearer).status, 401);
    auto signed_get = bearer;
    signed_get.push_back({"X-BH-Timestamp", std::to_string(now)});
    signed_get.push_back({"X-BH-Signature", sign(now, "", key)});
    EXPECT_EQ(c.get("/v1/vendors/bay-hauling/work-orders", signed_get).status, 200);
}

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
