// The fault suite's multi-instance rig (issue 19): several real gateways on one real PostgreSQL
// cluster, Debian's HAProxy in front of them (health checks on /readyz), the real CRM simulator
// they deliver to, a real Mosquitto each consumes from with a client id of its own, and the
// polled vendor's simulator (Riverbend) that whichever gateway leads polling reads. Each gateway
// listens on a fixed loopback port (HAProxy names it, and it comes back there after a kill -9);
// on request each reaches the database through a fault proxy of its own, so one gateway can be
// cut off from the database while the others keep it. Plus what every scenario's account is
// made of: the store read over libpq, the CRM simulator's receipts, and who led what when,
// from the gateways' own logs.
#pragma once

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "fault/fault_rig.h"
#include "fault/pg_store_reads.h"
#include "fault_proxy.h"
#include "pg.h"
#include "support/haproxy_process.h"
#include "support/pg_cluster.h"
#include "support/poll_vendor_sim_process.h"
#include "support/vendor_folders.h"
#include "time_util.h"

namespace fieldgate::test {

// The multi-instance scenarios' cycle count: FAULT_KILL_CYCLES as for the single-gateway ones
// (scripts/fault-suite.sh passes the full count, 20), but short when it is not set, so that the
// ordinary test run (ctest) adds about two minutes for the three scenarios, not ten.
inline int pg_fault_cycles() {
    const char* v = std::getenv("FAULT_KILL_CYCLES");
    const int n = v ? std::atoi(v) : 0;
    return n > 0 ? n : 3;
}
// The database restarts and cuts are each a few seconds longer than a kill: one per five cycles.
inline int pg_outage_cycles() {
    return (pg_fault_cycles() + 4) / 5;
}

// The roles one gateway at a time leads on PostgreSQL (gateway/store/leadership.h); the number
// is what the gateway's log line "leadership: this gateway now leads role N" says.
enum class Role { polling = 2, watchdog = 3, pruning = 4 };
inline const char* role_name(Role r) {
    switch (r) {
        case Role::polling:
            return "polling";
        case Role::watchdog:
            return "watchdog";
        case Role::pruning:
            return "pruning";
    }
    return "?";
}

// Now, as the gateway's log lines stamp it (spdlog's default: local time to the millisecond),
// so that the rig's own moments and the logs' compare as strings.
inline std::string log_stamp() {
    const auto now = std::chrono::system_clock::now();
    const auto t = std::chrono::system_clock::to_time_t(now);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000;
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    char millis[8];
    std::snprintf(millis, sizeof millis, ".%03d", static_cast<int>(ms));
    return std::string(buf) + millis;
}

// Milliseconds between two log_stamp() moments (same day or the next).
inline long long stamp_ms_between(const std::string& from, const std::string& to) {
    const auto ms = [](const std::string& s) {
        if (s.size() < 23) return 0LL;
        return std::stoll(s.substr(11, 2)) * 3'600'000 + std::stoll(s.substr(14, 2)) * 60'000 +
               std::stoll(s.substr(17, 2)) * 1000 + std::stoll(s.substr(20, 3));
    };
    auto d = ms(to) - ms(from);
    if (d < 0) d += 86'400'000;
    return d;
}

struct PgFaultRigOptions {
    int instances = 3;
    bool db_proxies = false;  // each gateway reaches the database through its own FaultProxy
};

constexpr const char* kRiverbendKey = "rb-fault-key";

class PgFaultRig : public PgStoreReads {
  public:
    struct Take {  // a gateway's log saying it took a role
        int instance;
        std::string at;  // log_stamp() form
    };

