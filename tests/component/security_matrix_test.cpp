// Security checks on the real gateway (issue 7): every credential (each vendor's, the CRM's,
// the staff's), in every form a request can carry one, against every other vendor's routes and
// the city's own routes: all refused; a vendor's own credentials against another vendor's
// orders: answered like unknown ones. Bay Hauling's signature is checked in
// security_signature_test.cpp, secrets and resident data in security_secrets_test.cpp.
// The matrix is tables: a new vendor is a line in kVendors (security_matrix_tables.h, and
// vendor_calls.h), a new route a line in the route catalog, which the city-route part walks.
#include <gtest/gtest.h>

#include <iostream>
#include <map>

#include "read_pool.h"
#include "route_catalog.h"
#include "security_matrix_tables.h"
#include "support/store_probe.h"

namespace fieldgate::test {
namespace {

using nlohmann::json;

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
        return StoreProbe(*gateway_).integer(sql);
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
    //    reports, metrics, trucks, devices, crew sync, the console's API): 401 or 403.
    const std::string sha256(64, '0');
    for (const auto& r : route_catalog()) {
        std::string path(r.path);
        if (path == "/healthz" || path == "/readyz" || path.rfind("/v1/vendors/", 0) == 0) continue;
        // The console's pages hold no data (anyone may load them) and its sign-in takes a name
        // and password in the body; every console route with data is a staff route, checked here.
        if (r.credential == fieldgate::Credential::none ||
            (r.method == "POST" && path == "/console/api/session"))
            continue;
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

}  // namespace
}  // namespace fieldgate::test
