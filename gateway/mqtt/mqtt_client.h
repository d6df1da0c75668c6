// The gateway's MQTT connection (Eclipse Paho C++), on the consumer pattern: fixed client id,
// persistent session (clean_session=false), QoS 1 subscriptions, reconnect with backoff by a
// supervisor thread, resubscribe only when the broker says it has no session.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "config.h"

namespace mqtt {
class async_client;
}

namespace fieldgate::mqtt {

struct Message {
    std::string topic;
    std::string payload;
    int qos = 0;
    bool retained = false;
};

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

    MqttConfig config_;
    std::string password_;
    Handler handler_;
    Connected on_connected_;
    std::unique_ptr<::mqtt::async_client> client_;
    std::atomic<bool> connected_{false};
    std::atomic<std::uint64_t> connections_{0};
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread supervisor_;
};

}  // namespace fieldgate::mqtt
