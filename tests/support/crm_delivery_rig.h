// The real gateway delivering to the real CRM simulator over loopback, with the helpers the CRM
// delivery tests share: create a Bay Hauling order, post its result, read what the CRM got.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/crm_sim_process.h"
#include "support/gateway_process.h"
#include "support/vendor_payloads.h"

namespace fieldgate::test {

class CrmDeliveryRig {
  public:
    explicit CrmDeliveryRig(nlohmann::json extra = nlohmann::json::object())
        : CrmDeliveryRig(CrmSimOptions{}, std::move(extra)) {}

    // The CRM simulator over HTTPS and/or with OAuth 2.0 when `sim` says so; the gateway is
    // configured to match (crm.tls.ca_file, crm.oauth2 with the simulator's token URL).
    CrmDeliveryRig(CrmSimOptions sim, nlohmann::json extra) : crm_(std::move(sim)) {
        nlohmann::json config = {
            {"crm",
             {{"endpoint", crm_.events_origin() + "/events"},
              {"event_type_prefix", "gov.sanjose.workorder"}}},
            {"delivery", {{"poll_interval_ms", 200}, {"max_pause_s", 1}, {"concurrency", 8}}},
            {"watchdog", {{"enabled", false}}},
        };
        Secrets secrets;
        if (const auto& tls = crm_.tls()) config["crm"]["tls"] = {{"ca_file", tls->ca_file}};
        if (const auto& oauth = crm_.oauth()) {
            config["crm"]["oauth2"] = {{"token_url", crm_.token_url()},
                                       {"client_id", oauth->client_id},
                                       {"client_secret", "crm/oauth-client-secret"}};
            secrets.more.emplace_back("crm/oauth-client-secret", oauth->client_secret);
        }
        config.merge_patch(extra);
        secrets.crm_webhook = whsec(crm_.key());
        gw_ = std::make_unique<GatewayProcess>(config, secrets);
    }

    GatewayProcess& gw() { return *gw_; }
    CrmSimProcess& crm() { return crm_; }

    nlohmann::json report() {
        auto c = crm_.control_client();
        return nlohmann::json::parse(c.get("/_report").body);
    }
    nlohmann::json events() {
        auto c = crm_.control_client();
        return nlohmann::json::parse(c.get("/_events").body);
    }
    void control(const nlohmann::json& command) {
        auto c = crm_.control_client();
        const auto r = c.post("/_control", command.dump());
        ASSERT_LT(r.status, 300) << r.body;
    }
    std::int64_t stored() { return report()["stored"].get<std::int64_t>(); }
    std::int64_t answered(const std::string& status) {
        const auto r = report();
        return r["answered"].contains(status) ? r["answered"][status].get<std::int64_t>() : 0;
    }

    // A work order for Bay Hauling; returns its id.
    std::string create(sim::HttpClient& c, const std::string& sr) {
        const auto r = gw_->create_order(c, work_order_body(sr, "bay-hauling"));
        EXPECT_EQ(r.status, 201) << r.body;
        return nlohmann::json::parse(r.body)["id"].get<std::string>();
    }
    void post_result(sim::HttpClient& c, const std::string& ticket, const std::string& sr,
                     const std::string& status = "Confirmed Negative",
                     const std::string& code = "NSO") {
        post_bay(c, bay_result(ticket, sr, status, code));
    }
    void post_bay(sim::HttpClient& c, const nlohmann::json& result) {
        const auto r = c.post("/v1/vendors/bay-hauling/results", result.dump(), "application/json",
                              {{"Authorization", "Bearer " + gw_->secrets.bay}});
        EXPECT_EQ(r.status, 200) << r.body;
    }

  private:
    CrmSimProcess crm_;
    std::unique_ptr<GatewayProcess> gw_;
};

// Events of one service request, in the order the CRM received them.
inline std::map<std::string, std::vector<nlohmann::json>> by_subject(const nlohmann::json& events) {
    std::map<std::string, std::vector<nlohmann::json>> out;
    for (const auto& e : events) out[e["subject"].get<std::string>()].push_back(e);
    return out;
}

}  // namespace fieldgate::test
