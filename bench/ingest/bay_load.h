// Requests for the ingest benchmark and the crash test: work orders for Bay Hauling and one new
// Bay Hauling single result per order, as the vendor document shows them.
#pragma once

#include <string>

#include "load_engine.h"

namespace fieldgate::bench {

// Fixed-width sequence numbers, as the CRM's (SR-2026-118734) and Bay's (BH-2026-0203-00417) are.
inline std::string sequence(std::size_t i) {
    std::string n = std::to_string(i);
    return std::string(n.size() < 8 ? 8 - n.size() : 0, '0') + n;
}
inline std::string case_id(const std::string& prefix, std::size_t i) {
    return prefix + "-" + sequence(i);
}
inline std::string ticket(const std::string& prefix, std::size_t i) {
    return "BH-" + prefix + "-" + sequence(i);
}

inline PreparedRequest create_order_request(const std::string& prefix, std::size_t i,
                                            const std::string& crm_token) {
    PreparedRequest r;
    r.method = "POST";
    r.target = "/v1/work-orders";
    r.headers = {{"Authorization", "Bearer " + crm_token}, {"Content-Type", "application/json"}};
    r.body =
        R"({"crm_case_id":")" + case_id(prefix, i) +
        R"(","service_type":"bulky_item","address":"200 E Santa Clara St, San Jose, CA",)"
        R"("location":{"lat":37.33452,"lon":-121.88861},"scheduled_date":"2026-02-03",)"
        R"("window":{"start":"07:00","end":"17:00"},"items":["sofa"],"instructions":"curb",)"
        R"("customer":{"name":"Ana","phone":"408-555-0100","email":"ana@example.org"},"vendor":"bay-hauling",)"
        R"("route":{"id":"R-)" +
        std::to_string(i / 50) + R"(","date":"2026-02-03","stop_seq":)" + std::to_string(i % 50) +
        "}}";
    r.tag = case_id(prefix, i);
    return r;
}

// 76% collected, the rest items not set out: the seed case's headline split.
inline PreparedRequest bay_result_request(const std::string& prefix, std::size_t i,
                                          const std::string& bay_key) {
    PreparedRequest r;
    r.method = "POST";
    r.target = "/v1/vendors/bay-hauling/results";
    r.headers = {{"Authorization", "Bearer " + bay_key},
                 {"Content-Type", "application/json"},
                 {"Request-Tracking-Id", "rt-" + prefix + "-" + std::to_string(i)}};
    const bool collected = (i % 100) < 76;
    r.body =
        R"({"ticket_number":")" + ticket(prefix, i) + R"(","service_request":")" +
        case_id(prefix, i) + R"(","status":")" +
        (collected ? "Confirmed Positive" : "Confirmed Negative") + "\"," +
        (collected ? ""
                   : R"("exception":{"code":"NSO","description":"Items not set out at curb"},)") +
        R"("service_date":"02/03/2026","closed_at":"2026-02-03T10:42:17-08:00",)"
        R"("truck":{"id":"BH-T117","driver_id":"D-5521"},"gps":{"lat":37.33452,"lng":-121.88861,"accuracy_m":6.5},)"
        R"("photos":["https://media.bayhauling.example/stops/1.jpg"],"items_collected":1,"notes":"ok"})";
    r.tag = ticket(prefix, i);
    return r;
}

}  // namespace fieldgate::bench
