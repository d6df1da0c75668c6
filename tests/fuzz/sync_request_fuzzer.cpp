// Crew tablets' sync requests as raw bytes to the real gateway in this process (fuzz_gateway.h):
// the push batch (parse_action_batch, apply_action_batch: idempotency per action id, verdicts,
// clock skew, the one ingest path), photo chunks (the sha256 path, the offset/size query, the
// chunk store and its hash check), the change feed and assignments queries, enrollment.
//
// At start a device is issued and enrolled through the staff and sync APIs, and work orders are
// assigned to its crew through the CRM API (one then cancelled), so mutations get past device
// authentication and meet real orders. The seeds (seeds/sync/*) are requests the tablet library
// sent, captured, with the device secret and the order ids replaced by placeholders of the same
// length (Content-Length still holds) that are put back here before sending: dsk_FUZZXXX... for
// the secret, wo_FUZZ1XXX... to wo_FUZZ3XXX... for the orders.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz_gateway.h"
#include "http_client.h"
#include "support/gateway_process.h"

namespace {

std::uint16_t port = 0;
std::vector<std::pair<std::string, std::string>> placeholders;  // placeholder -> real value

// What the seeds say instead of a value the gateway made up: `stem` padded with X to its length.
std::string placeholder(const std::string& stem, const std::string& real) {
    if (real.size() < stem.size()) std::abort();
    return stem + std::string(real.size() - stem.size(), 'X');
}

nlohmann::json answer(const fieldgate::http::ClientResponse& r, int status, const char* what) {
    if (r.status != status) {
        std::fprintf(stderr, "fuzz-sync: %s answered %d: %s\n", what, r.status, r.body.c_str());
        std::abort();
    }
    return nlohmann::json::parse(r.body);
}

std::string today() {
    const std::chrono::year_month_day d{
        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                  static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
    return buf;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    using namespace fieldgate;
    port = fuzz::start_gateway("sync");
    http::HttpClient c("127.0.0.1", port);
    const http::HeaderList admin = {{"Authorization", std::string("Bearer ") + fuzz::kAdminToken}};
    const http::HeaderList crm = {{"Authorization", std::string("Bearer ") + fuzz::kCrmToken}};

    const auto device =
        answer(c.post("/v1/admin/devices", R"({"crew":"north","device_id":"tab-fuzz"})",
                      "application/json", admin),
               201, "issuing the device");
    const auto enrolled =
        answer(c.post("/v1/sync/enroll",
                      nlohmann::json({{"device_id", "tab-fuzz"},
                                      {"enrollment_token", device.at("enrollment_token")},
                                      {"app_version", "fuzz"}})
                          .dump()),
               200, "enrolling");
    const auto secret = enrolled.at("device_secret").get<std::string>();
    placeholders.emplace_back(placeholder("dsk_FUZZ", secret), secret);

    // Three orders of crew north for today (the assignments window); the third is cancelled.
    for (int k = 1; k <= 3; ++k) {
        const auto body = test::work_order_body("SR-FUZZ-" + std::to_string(k), "crew:north",
                                                "R-CREW", k, today());
        const auto order = answer(c.post("/v1/work-orders", body.dump(), "application/json", crm),
                                  201, "creating a work order");
        const auto id = order.at("id").get<std::string>();
        placeholders.emplace_back(placeholder("wo_FUZZ" + std::to_string(k), id), id);
        if (k == 3)
            answer(c.post("/v1/work-orders/" + id + "/cancel", R"({"reason":"resident moved"})",
                          "application/json", crm),
                   200, "cancelling a work order");
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string input(reinterpret_cast<const char*>(data), size);
    for (const auto& [from, to] : placeholders) {
        for (auto at = input.find(from); at != std::string::npos;
             at = input.find(from, at + to.size()))
            input.replace(at, from.size(), to);
    }
    fieldgate::fuzz::check_reply(fieldgate::fuzz::exchange(port, input));
    return 0;
}
