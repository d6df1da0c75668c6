// The fault suite's rig: the real gateway on a fixed loopback port (clients reconnect to the
// same address across a kill -9 and restart), the real CRM simulator it delivers to, and on
// request a real Mosquitto it consumes from; plus what every scenario's account is made of:
// reading the store and the CRM simulator's receipts.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "fault/fault_report.h"
#include "sqlite.h"
#include "support/crm_sim_process.h"
#include "support/gateway_process.h"
#include "support/listen_port.h"
#include "support/mosquitto_process.h"
#include "support/wait.h"
#include "support/webhook_signer.h"

namespace fieldgate::test {

using namespace std::chrono_literals;

// kill -9 cycles per source: FAULT_KILL_CYCLES, default 20 (issue 7 asks for at least 20).
inline int kill_cycles() {
    const char* v = std::getenv("FAULT_KILL_CYCLES");
    const int n = v ? std::atoi(v) : 0;
    return n > 0 ? n : 20;
}

struct FaultRigOptions {
    bool broker = false;                   // a Mosquitto, and an `mqtt` section pointing at it
    std::vector<std::string> crm_args;     // more fieldgate-crm-sim options (--schedule ...)
    std::optional<CrmSimTls> crm_tls;      // the CRM over HTTPS, trusted through crm.tls.ca_file
    std::optional<CrmSimOAuth> crm_oauth;  // and asking for OAuth 2.0 tokens (crm.oauth2)
    nlohmann::json config = nlohmann::json::object();  // merged into gateway.json last
};

// What the store holds for one vendor reference: its outcome rows, and the webhook ids of the
// CRM events those outcomes made.
struct StoredItem {
    std::int64_t outcomes = 0;
    std::vector<std::string> crm_events;
};

class FaultRig {
  public:
    explicit FaultRig(FaultRigOptions options = {})
        : crm_(CrmSimOptions{std::move(options.crm_args),
                             {"crm-sim-test-key"},
                             std::move(options.crm_tls),
                             std::move(options.crm_oauth)}),
          broker_(options.broker ? std::make_unique<MosquittoProcess>() : nullptr),
          port_(listen_port()) {
        nlohmann::json config = {
            {"listen", {{"port", port_}}},
            {"crm", {{"endpoint", crm_.events_origin() + "/events"}}},
            {"delivery", {{"poll_interval_ms", 200}, {"max_pause_s", 1}}},
            {"watchdog", {{"enabled", false}}},
        };
        if (broker_) {
            config["mqtt"] = {{"uri", broker_->uri()},
                              {"client_id", "fieldgate-fault"},
                              {"reconnect_min_ms", 100},
                              {"reconnect_max_ms", 500}};
        }
        Secrets secrets;
        if (const auto& tls = crm_.tls()) config["crm"]["tls"] = {{"ca_file", tls->ca_file}};
        if (const auto& oauth = crm_.oauth()) {
            config["crm"]["oauth2"] = {{"token_url", crm_.token_url()},
                                       {"client_id", oauth->client_id},
                                       {"client_secret", "crm/oauth-client-secret"}};
            secrets.more.emplace_back("crm/oauth-client-secret", oauth->client_secret);
        }
        config.merge_patch(options.config);
        secrets.crm_webhook = whsec(crm_.key());
        gw_ = std::make_unique<GatewayProcess>(config, secrets);
        const std::string store = config.contains("store")
                                      ? config["store"].value("path", "fieldgate.db")
                                      : "fieldgate.db";
        store_path_ = store.starts_with("/") ? store : gw_->dir().file(store);
        if (!wait_ready()) throw std::runtime_error("gateway not ready:\n" + gw_->log_text());
    }

    GatewayProcess& gw() { return *gw_; }
    CrmSimProcess& crm() { return crm_; }
    MosquittoProcess& broker() {
        if (!broker_) throw std::logic_error("this rig has no broker");
        return *broker_;
    }
    std::uint16_t port() const { return port_; }
    const std::string& store_path() const { return store_path_; }

    // Until /readyz answers 200 (and, with a broker, says the MQTT connection is up).
    bool wait_ready(std::chrono::milliseconds limit = 60s) {
        return wait_until(
            [&] {
                try {
                    auto c = gw_->client();
                    const auto r = c.get("/readyz", {}, 2s);
                    if (r.status != 200) return false;
                    return !broker_ ||
                           nlohmann::json::parse(r.body).value("mqtt", "") == "connected";
                } catch (const std::exception&) {
                    return false;
                }
            },
            limit);
    }

    // SIGKILL, then the same binary, config and store again on the same port, until ready.
    void kill9_and_restart() {
        gw_->kill9();
        for (int attempt = 0;; ++attempt) {
            try {
                gw_->start();
                break;
            } catch (const std::runtime_error&) {
                // The port can stay taken for a moment after the kill; anything else repeats.
                if (attempt >= 50) throw;
                std::this_thread::sleep_for(100ms);
            }
        }
        if (!wait_ready()) throw std::runtime_error("gateway not ready:\n" + gw_->log_text());
    }

    // `cycles` times: the gateway serves for a random 0.5-1.5 s while the caller's load runs,
    // then is killed (`before_kill` runs just before) and restarted. Returns the cycles done.
    int run_kill_cycles(int cycles, std::uint32_t seed,
                        const std::function<void()>& before_kill = {}) {
        std::mt19937 rng(seed);
        std::uniform_int_distribution<int> up_ms(500, 1500);
        int done = 0;
        for (; done < cycles; ++done) {
            std::this_thread::sleep_for(std::chrono::milliseconds(up_ms(rng)));
            if (before_kill) before_kill();
            kill9_and_restart();
        }
        return done;
    }

