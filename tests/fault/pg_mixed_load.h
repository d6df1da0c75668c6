// The load every multi-instance scenario runs while its faults happen, from every source at
// once, all through the rig's HAProxy or broker, never to one gateway:
//   vendor-http  Bay Hauling results posted by the load engine (100/s over 16 connections);
//   poll         results appearing at the polled vendor (Riverbend, 10/s), which whichever
//                gateway leads polling collects;
//   mqtt-stop    a truck's QoS 1 stop events (40/s) through Mosquitto, which the gateways
//                consume as one shared group (mqtt.shared_group), a client id each;
//   crew-sync    three crew tablets recording actions (photos in 32 KB chunks) and syncing.
// Then each source finishes without faults (what was not acknowledged is sent again, the
// tablets sync until they hold nothing, the poller reads the vendor to its end) and CRM delivery
// drains; the account checks every acknowledged item against the store and the CRM.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <exception>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include "fault/kill9_vendor_load.h"
#include "fault/pg_crew_tablets.h"
#include "fault/pg_fault_rig.h"
#include "support/mqtt_test_client.h"

namespace fieldgate::test {

// An answer through HAProxy that means "not taken, send it again": none at all (the instance
// was killed mid-request), 502 (HAProxy: the instance closed the connection), 503 (the gateway:
// its store is unreachable; or HAProxy: no instance in rotation), 504 (HAProxy gave up waiting).
inline bool not_taken(int status) {
    return status == 0 || status == 502 || status == 503 || status == 504;
}

// What the load engine's runs were told, through HAProxy.
struct HttpAcks {
    std::set<std::string> tickets;         // answered 2xx
    std::map<int, std::size_t> not_taken;  // by status (0: no answer)
    std::vector<std::string> unexpected;   // "<ticket> answered <status>"

    void add(const bench::LoadResult& run) {
        for (const auto& r : run.records) {
            if (r.status >= 200 && r.status < 300) {
                tickets.insert(r.tag);
            } else if (fieldgate::test::not_taken(r.status)) {
                ++not_taken[r.status];
            } else {
                unexpected.push_back(r.tag + " answered " + std::to_string(r.status));
            }
        }
    }
    std::size_t refused() const {
        std::size_t n = 0;
        for (const auto& [status, count] : not_taken) n += count;
        return n;
    }
};

class MixedLoad {
  public:
    static constexpr double kBayPerSecond = 100;
    static constexpr double kStopsPerSecond = 40;
    static constexpr std::size_t kPickupsPerBatch = 5;
    static constexpr auto kPickupEvery = std::chrono::milliseconds(500);
    static constexpr const char* kStopTopic = "fleet/bay-hauling/BH-T117/stop";

    // `expected`: about how long the faults will last, which sizes the pools of work orders
    // (on a slower machine the vendor load goes round them again, posting repeats).
    MixedLoad(PgFaultRig& rig, std::chrono::seconds expected) : rig_(rig) {
        const auto pid = std::to_string(::getpid());
        bay_prefix_ = "PGH" + pid;
        stop_prefix_ = "PGM" + pid;
        poll_prefix_ = "PGR" + pid;
        crew_prefix_ = "pgc" + pid;
        const double s = static_cast<double>(expected.count()) * 1.1;
        bay_orders_ = static_cast<std::size_t>(kBayPerSecond * s) + 200;
        stop_orders_ = static_cast<std::size_t>(kStopsPerSecond * s) + 100;
        poll_orders_ =
            static_cast<std::size_t>(static_cast<double>(kPickupsPerBatch) * s /
                                     std::chrono::duration<double>(kPickupEvery).count()) +
            50;
        crew_orders_ = static_cast<std::size_t>(CrewTablets::kActionsPerSecond / 2 * s) + 5;
        const auto t0 = std::chrono::steady_clock::now();
        prepare();
        prepare_s_ = seconds_since(t0);
    }

    // Runs every source while `faults` runs on this thread, then lets them finish.
    void run(const std::function<void()>& faults) {
        std::atomic<bool> stop{false};
        std::vector<std::thread> threads;
        std::vector<std::exception_ptr> errors(3 + CrewTablets::kCrews);
        const auto spawn = [&](std::size_t slot, std::function<void()> body) {
            threads.emplace_back([&, slot, body = std::move(body)] {
                try {
                    body();
                } catch (...) {
                    errors[slot] = std::current_exception();
                }
            });
        };
        spawn(0, [&] { vendor_http(stop); });
        spawn(1, [&] { truck(stop); });
        spawn(2, [&] { poll_vendor(stop); });
        for (std::size_t c = 0; c < CrewTablets::kCrews; ++c)
            spawn(3 + c, [&, c] { crews_.work_the_day(c, stop); });
        std::exception_ptr fault_failure;
        const auto t0 = std::chrono::steady_clock::now();
        try {
            faults();
        } catch (...) {
            fault_failure = std::current_exception();
        }
        stop = true;
        for (auto& t : threads) t.join();
        faults_s_ = seconds_since(t0);
        if (fault_failure) std::rethrow_exception(fault_failure);
        for (const auto& e : errors)
            if (e) std::rethrow_exception(e);
        const auto t1 = std::chrono::steady_clock::now();
        finish();
        finish_s_ = seconds_since(t1);
    }

