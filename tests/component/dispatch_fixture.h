// What the dispatch tests share: one gateway whose assignment rules send orders to each
// vendor, each vendor's reader of its pull feed, and the CRM's calls.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include "base64_codec.h"
#include "read_pool.h"
#include "registry.h"
#include "support/gateway_process.h"
#include "support/store_probe.h"
#include "support/vendor_payloads.h"
#include "transaction.h"
#include "vendor_view.h"

namespace fieldgate::test {

inline const nlohmann::json kDowntown = {
    {-121.900, 37.325}, {-121.880, 37.325}, {-121.880, 37.345}, {-121.900, 37.345}};

// Rules, first match wins: ZIP 95116 -> Curbside; downtown -> Valley; weekends -> Curbside;
// everything else -> Bay.
inline nlohmann::json rules_config() {
    return {{"assignment",
             {{"rules",
               {{{"service_type", "bulky_item"},
                 {"vendor", "curbside-coop"},
                 {"postal_codes", {"95116"}}},
                {{"service_type", "*"}, {"vendor", "valley-disposal"}, {"polygon", kDowntown}},
                {{"service_type", "bulky_item"},
                 {"vendor", "curbside-coop"},
                 {"weekdays", {"sat", "sun"}}},
                {{"service_type", "*"}, {"vendor", "bay-hauling"}}}}}}};
}

inline std::string str(const nlohmann::json& j) {
    return j.get<std::string>();
}

// One counter for the whole binary: the Dispatch suite shares one gateway across files.
inline std::string unique(const std::string& prefix) {
    static int n = 0;
    return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
}

inline nlohmann::json problem(const sim::ClientResponse& r) {
    EXPECT_EQ(r.header("content-type").value_or(""), "application/problem+json") << r.body;
    return nlohmann::json::parse(r.body, nullptr, false);
}

// Everything one vendor reads of the gateway, with its own credentials.
class VendorReader {
  public:
    VendorReader(const GatewayProcess& g, std::string vendor, sim::HeaderList credentials)
        : g_(g), vendor_(std::move(vendor)), credentials_(std::move(credentials)) {}

    sim::ClientResponse feed(const std::string& query = "") const {
        auto c = g_.client();
        return c.get("/v1/vendors/" + vendor_ + "/work-orders" + query, credentials_);
    }
    sim::ClientResponse order(const std::string& id) const {
        auto c = g_.client();
        return c.get("/v1/vendors/" + vendor_ + "/work-orders/" + id, credentials_);
    }
    // The cursor at the end of the feed now.
    std::int64_t end_cursor() const {
        std::int64_t cursor = 0;
        for (;;) {
            auto r = feed("?limit=500&cursor=" + std::to_string(cursor));
            EXPECT_EQ(r.status, 200) << r.body;
            const auto page = nlohmann::json::parse(r.body);
            if (page["items"].empty()) return cursor;
            cursor = page["next_cursor"];
        }
    }
    // Every item of the feed from the start.
    std::vector<nlohmann::json> all_items() const {
        std::vector<nlohmann::json> items;
        std::int64_t cursor = 0;
        for (;;) {
            auto r = feed("?limit=500&cursor=" + std::to_string(cursor));
            EXPECT_EQ(r.status, 200) << r.body;
            const auto page = nlohmann::json::parse(r.body);
            if (page["items"].empty()) return items;
            for (const auto& item : page["items"]) items.push_back(item);
            cursor = page["next_cursor"];
        }
    }

  private:
    const GatewayProcess& g_;
    std::string vendor_;
    sim::HeaderList credentials_;
};

class Dispatch : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { gateway_ = new GatewayProcess(rules_config()); }
    static void TearDownTestSuite() {
        delete gateway_;
        gateway_ = nullptr;
    }
    void SetUp() override { ASSERT_TRUE(gateway_->running()) << gateway_->log_text(); }

    static VendorReader bay() {
        return VendorReader(*gateway_, "bay-hauling",
                            {{"Authorization", "Bearer " + gateway_->secrets.bay}});
    }
    static VendorReader valley() {
        return VendorReader(*gateway_, "valley-disposal",
                            {{"Authorization",
                              "Basic " + base64_encode("city-of-sj:" + gateway_->secrets.valley)}});
    }
    static VendorReader curbside() {
        return VendorReader(*gateway_, "curbside-coop",
                            {{"X-Api-Key", gateway_->secrets.curbside}});
    }

    // A new order through the CRM API; returns its JSON.
    static nlohmann::json create(const nlohmann::json& body) {
        auto c = gateway_->client();
        auto r = gateway_->create_order(c, body);
        EXPECT_EQ(r.status, 201) << r.body;
        return nlohmann::json::parse(r.body, nullptr, false);
    }
    static nlohmann::json create_for(const std::string& vendor) {
        return create(work_order_body(unique("SR"), vendor));
    }
    // An order the rules assign: at `lat,lon`, on `date`, with `address`, maybe a postal code.
    static nlohmann::json create_unassigned(const std::string& address, double lat, double lon,
                                            const std::string& date,
                                            const std::string& postal_code = "") {
        auto body = work_order_body(unique("SR"), "", "R-A", 1, date);
        body.erase("vendor");
        body["address"] = address;
        body["location"] = {{"lat", lat}, {"lon", lon}};
        if (!postal_code.empty()) body["postal_code"] = postal_code;
        return create(body);
    }

    static sim::ClientResponse post_change(const std::string& id, const std::string& action,
                                           const std::string& body) {
        auto c = gateway_->client();
        return c.post("/v1/work-orders/" + id + "/" + action, body, "application/json",
                      gateway_->crm_headers());
    }
    static nlohmann::json crm_view(const std::string& id) {
        auto c = gateway_->client();
        auto r = c.get("/v1/work-orders/" + id, gateway_->crm_headers());
        EXPECT_EQ(r.status, 200) << r.body;
        return nlohmann::json::parse(r.body, nullptr, false);
    }
    static std::int64_t scalar(const std::string& sql, const std::string& arg) {
        return StoreProbe(*gateway_).integer(sql, {arg});
    }

    static GatewayProcess* gateway_;
};

}  // namespace fieldgate::test
