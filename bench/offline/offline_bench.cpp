// One tablet syncing N queued actions to a running gateway on loopback: the time of the sync
// (push of every batch, each answered after the gateway's commit, then the change feed) and
// the library's memory while doing it (peak RSS over the RSS before the sync).
#include <CLI/CLI.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "fieldgate/offline.h"
#include "http_client.h"

namespace {

std::string read_secret(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    auto t = s.str();
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
    return t;
}

// kB from /proc/self/status ("VmRSS", "VmHWM").
long status_kb(const std::string& field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
    }
    return -1;
}

std::string today() {
    const std::chrono::year_month_day ymd{
        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"fieldgate-bench-offline"};
    int port = 0, actions = 10000, per_order = 4;
    std::size_t batch = 500;
    std::string admin_file, crm_file, dir;
    app.add_option("--port", port)->required();
    app.add_option("--admin-token-file", admin_file)->required();
    app.add_option("--crm-token-file", crm_file)->required();
    app.add_option("--dir", dir, "folder for the tablet database")->required();
    app.add_option("--actions", actions)->capture_default_str();
    app.add_option("--batch", batch)->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    using clock = std::chrono::steady_clock;
    const auto admin = read_secret(admin_file);
    const auto crm = read_secret(crm_file);

    fieldgate::http::HttpClient c("127.0.0.1", static_cast<std::uint16_t>(port));
    auto r = c.post("/v1/admin/devices", R"({"crew":"bench","device_id":"bench-tablet"})",
                    "application/json", {{"Authorization", "Bearer " + admin}});
    if (r.status != 201) {
        std::cerr << "issue device: " << r.status << " " << r.body << "\n";
        return 1;
    }
    const auto token = nlohmann::json::parse(r.body).at("enrollment_token").get<std::string>();
    const int orders = (actions + per_order - 1) / per_order;
    std::vector<std::string> ids;
    for (int i = 0; i < orders; ++i) {
        nlohmann::json body = {{"crm_case_id", "BENCH-" + std::to_string(i)},
                               {"service_type", "bulky_item"},
                               {"address", "200 E Santa Clara St, San Jose, CA 95113"},
                               {"location", {{"lat", 37.3377}, {"lon", -121.8863}}},
                               {"scheduled_date", today()},
                               {"items", {"couch"}},
                               {"vendor", "crew:bench"}};
        auto w = c.post("/v1/work-orders", body.dump(), "application/json",
                        {{"Authorization", "Bearer " + crm}});
        ids.push_back(nlohmann::json::parse(w.body).at("id").get<std::string>());
    }

    fieldgate::offline::Tablet tablet(dir + "/bench-tablet.db");
    tablet.enroll({"127.0.0.1", static_cast<std::uint16_t>(port)}, "bench-tablet", token);
    tablet.pull(2);
    const char* cycle[] = {"arrived", "note", "completed", "note"};
    const auto record_start = clock::now();
    for (int i = 0; i < actions; ++i) {
        const auto& id = ids[static_cast<std::size_t>(i / per_order)];
        const std::string type = cycle[i % per_order];
        tablet.record({type,
                       id,
                       "",
                       type == "note" ? "bench note" : "",
                       37.3377,
                       -121.8863,
                       5.0,
                       {},
                       {},
                       std::nullopt});
    }
    const double record_s = std::chrono::duration<double>(clock::now() - record_start).count();

    const long rss_before = status_kb("VmRSS");
    std::ofstream("/proc/self/clear_refs") << "5";  // resets VmHWM to the current RSS
    fieldgate::offline::SyncOptions options;
    options.batch_size = batch;
    const auto start = clock::now();
    const auto report = tablet.sync(options);
    const double sync_s = std::chrono::duration<double>(clock::now() - start).count();
    const long peak = status_kb("VmHWM");
    if (!report.complete) {
        std::cerr << "sync incomplete: " << report.error << "\n";
        return 1;
    }
    std::cout << nlohmann::json{{"actions", actions},
                                {"batch_size", batch},
                                {"batches", report.batches},
                                {"settled", report.settled},
                                {"accepted", report.accepted},
                                {"noted", report.noted},
                                {"record_seconds", record_s},
                                {"record_per_action_ms", record_s * 1000 / actions},
                                {"sync_seconds", sync_s},
                                {"actions_per_second", actions / sync_s},
                                {"rss_before_kb", rss_before},
                                {"peak_rss_during_sync_kb", peak},
                                {"peak_rss_delta_kb", peak - rss_before}}
                     .dump(2)
              << "\n";
    return report.settled == static_cast<std::size_t>(actions) ? 0 : 1;
}
