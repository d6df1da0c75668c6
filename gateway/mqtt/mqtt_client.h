// The gateway's MQTT connection (Eclipse Paho C++, MQTT 5), on the consumer pattern: fixed
// client id, persistent session (clean_start=false and a session expiry interval), QoS 1
// subscriptions (shared ones, $share/<group>/<filter>, when mqtt.shared_group is set), reconnect
// with backoff by a supervisor thread, subscribe only when the broker says it has no session or
// the subscriptions changed since the session was made.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config.h"

namespace mqtt {
class async_client;
class connect_options;
}  // namespace mqtt

namespace fieldgate::mqtt {

struct Message {
    std::string topic;
    std::string payload;
    int qos = 0;
    bool retained = false;
};

// The filters the gateway subscribes: mqtt.subscriptions, each as $share/<group>/<filter> when
// mqtt.shared_group is set.
std::vector<std::string> subscription_filters(const MqttConfig& config);

class MqttClient {
  public:
    // Called on Paho's callback thread, one message at a time; may block (see truck_messages.h).
    using Handler = std::function<void(const Message&)>;
    // Called on the supervisor thread after every (re)connection.
    using Connected = std::function<void()>;

    MqttClient(const MqttConfig& config, std::string password, Handler handler,
               Connected on_connected);
    ~MqttClient();
    MqttClient(const MqttClient&) = delete;
    MqttClient& operator=(const MqttClient&) = delete;

    void start();
    void stop();  // disconnects after the message being handled is done
    bool connected() const { return connected_.load(); }
    std::uint64_t connections() const { return connections_.load(); }
    // Fire and forget at QoS 1 (Paho keeps it in its store until the broker has it); false when
    // not connected.
    bool publish(const std::string& topic, const std::string& payload, bool retained);

  private:
    void supervise();
    bool connect_once();
    // After a CONNACK: makes the broker's subscriptions the configured ones. `session`: the
    // broker resumed a session (which keeps the subscriptions it was given). False when the
    // broker did not answer in time or refused a filter.
    bool subscribe(bool session, std::chrono::seconds limit, std::string& why);

    MqttConfig config_;
    std::vector<std::string> filters_;  // subscription_filters(config_)
    std::string record_path_;  // the filters last subscribed under this client id and broker
    std::string password_;
    Handler handler_;
    Connected on_connected_;
    // The last CONNECT's options: Paho's copies of them point into these (mqtt_client.cpp).
    std::unique_ptr<::mqtt::connect_options> connect_options_;
    std::unique_ptr<::mqtt::async_client> client_;
    std::atomic<bool> connected_{false};
    std::atomic<std::uint64_t> connections_{0};
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread supervisor_;
};

}  // namespace fieldgate::mqtt
