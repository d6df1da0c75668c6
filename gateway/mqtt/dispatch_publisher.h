// Dispatch to trucks: each assigned truck's stops for its route and day, published retained at
// QoS 1 on <prefix>/<truck>/<dispatch topic> whenever they change (a new or cancelled order, a
// status change, a new assignment). Checked every interval and at once after an assignment.
// Resident contact details are never part of it.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mqtt_client.h"
#include "read_pool.h"
#include "records.h"
#include "truck_directory.h"
#include "vendor_topics.h"

namespace fieldgate::mqtt {

class DispatchPublisher {
  public:
    DispatchPublisher(std::chrono::seconds interval, const std::vector<VendorTopics>& topics,
                      store::ReadPool& reads, TruckDirectory& directory, MqttClient& client);
    ~DispatchPublisher();
    void start();
    void stop();
    void poke();           // something changed: compare now
    void republish_all();  // after a reconnection: the broker may have lost retained messages
    std::uint64_t published() const;

  private:
    void loop();
    void publish_changes();

    std::chrono::seconds interval_;
    std::map<std::string, const VendorTopics*> vendors_;
    store::ReadPool& reads_;
    TruckDirectory& directory_;
    MqttClient& client_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool poked_ = false;
    bool stopping_ = false;
    std::map<std::string, std::string> last_;  // truck -> body last published
    std::uint64_t published_ = 0;
    std::thread thread_;
};

// The retained document a truck receives (pure: tested without a broker).
std::string render_truck_stops(const TruckInfo& truck, const std::vector<store::WorkOrder>& orders);

}  // namespace fieldgate::mqtt
