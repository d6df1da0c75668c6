// What each MQTT message becomes, by topic (transport-free: the client hands messages in).
//   <prefix>/<truck>/<position>  QoS 0: memory + batched history, arrival detection; never waits
//                                for a commit (but for a truck's first message, below)
//   <prefix>/<truck>/<stop>      QoS 1: the vendor's adapter -> IngestService
//   <prefix>/<truck>/<status>    QoS 1, retained, last will: online/offline, last seen
//   <prefix>/<truck>/<route>     QoS 1: the vendor assigns the truck to a route and day
//   <prefix>/<truck>/<route-event> QoS 1: applies to every open stop of the route
// Anything else (unknown vendor or truck, malformed, too large) is quarantined with the topic.
//
// A truck id belongs to the first vendor it was seen under, which the store decides for every
// gateway sharing it: until the store has told this gateway whose a truck is, each message of it
// claims it in the message's own writer job (TruckRepository::claim_truck) and is applied only
// when the truck is its vendor's, quarantined otherwise; positions claim it in a job of their own
// and are taken as their vendor's until the answer comes.
//
// Results (stop and route events) and quarantined QoS 1 messages are committed before handle()
// returns. Paho C (the library Debian 12 ships) sends a QoS 1 PUBLISH's PUBACK only after the
// message callback returned, so this is what puts a result on disk before the broker lets go of
// it; the messages behind it wait at the broker meanwhile (see README: MQTT durability). Status and
// route assignments (retained, last value wins) and positions go to the writer without waiting:
// waiting for one fsync each would serialize a 10,000-truck fleet's announcements.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "arrival_detector.h"
#include "ingest_service.h"
#include "mqtt_client.h"
#include "position_store.h"
#include "registry.h"
#include "truck_directory.h"
#include "vendor_topics.h"
#include "writer.h"

namespace fieldgate::mqtt {

struct MessageStats {
    std::atomic<std::uint64_t> positions{0};
    std::atomic<std::uint64_t> stops{0};
    std::atomic<std::uint64_t> statuses{0};
    std::atomic<std::uint64_t> assignments{0};
    std::atomic<std::uint64_t> route_events{0};
    std::atomic<std::uint64_t> quarantined{0};
};

class TruckMessages {
  public:
    using Vendors = std::function<std::shared_ptr<const VendorRegistry>()>;
    using Assigned = std::function<void()>;  // a truck's route changed

    TruckMessages(std::vector<VendorTopics> topics, Vendors vendors, IngestService& ingest,
                  store::Writer& writer, PositionStore& positions, ArrivalDetector& arrivals,
                  TruckDirectory& directory, Assigned on_assigned);

    void handle(const Message& m);
    // Replay of a quarantined message (ops/quarantine_replay.cpp): the request handle() would
    // make of it now (stop events through the vendor's current mapping, route events through
    // mqtt.json's codes), or why it is not re-run (positions, statuses and assignments are
    // moments or last values that an old copy would overwrite). Nothing is committed here.
    std::variant<std::shared_ptr<IngestRequest>, std::string> replay_request(
        const std::string& topic, const std::string& payload) const;
    // From now on a commit that failed is not tried again (the service is shutting down).
    void stopping() { stopping_ = true; }
    const MessageStats& stats() const { return *stats_; }
    const std::vector<VendorTopics>& topics() const { return topics_; }

  private:
    struct Parsed {
        const VendorTopics* vendor = nullptr;
        std::string truck;
        std::string kind;    // the topic's last level
        bool claim = false;  // the store has not told this gateway whose the truck is
    };
    void on_position(const Parsed& p, const Message& m);
    void on_stop(const Parsed& p, const Message& m);
    void on_status(const Parsed& p, const Message& m);
    void on_assignment(const Parsed& p, const Message& m);
    void on_route_event(const Parsed& p, const Message& m);
    // The vendor whose prefix the topic is under; nullptr when none.
    const VendorTopics* vendor_of(const std::string& topic) const;
    // A stop event through the vendor's current adapter; nullptr when it is not configured.
    std::shared_ptr<IngestRequest> stop_request(const Parsed& p, const Message& m) const;
    // A route event through mqtt.json's codes; nullptr when the payload is not a JSON object.
    std::shared_ptr<IngestRequest> route_event_request(const Parsed& p, const Message& m) const;
    // Quarantines the message as refused, with the topic and the error; waits for the commit
    // when the message was QoS 1.
    void quarantine(const Message& m, const std::string& vendor, int status, std::string type,
                    std::string title, std::string detail, std::string pointer = {});
    // The request that quarantines the message (what quarantine() commits).
    std::shared_ptr<IngestRequest> refusal_request(const Message& m, const std::string& vendor,
                                                   int status, std::string type, std::string title,
                                                   std::string detail,
                                                   std::string pointer = {}) const;
    static std::string another_vendors(const std::string& truck);
    // The message's store work, committed like commit(); for a truck the store has not told
    // this gateway about (p.claim), the claim goes first in the same job: the work runs when
    // the truck is the message's vendor's, the message is quarantined otherwise (and counted
    // as quarantined instead of under `counted`), and the directory learns the answer.
    void store_work(const Parsed& p, const Message& m, store::Writer::Job work, bool wait,
                    const std::string& what, std::atomic<std::uint64_t> MessageStats::*counted);
    void run_ingest(std::shared_ptr<IngestRequest> req, bool wait);
    std::shared_ptr<IngestRequest> new_request(const Message& m, const std::string& vendor,
                                               const std::string& truck) const;
    // Runs `job` on the writer; waits for its commit when `wait` (trying again while it fails
    // for a passing reason). `after` is told once whether it committed: on this thread when
    // waited for, else on the writer's (so it must hold only what outlives this object).
    bool commit(std::function<void(store::Transaction&)> job, bool wait, const std::string& what,
                std::function<void(bool)> after = nullptr);

    std::vector<VendorTopics> topics_;
    Vendors vendors_;
    IngestService& ingest_;
    store::Writer& writer_;
    PositionStore& positions_;
    ArrivalDetector& arrivals_;
    TruckDirectory& directory_;
    Assigned on_assigned_;
    // Shared with writer callbacks, which may run after this object is gone.
    std::shared_ptr<MessageStats> stats_ = std::make_shared<MessageStats>();
    std::atomic<bool> stopping_{false};
};

}  // namespace fieldgate::mqtt
