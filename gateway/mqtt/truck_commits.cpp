// The store side of TruckMessages: how a message's work is committed (waited for, tried
// again while a failure passes), how a truck the store has not answered for is claimed in the
// same job, and the requests that quarantine a message.
#include <chrono>
#include <future>
#include <thread>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "time_util.h"
#include "transaction.h"
#include "truck_messages.h"

namespace fieldgate::mqtt {

std::string TruckMessages::another_vendors(const std::string& truck) {
    return "truck '" + truck + "' belongs to another vendor";
}

void TruckMessages::store_work(const Parsed& p, const Message& m, store::Writer::Job work,
                               bool wait, const std::string& what,
                               std::atomic<std::uint64_t> MessageStats::*counted) {
    if (!p.claim) {
        commit(std::move(work), wait, what);
        return;
    }
    // The store decides whose the truck is in the same job as the message's own work, so its
    // first message here waits for nothing more than the message itself would.
    auto claimed = std::make_shared<store::TruckRow>();
    auto refusal = ingest_.job(refusal_request(m, p.vendor->vendor, 422, "unknown-truck",
                                               "Unknown truck", another_vendors(p.truck)),
                               {}, std::make_shared<IngestAnswer>());
    auto job = [truck = p.truck, vendor = p.vendor->vendor, work = std::move(work),
                refusal = std::move(refusal), claimed](store::Transaction& db) {
        *claimed = db.claim_truck(truck, vendor, now_utc());
        if (claimed->vendor != vendor) {
            refusal(db);
            return;
        }
        work(db);
        if (auto after = db.find_truck(truck)) *claimed = std::move(*after);  // with its route
    };
    // Runs on the writer's thread when not waited for: only what outlives this object.
    commit(std::move(job), wait, what,
           [learn = directory_.learner(), claimed, truck = p.truck, vendor = p.vendor->vendor,
            topic = m.topic, stats = stats_, counted](bool committed) {
               learn(truck, committed ? claimed.get() : nullptr);
               if (!committed || claimed->vendor == vendor) return;
               --((*stats).*counted);
               ++stats->quarantined;
               spdlog::warn("mqtt: quarantined message on {}: {}", topic, another_vendors(truck));
           });
}

bool TruckMessages::commit(std::function<void(store::Transaction&)> job, bool wait,
                           const std::string& what, std::function<void(bool)> after) {
    if (!wait) {
        if (!writer_.submit(std::move(job), [what, after](std::exception_ptr e) {
                if (e) spdlog::error("mqtt: {} not stored", what);
                if (after) after(!e);
            })) {
            spdlog::error("mqtt: writer queue full, {} not stored", what);
            if (after) after(false);
            return false;
        }
        return true;
    }
    // Paho acknowledges the message when this returns, so a commit that failed for a passing
    // reason (the write queue full, the disk full) is tried again until it holds: the messages
    // behind this one wait at the broker meanwhile. Only a stop gives up, after a last try.
    auto backoff = std::chrono::milliseconds(50);
    for (int attempt = 1;; ++attempt) {
        auto done = std::make_shared<std::promise<std::exception_ptr>>();
        auto result = done->get_future();
        std::string failure;
        bool transient = true;
        if (!writer_.submit(job, [done](std::exception_ptr e) { done->set_value(e); })) {
            failure = "the write queue is full";
        } else if (auto error = result.get()) {
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& e) {
                failure = e.what();
                transient = store::is_transient_failure(e);
            }
        } else {
            if (attempt > 1) spdlog::info("mqtt: {} stored after {} attempts", what, attempt);
            if (after) after(true);
            return true;
        }
        if (!transient || stopping_) {
            spdlog::error("mqtt: ALERT {} not stored{}: {}", what,
                          transient ? " (gateway stopping)" : "", failure);
            if (after) after(false);
            return false;
        }
        if (attempt == 1) spdlog::warn("mqtt: {} not stored yet, retrying: {}", what, failure);
        std::this_thread::sleep_for(backoff);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
    }
}

std::shared_ptr<IngestRequest> TruckMessages::new_request(const Message& m,
                                                          const std::string& vendor,
                                                          const std::string& truck) const {
    auto req = std::make_shared<IngestRequest>();
    req->vendor = vendor;
    req->source = truck.empty() ? "mqtt" : "truck:" + truck;
    req->raw.vendor = vendor.empty() ? std::nullopt : std::optional<std::string>(vendor);
    req->raw.channel = "mqtt";
    req->raw.received_at = now_utc();
    req->raw.content_type = "application/json";
    req->raw.request_id = m.topic;
    req->raw.headers_json =
        nlohmann::json({{"topic", m.topic}, {"qos", m.qos}, {"retained", m.retained}}).dump();
    return req;
}

void TruckMessages::run_ingest(std::shared_ptr<IngestRequest> req, bool wait) {
    const auto what = "message on " + req->raw.request_id;
    commit(ingest_.job(std::move(req), {}, std::make_shared<IngestAnswer>()), wait, what);
}

void TruckMessages::quarantine(const Message& m, const std::string& vendor, int status,
                               std::string type, std::string title, std::string detail,
                               std::string pointer) {
    ++stats_->quarantined;
    auto req = refusal_request(m, vendor, status, std::move(type), std::move(title),
                               std::move(detail), std::move(pointer));
    spdlog::warn("mqtt: quarantined message on {}: {}", m.topic, req->refused->detail);
    run_ingest(std::move(req), m.qos > 0);
}

std::shared_ptr<IngestRequest> TruckMessages::refusal_request(const Message& m,
                                                              const std::string& vendor, int status,
                                                              std::string type, std::string title,
                                                              std::string detail,
                                                              std::string pointer) const {
    auto req = new_request(m, vendor, "");
    if (m.payload.size() > 1 << 20) {
        req->raw.body = m.payload.substr(0, 1 << 20);
        req->raw.truncated = true;
    } else {
        req->raw.body = m.payload;
    }
    ApiError error{status,
                   std::move(type),
                   std::move(title),
                   std::move(detail),
                   std::move(pointer),
                   nlohmann::json::object()};
    error.extra["topic"] = m.topic;
    req->refused = std::move(error);
    return req;
}

}  // namespace fieldgate::mqtt