    // The kill cycles while `load` runs on a thread of its own: `load` is handed a flag that is
    // set once the cycles are over (or a restart failed) and must return soon after. What either
    // side threw is rethrown here, once both ended. Returns the cycles done.
    int run_kill_cycles_under(int cycles, std::uint32_t seed,
                              const std::function<void(const std::atomic<bool>& stop)>& load,
                              const std::function<void()>& before_kill = {}) {
        std::atomic<bool> stop{false};
        std::exception_ptr load_failure;
        std::thread worker([&] {
            try {
                load(stop);
            } catch (...) {
                load_failure = std::current_exception();
            }
        });
        int done = 0;
        std::exception_ptr failure;
        try {
            done = run_kill_cycles(cycles, seed, before_kill);
        } catch (...) {
            failure = std::current_exception();
        }
        stop = true;
        worker.join();
        if (failure) std::rethrow_exception(failure);
        if (load_failure) std::rethrow_exception(load_failure);
        return done;
    }

    // A read-only connection to the store (WAL: it reads beside the running gateway).
    sqlite::Connection store() const {
        sqlite::OpenOptions o;
        o.read_only = true;
        return sqlite::Connection(store_path_, o);
    }
    std::int64_t count(const std::string& sql, const std::vector<std::string>& params = {}) const {
        auto db = store();
        auto q = db.prepare(sql);
        for (std::size_t i = 0; i < params.size(); ++i) q->bind(static_cast<int>(i + 1), params[i]);
        return q->step() ? q->integer(0) : -1;
    }

    // Every outcome whose vendor_ref is LIKE `pattern`, by vendor reference, with its CRM events.
    std::map<std::string, StoredItem> stored_items(const std::string& pattern) const {
        auto db = store();
        auto q = db.prepare(
            "SELECT c.vendor_ref, c.id, o.id FROM outcomes c LEFT JOIN outbox o ON o.outcome_id = "
            "c.id AND o.destination = 'crm' WHERE c.vendor_ref LIKE ? ORDER BY c.id");
        q->bind(1, pattern);
        std::map<std::string, StoredItem> items;
        std::set<std::int64_t> outcomes;
        while (q->step()) {
            auto& item = items[q->text(0)];
            if (outcomes.insert(q->integer(1)).second) ++item.outcomes;
            if (!q->is_null(2)) item.crm_events.push_back("evt_" + std::to_string(q->integer(2)));
        }
        return items;
    }

    // Until no CRM event is pending in the outbox (each delivered or dead-lettered).
    bool wait_for_delivery(std::chrono::milliseconds limit = 180s) const {
        return wait_until(
            [&] {
                return count(
                           "SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND "
                           "destination = 'crm'") == 0;
            },
            limit);
    }

    // The CRM events still pending, a line each (why a drain did not finish).
    std::string pending_crm_events() const {
        auto db = store();
        auto q = db.prepare(
            "SELECT id, work_order_id, attempts, event_failures, IFNULL(deferred_by, '-'), "
            "IFNULL(next_attempt_at, 'now'), IFNULL(last_status, 0) FROM outbox WHERE state = "
            "'pending' AND destination = 'crm' ORDER BY id LIMIT 20");
        std::string out;
        while (q->step())
            out += "event " + std::to_string(q->integer(0)) + " of " + q->text(1) + ": attempts " +
                   std::to_string(q->integer(2)) + " (own " + std::to_string(q->integer(3)) +
                   "), deferred by " + q->text(4) + " until " + q->text(5) + ", last status " +
                   std::to_string(q->integer(6)) + "\n";
        return out;
    }

    // The webhook ids the CRM simulator stored; it stores each once, however often it came.
    std::set<std::string> crm_received() const {
        auto c = crm_.control_client();
        const auto r = c.get("/_events", {}, 120s);
        std::set<std::string> ids;
        for (const auto& e : nlohmann::json::parse(r.body))
            ids.insert(e.at("webhook_id").get<std::string>());
        return ids;
    }
    nlohmann::json crm_report() const {
        auto c = crm_.control_client();
        return nlohmann::json::parse(c.get("/_report").body);
    }

  private:
    CrmSimProcess crm_;
    std::unique_ptr<MosquittoProcess> broker_;
    std::uint16_t port_;
    std::unique_ptr<GatewayProcess> gw_;
    std::string store_path_;
};

// Adds one acknowledged item to the account. It must be stored once (`item`: what the store
// holds for it, null when nothing) and, when `crm` is given (the CRM simulator's receipts after
// delivery drained), have made exactly one CRM event, which the CRM received.
inline void account_for(FaultAccount& account, const StoredItem* item,
                        const std::set<std::string>* crm) {
    ++account.acknowledged;
    const std::int64_t stored = item ? item->outcomes : 0;
    bool delivered = false;
    if (item && crm && !item->crm_events.empty()) {
        delivered = true;
        for (const auto& id : item->crm_events) delivered = delivered && crm->count(id) == 1;
    }
    if (stored > 0) ++account.stored;
    if (delivered) ++account.delivered;
    if (stored == 0 || (crm && !delivered)) ++account.lost;
    if (stored > 1 || (item && item->crm_events.size() > 1)) ++account.duplicated;
}

}  // namespace fieldgate::test