    // The account of every source together (each one is printed on a line of its own), with
    // what the CRM simulator saw; asserts what every scenario must end with.
    FaultAccount account(const std::string& scenario, std::uint64_t cycles) {
        const auto crm = rig_.crm_received();
        FaultAccount total{scenario};
        total.cycles = cycles;
        std::vector<FaultAccount> parts;

        FaultAccount http{"vendor-http"};
        const auto bay = rig_.stored_items("BH-" + bay_prefix_ + "-%");
        for (const auto& t : http_.tickets) add(http, bay, t, crm);
        EXPECT_EQ(bay.size(), http_.tickets.size()) << "results stored that nobody was told of";
        EXPECT_EQ(http.acknowledged, bay_orders_) << "the vendor's results did not all get in";
        parts.push_back(http);

        FaultAccount mqtt{"mqtt-stop"};
        const auto stops = rig_.stored_items("BH-" + stop_prefix_ + "-%");
        for (const auto& t : stop_acks_) add(mqtt, stops, t, crm);
        parts.push_back(mqtt);

        FaultAccount poll{"poll"};
        const auto pickups = rig_.stored_items("%", kRiverbend);
        for (const auto& [pickup, case_id] : pickups_) add(poll, pickups, pickup, crm);
        EXPECT_EQ(pickups.size(), pickups_.size()) << "pickups stored that the vendor never had";
        parts.push_back(poll);

        FaultAccount sync{"crew-sync"};
        crews_.account(rig_, sync, crm);
        parts.push_back(sync);

        for (const auto& p : parts) {
            const auto line =
                p.line();  // "FAULT-REPORT scenario=<source> cycles=0 acknowledged=..."
            std::cout << "[ pg-fault ] " << scenario << "/" << p.scenario << ":"
                      << line.substr(line.find(" acknowledged=")) << std::endl;
            EXPECT_GT(p.acknowledged, 0u) << p.scenario << ": nothing acknowledged";
            total.acknowledged += p.acknowledged;
            total.stored += p.stored;
            total.delivered += p.delivered;
            total.lost += p.lost;
            total.duplicated += p.duplicated;
        }

        // What the CRM simulator received is exactly what the store holds as delivered: no event
        // that the store does not know (one made twice, or by a transaction that rolled back),
        // none missing; no webhook id came twice with another body, every work order's events
        // arrived in their order, every signature verified.
        const auto delivered = rig_.delivered_events();
        const auto missing_from = [](const std::set<std::string>& a,
                                     const std::set<std::string>& b) {
            std::string out;
            std::size_t n = 0;
            for (const auto& id : a)
                if (!b.count(id) && n++ < 10) out += " " + id;
            return n == 0 ? std::string() : std::to_string(n) + ":" + out;
        };
        EXPECT_EQ(missing_from(crm, delivered), "") << "at the CRM, not delivered in the store";
        EXPECT_EQ(missing_from(delivered, crm), "") << "delivered in the store, not at the CRM";
        EXPECT_TRUE(rig_.delivered_events("dead").empty()) << "dead letters in a healthy CRM:\n"
                                                           << rig_.crm_events_described("dead");
        const auto report = rig_.crm_report();
        EXPECT_EQ(report["bad_signatures"], 0) << report.dump();
        EXPECT_EQ(report["duplicate_mismatches"], 0) << report.dump();
        EXPECT_EQ(report["out_of_order"], 0) << report.dump();
        crm_report_ = report;
        return total;
    }

