// What the crew sync component tests share: one real gateway for the CrewSync suite, and a
// device's own calls over raw HTTP.
#pragma once

#include "crew_support.h"

namespace fieldgate::test {

class CrewSync : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { gw_ = new GatewayProcess(); }
    static void TearDownTestSuite() {
        delete gw_;
        gw_ = nullptr;
    }
    static GatewayProcess* gw_;
    TempDir dir_;
};

inline sim::HeaderList device_headers(const std::string& id, const std::string& secret) {
    return {{"X-Device-Id", id}, {"Authorization", "Bearer " + secret}};
}

// Enrolls over raw HTTP; returns the device secret.
inline std::string enroll_raw(const GatewayProcess& gw, const IssuedDevice& d) {
    auto c = gw.client();
    auto r = c.post("/v1/sync/enroll",
                    nlohmann::json{{"device_id", d.id}, {"enrollment_token", d.token}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return nlohmann::json::parse(r.body).at("device_secret").get<std::string>();
}

}  // namespace fieldgate::test