    explicit PgFaultRig(PgFaultRigOptions options = {})
        : cluster_(PgClusterOptions{.fsync = true}),  // durability is what is tested here
          url_(cluster_.create_database("fieldgate")),
          poll_vendor_(kRiverbendKey) {
        const auto t0 = std::chrono::steady_clock::now();
        auto mapping = folders_.mapping(kRiverbend);
        mapping["poll"]["url"] = poll_vendor_.url();
        // One request a second (pages included), each window reaching 5 s back: one page holds
        // a window's pickups at the load's pace, so the poller keeps up.
        mapping["poll"]["interval_s"] = 1;
        mapping["poll"]["window"]["overlap_s"] = 5;
        mapping["poll"]["page_size"]["value"] = 100;
        folders_.write_mapping(kRiverbend, mapping);

        for (int i = 0; i < options.instances; ++i) {
            auto& in = instances_.emplace_back(std::make_unique<Instance>());
            in->name = "gw" + std::to_string(i);
            in->port = listen_port();
            if (options.db_proxies)
                in->db_proxy = std::make_unique<sim::FaultProxy>("127.0.0.1", cluster_.port());
        }
        // One at a time, each ready before the next: the first takes every role.
        for (int i = 0; i < size(); ++i) {
            instances_[static_cast<std::size_t>(i)]->gw =
                std::make_unique<GatewayProcess>(config(i), secrets());
            if (!wait_instance_ready(i))
                throw std::runtime_error(name(i) + " not ready:\n" + log(i));
        }
        HaproxyOptions lb;
        for (const auto& in : instances_) lb.servers.push_back({in->name, in->port});
        lb_ = std::make_unique<HaproxyProcess>(lb);
        for (int i = 0; i < size(); ++i)
            if (!lb_->wait_status(name(i), "UP"))
                throw std::runtime_error("HAProxy never saw " + name(i) + " up:\n" +
                                         lb_->log_text());
        std::cout << "[ pg-fault ] " << size() << " gateways on PostgreSQL behind HAProxy, up in "
                  << std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - t0)
                         .count()
                  << " ms" << std::endl;
    }

    int size() const { return static_cast<int>(instances_.size()); }
    const std::string& name(int i) const { return at(i).name; }
    GatewayProcess& gw(int i) { return *at(i).gw; }
    const GatewayProcess& gw(int i) const { return *at(i).gw; }
    std::string log(int i) const { return at(i).gw->log_text(); }
    // The address every source uses: HAProxy's frontend.
    std::uint16_t port() const { return lb_->port(); }
    HaproxyProcess& lb() { return *lb_; }
    PgCluster& cluster() { return cluster_; }
    CrmSimProcess& crm() { return crm_; }
    MosquittoProcess& broker() { return broker_; }
    PollVendorSimProcess& poll_vendor() { return poll_vendor_; }
    sim::FaultProxy& db_proxy(int i) {
        if (!at(i).db_proxy) throw std::logic_error("this rig has no database proxies");
        return *at(i).db_proxy;
    }
    const Secrets& tokens() const { return at(0).gw->secrets; }

    // What one gateway's /readyz answers now (0: no answer).
    int readyz(int i) const {
        try {
            auto c = sim::HttpClient("127.0.0.1", at(i).port);
            return c.get("/readyz", {}, 2s).status;
        } catch (const std::exception&) {
            return 0;
        }
    }
    // Until the gateway answers /readyz 200 with its MQTT connection up.
    bool wait_instance_ready(int i, std::chrono::milliseconds limit = 60s) const {
        return wait_until(
            [&] {
                try {
                    auto c = sim::HttpClient("127.0.0.1", at(i).port);
                    const auto r = c.get("/readyz", {}, 2s);
                    return r.status == 200 &&
                           nlohmann::json::parse(r.body).value("mqtt", "") == "connected";
                } catch (const std::exception&) {
                    return false;
                }
            },
            limit);
    }

    // SIGKILL; returns when, in log_stamp() form.
    std::string kill9(int i) {
        auto& in = at(i);
        const auto stamp = log_stamp();
        in.gw->kill9();
        in.ended.push_back(stamp);
        return stamp;
    }
    // The same binary, config and database again on the same port, until ready.
    void restart(int i) {
        auto& in = at(i);
        for (int attempt = 0;; ++attempt) {
            try {
                in.gw->start();
                break;
            } catch (const std::runtime_error&) {
                if (attempt >= 50) throw;  // the port can stay taken a moment after a kill
                std::this_thread::sleep_for(100ms);
            }
        }
        if (!wait_instance_ready(i)) throw std::runtime_error(name(i) + " not ready:\n" + log(i));
    }

    // Every time a gateway's log says it took `role`, in the order they happened.
    std::vector<Take> takes(Role role) const {
        const std::string needle =
            "leadership: this gateway now leads role " + std::to_string(static_cast<int>(role));
        std::vector<Take> out;
        for (int i = 0; i < size(); ++i)
            for (const auto& stamp : stamps_of(i, needle)) out.push_back({i, stamp});
        std::sort(out.begin(), out.end(), [](const Take& a, const Take& b) { return a.at < b.at; });
        return out;
    }
    // The gateway leading `role` now as the logs tell it: the last to take it, unless it was
    // killed or lost the database since; -1 when nobody is known to lead it.
    int leader(Role role) const {
        const auto all = takes(role);
        if (all.empty()) return -1;
        const auto& last = all.back();
        for (const auto& stamp : at(last.instance).ended)
            if (stamp >= last.at) return -1;
        for (const auto& stamp :
             stamps_of(last.instance, "leadership: lost the database; roles given up"))
            if (stamp >= last.at) return -1;
        return last.instance;
    }
    // The first time a gateway took `role` after `since`, waiting for it up to `limit`.
    std::optional<Take> first_take_after(Role role, const std::string& since,
                                         std::chrono::milliseconds limit = 0s) const {
        std::optional<Take> found;
        wait_until(
            [&] {
                for (const auto& t : takes(role))
                    if (t.at > since) {
                        found = t;
                        return true;
                    }
                return false;
            },
            limit);
        return found;
    }

