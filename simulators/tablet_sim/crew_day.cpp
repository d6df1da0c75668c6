#include "crew_day.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

#include <nlohmann/json.hpp>

#include "fault_proxy.h"
#include "fieldgate/offline.h"
#include "http_client.h"

namespace fieldgate::sim {

namespace {

std::string today() {
    const std::chrono::year_month_day ymd{
        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
}

nlohmann::json call(HttpClient& c, const std::string& method, const std::string& target,
                    const nlohmann::json& body, const std::string& token) {
    auto r = c.request(method, target,
                       {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}},
                       body.dump());
    if (r.status / 100 != 2)
        throw std::runtime_error(method + " " + target + ": " + std::to_string(r.status) + " " +
                                 r.body);
    return nlohmann::json::parse(r.body);
}

}  // namespace

CrewDayResult run_crew_day(const CrewDayOptions& o) {
    CrewDayResult result;
    result.crew = o.crew;
    std::mt19937_64 rng(o.seed);
    auto chance = [&rng](double p) { return std::bernoulli_distribution(p)(rng); };
    auto between = [&rng](int lo, int hi) {
        return std::uniform_int_distribution<int>(lo, hi)(rng);
    };
    try {
        std::filesystem::create_directories(o.work_dir);
        HttpClient staff(o.gateway_host, o.gateway_port);
        const std::string device_id = o.crew + "-tablet-" + std::to_string(o.seed);
        const auto device = call(staff, "POST", "/v1/admin/devices",
                                 {{"crew", o.crew}, {"device_id", device_id}}, o.admin_token);
        std::vector<std::string> orders;
        for (int i = 0; i < o.orders; ++i) {
            const auto wo =
                call(staff, "POST", "/v1/work-orders",
                     {{"crm_case_id", "SIM-" + device_id + "-" + std::to_string(i)},
                      {"service_type", "illegal_dumping"},
                      {"address", std::to_string(100 + i) + " N 1st St, San Jose, CA 95112"},
                      {"location", {{"lat", 37.34 + i * 0.001}, {"lon", -121.89}}},
                      {"scheduled_date", today()},
                      {"items", {"mattress", "bags"}},
                      {"instructions", "alley behind the building"},
                      {"customer", nlohmann::json::object()},
                      {"vendor", "crew:" + o.crew}},
                     o.crm_token);
            orders.push_back(wo.at("id").get<std::string>());
        }

        const bool skewed = chance(0.3);
        const auto skew =
            std::chrono::minutes(skewed ? between(-o.max_skew_minutes, o.max_skew_minutes) : 0);
        result.skew_minutes = skew.count();
        offline::Tablet tablet(o.work_dir + "/" + device_id + ".db",
                               [skew] { return std::chrono::system_clock::now() + skew; });
        tablet.enroll({o.gateway_host, o.gateway_port}, device_id,
                      device.at("enrollment_token").get<std::string>());
        FaultProxy proxy(o.gateway_host, o.gateway_port);
        tablet.set_gateway({"127.0.0.1", proxy.port()});
        tablet.pull(2);

        auto attempt_sync = [&](bool faults) {
            proxy.disarm();
            proxy.set_offline(faults && chance(o.offline_chance));
            if (faults && chance(o.cut_chance))
                proxy.cut_after(chance(0.5) ? FaultProxy::Direction::to_server
                                            : FaultProxy::Direction::to_client,
                                static_cast<std::size_t>(between(0, 4000)));
            ++result.sync_attempts;
            const auto r = tablet.sync();
            if (!r.complete) ++result.syncs_cut_short;
            return r.complete;
        };

        const std::vector<std::string> reasons = {"NOT_SET_OUT", "ACCESS_BLOCKED",
                                                  "UNACCEPTABLE_ITEMS", "SAFETY_HAZARD"};
        for (std::size_t i = 0; i < orders.size(); ++i) {
            if (chance(o.cancel_chance)) {
                call(staff, "POST", "/v1/work-orders/" + orders[i] + "/cancel",
                     {{"reason", "resident cancelled"}}, o.crm_token);
                ++result.cancelled_orders;
            }
            tablet.record(
                {"arrived", orders[i], "", "", 37.34, -121.89, 6.0, {}, {}, std::nullopt});
            std::vector<std::string> photos;
            if (chance(o.photo_chance)) {
                std::string bytes(static_cast<std::size_t>(between(20000, 400000)), '\0');
                for (auto& b : bytes) b = static_cast<char>(rng());
                const auto path = o.work_dir + "/" + device_id + "-" + std::to_string(i) + ".jpg";
                std::ofstream(path, std::ios::binary) << bytes;
                photos.push_back(path);
                ++result.photos;
            }
            const int roll = between(0, 9);
            const std::string type = roll < 7   ? "completed"
                                     : roll < 8 ? "partial"
                                                : "not_collected";
            const std::string reason =
                type == "completed" ? "" : reasons[static_cast<std::size_t>(between(0, 3))];
            tablet.record(
                {type, orders[i], reason, "", 37.34, -121.89, 6.0, photos, {}, std::nullopt});
            result.recorded += 2;
            if (chance(0.5)) attempt_sync(true);
        }
        bool done = false;
        for (int attempt = 0; attempt < 50 && !done; ++attempt) done = attempt_sync(attempt < 5);
        result.connection_cuts = proxy.cuts();
        for (const auto& e : tablet.outbox())
            ++result.verdicts[e.state == "settled" ? e.verdict : "pending"];
        result.pending_at_end = tablet.status().pending_actions;
    } catch (const std::exception& e) {
        result.error = e.what();
    }
    return result;
}

}  // namespace fieldgate::sim