    std::string summary() const {
        std::string s = "vendor-http: " + std::to_string(http_.tickets.size()) +
                        " results acknowledged (" + std::to_string(under_faults_) +
                        " under the faults), " + std::to_string(http_.refused()) +
                        " answered not-taken (";
        for (const auto& [status, n] : http_.not_taken)
            s += (status == 0 ? std::string("no answer") : std::to_string(status)) + " x" +
                 std::to_string(n) + " ";
        s += "); mqtt-stop: " + std::to_string(stop_acks_.size()) +
             " stop events PUBACKed (one shared group); poll: " + std::to_string(pickups_.size()) +
             " pickups at the vendor, " + std::to_string(poll_windows_back_) +
             " polled windows went back (a leader resuming from an old position); crew-sync: " +
             std::to_string(crews_.actions()) + " actions (" + std::to_string(crews_.photos()) +
             " photos), " + std::to_string(crews_.failed_syncs()) +
             " syncs cut short; CRM: " + crm_report_.value("stored", nlohmann::json(0)).dump() +
             " events, " + crm_report_.value("duplicates", nlohmann::json(0)).dump() +
             " redeliveries of a webhook id (stored once), answered " +
             crm_report_.value("answered", nlohmann::json::object()).dump() + "; " +
             std::to_string(prepare_s_) + " s to prepare, " + std::to_string(faults_s_) +
             " s under faults, " + std::to_string(finish_s_) + " s to finish (" + finish_steps_ +
             "; " + std::to_string(undelivered_at_drain_) + " CRM events were left to deliver)";
        return s;
    }
    const HttpAcks& http() const { return http_; }

  private:
    void prepare() {
        const auto& tokens = rig_.tokens();
        const auto must = [](bool ok, const std::string& what) {
            if (!ok) throw std::runtime_error("MixedLoad: " + what);
        };
        must(create_bay_orders(rig_.port(), bay_prefix_, bay_orders_, tokens.crm) == bay_orders_,
             "Bay Hauling orders not all created");
        must(create_bay_orders(rig_.port(), stop_prefix_, stop_orders_, tokens.crm) == stop_orders_,
             "stop event orders not all created");
        const auto riverbend = post_until_taken(rig_.port(), poll_orders_, [&](std::size_t i) {
            bench::PreparedRequest r;
            r.method = "POST";
            r.target = "/v1/work-orders";
            r.headers = {{"Authorization", "Bearer " + tokens.crm},
                         {"Content-Type", "application/json"}};
            r.body = work_order_body(bench::case_id(poll_prefix_, i), kRiverbend).dump();
            r.tag = bench::case_id(poll_prefix_, i);
            return r;
        });
        must(riverbend.empty(), "Riverbend orders not all created (" + riverbend + ")");
        crews_.prepare(rig_, crew_prefix_, crew_orders_);
    }

    // One load run through HAProxy across every fault: the engine reconnects after each
    // failure; what got no answer or a not-taken one is posted again at the end.
    void vendor_http(const std::atomic<bool>& stop) {
        auto options = vendor_load_options(rig_.port(), std::chrono::minutes(10));
        options.connections = 16;
        options.rate = kBayPerSecond;
        options.max_backoff = std::chrono::milliseconds(100);
        const auto key = rig_.tokens().bay;
        const auto run =
            bench::run_load(options, [&](std::size_t i) -> std::optional<bench::PreparedRequest> {
                if (stop.load()) return std::nullopt;
                return bench::bay_result_request(bay_prefix_, i % bay_orders_, key);
            });
        http_.add(run);
        under_faults_ = http_.tickets.size();
    }

    void truck(const std::atomic<bool>& stop) {
        MqttTestClient client(rig_.broker().uri(), "pg-fault-truck");
        const auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(1.0 / kStopsPerSecond));
        auto next = std::chrono::steady_clock::now();
        for (std::size_t i = 0; i < stop_orders_ && !stop.load(); ++i) {
            client.publish(kStopTopic, bench::bay_result_request(stop_prefix_, i, "").body);
            stop_acks_.push_back(bench::ticket(stop_prefix_, i));
            next += period;
            std::this_thread::sleep_until(next);
        }
    }

    // Results appear at the vendor in batches, "done" and "missed" in turn.
    void poll_vendor(const std::atomic<bool>& stop) {
        std::size_t next = 0;
        for (int batch = 0; next < poll_orders_ && !stop.load(); ++batch) {
            std::vector<std::string> cases;
            for (; cases.size() < kPickupsPerBatch && next < poll_orders_; ++next)
                cases.push_back(bench::case_id(poll_prefix_, next));
            const auto added = rig_.poll_vendor().add_results(cases, batch % 2 ? "missed" : "done");
            const auto& ids = added.at("added");
            for (std::size_t k = 0; k < ids.size() && k < cases.size(); ++k)
                pickups_[ids[k].get<std::string>()] = cases[k];
            std::this_thread::sleep_for(kPickupEvery);
        }
    }