    // A connection of the test's own to the database, never through a fault proxy.
    std::unique_ptr<pg::Connection> db() const override {
        return std::make_unique<pg::Connection>(url_, cluster_.password());
    }

    std::set<std::string> crm_received() const {
        auto c = crm_.control_client();
        const auto r = c.get("/_events", {}, 120s);
        std::set<std::string> ids;
        for (const auto& e : nlohmann::json::parse(r.body))
            ids.insert(e.at("webhook_id").get<std::string>());
        return ids;
    }
    nlohmann::json crm_report() const { return crm_.report(); }

    // How often the polled vendor was asked for a window starting before one it had already
    // been asked for (the first, reaching back a day, aside): a poller resuming from a position
    // older than the store's. Each window should start no earlier than the one before it.
    int poll_windows_moved_back() const {
        const auto starts = poll_vendor_.stats().at("window_starts");
        std::optional<SysMillis> latest;
        int back = 0;
        for (std::size_t i = 1; i < starts.size(); ++i) {
            const auto t = parse_rfc3339(starts[i].get<std::string>());
            if (!t) continue;
            if (latest && *t < *latest) ++back;
            latest = latest ? std::max(*latest, *t) : *t;
        }
        return back;
    }

  private:
    struct Instance {
        std::string name;
        std::uint16_t port = 0;
        std::unique_ptr<sim::FaultProxy> db_proxy;
        std::unique_ptr<GatewayProcess> gw;
        std::vector<std::string> ended;  // when it was killed
    };

    Instance& at(int i) { return *instances_.at(static_cast<std::size_t>(i)); }
    const Instance& at(int i) const { return *instances_.at(static_cast<std::size_t>(i)); }

    nlohmann::json config(int i) const {
        const auto& in = at(i);
        const int db_port = in.db_proxy ? in.db_proxy->port() : cluster_.port();
        nlohmann::json mqtt = {{"uri", broker_.uri()},
                               {"client_id", "fieldgate-fault-" + std::to_string(i)},
                               {"reconnect_min_ms", 100},
                               {"reconnect_max_ms", 500}};
        // Every instance joins one shared group: the broker hands each message to one of them.
        mqtt["shared_group"] = "fieldgate";
        return {
            {"listen", {{"port", in.port}, {"trusted_proxies", {"127.0.0.1"}}}},
            {"store",
             {{"url",
               "postgresql://fieldgate@127.0.0.1:" + std::to_string(db_port) + "/fieldgate"}}},
            {"vendor_schemas", folders_.root().string()},
            {"crm", {{"endpoint", crm_.events_origin() + "/events"}}},
            {"delivery", {{"poll_interval_ms", 200}, {"max_pause_s", 1}}},
            {"watchdog", {{"enabled", false}}},
            {"mqtt", mqtt},
            // Info: the leadership lines ("now leads role N") are how the account sees roles move.
            {"log", {{"level", "info"}}},
        };
    }
    Secrets secrets() const {
        Secrets s;
        s.crm_webhook = whsec(crm_.key());
        s.more = {{"store/password", cluster_.password()},
                  {std::string(kRiverbend) + "/api-key", kRiverbendKey}};
        return s;
    }
    std::vector<std::string> stamps_of(int i, const std::string& needle) const {
        std::vector<std::string> out;
        std::istringstream in(log(i));
        std::string line;
        while (std::getline(in, line))
            if (line.find(needle) != std::string::npos && line.size() > 25 && line[0] == '[')
                out.push_back(line.substr(1, 23));
        return out;
    }

    PgCluster cluster_;
    std::string url_;
    CrmSimProcess crm_;
    MosquittoProcess broker_;
    PollVendorSimProcess poll_vendor_;
    VendorFolders folders_;
    std::vector<std::unique_ptr<Instance>> instances_;
    std::unique_ptr<HaproxyProcess> lb_;
};

}  // namespace fieldgate::test
