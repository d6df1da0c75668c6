// What the crew sync tests share: a real gateway, devices issued through the admin API, work
// orders for a crew through the CRM API, and read-only looks into the gateway's SQLite file.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fieldgate/offline.h"
#include "http_client.h"
#include "sqlite.h"
#include "support/gateway_process.h"

namespace fieldgate::test {

inline std::string today_utc() {
    const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    const std::chrono::year_month_day ymd{now};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
}

struct IssuedDevice {
    std::string id;
    std::string token;
};

inline IssuedDevice issue_device(const GatewayProcess& gw, const std::string& crew,
                                 const std::string& id) {
    auto c = gw.client();
    auto r = c.post("/v1/admin/devices", nlohmann::json{{"crew", crew}, {"device_id", id}}.dump(),
                    "application/json", gw.admin_headers());
    if (r.status != 201) throw std::runtime_error("issue device: " + r.body);
    return {id, nlohmann::json::parse(r.body).at("enrollment_token").get<std::string>()};
}

// A work order for `crew`, scheduled today; returns its gateway id.
inline std::string create_crew_order(const GatewayProcess& gw, const std::string& crew,
                                     const std::string& case_id) {
    auto c = gw.client();
    nlohmann::json body = {{"crm_case_id", case_id},
                           {"service_type", "bulky_item"},
                           {"address", "200 E Santa Clara St, San Jose, CA 95113"},
                           {"location", {{"lat", 37.3377}, {"lon", -121.8863}}},
                           {"scheduled_date", today_utc()},
                           {"items", {"couch", "mattress"}},
                           {"instructions", "at the curb"},
                           {"customer", {{"name", "Resident"}, {"phone", "555-0100"}}},
                           {"vendor", "crew:" + crew}};
    auto r = gw.create_order(c, body);
    if (r.status != 201 && r.status != 200) throw std::runtime_error("create order: " + r.body);
    return nlohmann::json::parse(r.body).at("id").get<std::string>();
}

inline int cancel_order(const GatewayProcess& gw, const std::string& id) {
    auto c = gw.client();
    return c
        .post("/v1/work-orders/" + id + "/cancel", R"({"reason":"resident cancelled"})",
              "application/json", gw.crm_headers())
        .status;
}

inline nlohmann::json get_order(const GatewayProcess& gw, const std::string& id) {
    auto c = gw.client();
    return nlohmann::json::parse(c.get("/v1/work-orders/" + id, gw.crm_headers()).body);
}

// A read-only connection to the gateway's store (WAL: reads alongside the running gateway).
inline sqlite::Connection gateway_db(const GatewayProcess& gw) {
    sqlite::OpenOptions o;
    o.read_only = true;
    return sqlite::Connection(gw.db_path(), o);
}

inline std::int64_t count_rows(sqlite::Connection& db, const std::string& sql,
                               const std::vector<std::string>& params) {
    auto q = db.prepare(sql);
    for (std::size_t i = 0; i < params.size(); ++i) q->bind(static_cast<int>(i + 1), params[i]);
    return q->step() ? q->integer(0) : -1;
}

// An enrolled tablet on a fresh database in `dir`.
inline std::unique_ptr<offline::Tablet> enrolled_tablet(const GatewayProcess& gw,
                                                        const TempDir& dir,
                                                        const IssuedDevice& device,
                                                        offline::DeviceClock clock = nullptr) {
    auto t = std::make_unique<offline::Tablet>(dir.file(device.id + ".db"), std::move(clock));
    t->enroll({"127.0.0.1", gw.port()}, device.id, device.token);
    return t;
}

}  // namespace fieldgate::test