    // No more faults: every source gets what it is owed.
    void finish() {
        // The vendor posts again every result it was not told was taken.
        const auto key = rig_.tokens().bay;
        auto step = std::chrono::steady_clock::now();
        const auto lap = [&](const char* what) {
            finish_steps_ += std::string(finish_steps_.empty() ? "" : ", ") + what + " " +
                             std::to_string(seconds_since(step)) + " s";
            step = std::chrono::steady_clock::now();
        };
        for (int round = 0; round < 10 && http_.tickets.size() < bay_orders_; ++round) {
            std::vector<std::size_t> todo;
            for (std::size_t i = 0; i < bay_orders_; ++i)
                if (!http_.tickets.count(bench::ticket(bay_prefix_, i))) todo.push_back(i);
            auto options = vendor_load_options(rig_.port(), std::chrono::seconds(120));
            options.connections = 32;
            http_.add(bench::run_load(
                options, [&](std::size_t k) -> std::optional<bench::PreparedRequest> {
                    if (k >= todo.size()) return std::nullopt;
                    return bench::bay_result_request(bay_prefix_, todo[k], key);
                }));
            if (http_.tickets.size() < bay_orders_) std::this_thread::sleep_for(1s);
        }
        EXPECT_TRUE(http_.unexpected.empty()) << http_.unexpected.front();
        lap("vendor");

        // Each tablet syncs until it has nothing left to send.
        crews_.finish();
        lap("tablets");

        // Every stop event the broker took reaches the store, and every pickup the vendor holds.
        const auto stored_count = [&](const std::string& pattern, const std::string& vendor) {
            try {
                return static_cast<std::size_t>(rig_.count(
                    "SELECT COUNT(DISTINCT vendor_ref) FROM outcomes WHERE vendor_ref LIKE $1 AND "
                    "($2 = '' OR vendor = $2)",
                    {pattern, vendor}));
            } catch (const pg::Error&) {
                return std::size_t{0};
            }
        };
        EXPECT_TRUE(wait_until(
            [&] { return stored_count("BH-" + stop_prefix_ + "-%", "") >= stop_acks_.size(); },
            180s))
            << "stop events PUBACKed but not stored";
        lap("stop events");
        EXPECT_TRUE(
            wait_until([&] { return stored_count("%", kRiverbend) >= pickups_.size(); }, 180s))
            << "pickups at the vendor not collected: " << rig_.poll_vendor().stats().dump();
        lap("pickups");
        poll_windows_back_ = rig_.poll_windows_moved_back();
        // PG_FAULT_DEBUG=1: who led polling when, and each page it read, from every log.
        if (std::getenv("PG_FAULT_DEBUG")) {
            for (int i = 0; i < rig_.size(); ++i) {
                std::istringstream in(rig_.log(i));
                std::string line;
                while (std::getline(in, line))
                    if (line.find("poll") != std::string::npos ||
                        line.find("leads role 2") != std::string::npos ||
                        line.find("leadership") != std::string::npos)
                        std::cout << rig_.name(i) << " " << line << "\n";
            }
            std::cout << rig_.poll_vendor().stats().dump() << std::endl;
        }
        undelivered_at_drain_ = rig_.undelivered();
        EXPECT_TRUE(rig_.wait_for_delivery())
            << rig_.undelivered() << " CRM events undelivered; " << rig_.crm_report().dump();
        lap("delivery");
    }

    void add(FaultAccount& account, const std::map<std::string, StoredItem>& stored,
             const std::string& key, const std::set<std::string>& crm) {
        const auto it = stored.find(key);
        const auto lost = account.lost;
        account_for(account, it == stored.end() ? nullptr : &it->second, &crm);
        if (account.lost != lost && lost_shown_++ < 10)
            std::cout << "[ pg-fault ] lost (" << account.scenario << "): " << key << std::endl;
    }

    static long seconds_since(std::chrono::steady_clock::time_point t) {
        return static_cast<long>(
            std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - t)
                .count());
    }

    PgFaultRig& rig_;
    long prepare_s_ = 0, faults_s_ = 0, finish_s_ = 0;
    std::int64_t undelivered_at_drain_ = 0;
    std::string finish_steps_;
    int poll_windows_back_ = 0;
    std::string bay_prefix_, stop_prefix_, poll_prefix_, crew_prefix_;
    std::size_t bay_orders_ = 0, stop_orders_ = 0, poll_orders_ = 0, crew_orders_ = 0;
    HttpAcks http_;
    std::size_t under_faults_ = 0;
    std::vector<std::string> stop_acks_;
    std::map<std::string, std::string> pickups_;  // pickup id -> crm case id
    CrewTablets crews_;
    std::size_t lost_shown_ = 0;
    nlohmann::json crm_report_ = nlohmann::json::object();
};

}  // namespace fieldgate::test
