// A Paho MQTT client for tests: publishes (waiting for the broker's acknowledgement at QoS 1)
// and records what its subscriptions receive.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <mqtt/async_client.h>

namespace fieldgate::test {

struct ReceivedMessage {
    std::string topic;
    std::string payload;
    bool retained = false;
};

struct MqttClientOptions {
    std::string user;
    std::string password;
    std::optional<std::pair<std::string, std::string>> will;  // topic, payload (retained, QoS 1)
    bool clean_session = true;
};

class MqttTestClient {
  public:
    MqttTestClient(const std::string& uri, const std::string& client_id,
                   MqttClientOptions options = {})
        : client_(uri, client_id) {
        client_.set_message_callback([this](mqtt::const_message_ptr m) {
            std::lock_guard lock(mutex_);
            received_.push_back({m->get_topic(), m->get_payload_str(), m->is_retained()});
            changed_.notify_all();
        });
        auto builder = mqtt::connect_options_builder().clean_session(options.clean_session);
        if (!options.user.empty()) builder.user_name(options.user).password(options.password);
        if (options.will)
            builder.will(mqtt::message(options.will->first, options.will->second, 1, true));
        if (!client_.connect(builder.finalize())->wait_for(std::chrono::seconds(30)))
            throw std::runtime_error("no CONNACK within 30 s");
    }
    ~MqttTestClient() {
        try {
            // Bounded: a connection the broker is dropping may never answer the DISCONNECT.
            if (client_.is_connected()) client_.disconnect()->wait_for(std::chrono::seconds(2));
        } catch (const mqtt::exception&) {
        }
    }

    void publish(const std::string& topic, const std::string& payload, int qos = 1,
                 bool retained = false) {
        if (!client_.publish(topic, payload.data(), payload.size(), qos, retained)
                 ->wait_for(std::chrono::seconds(30)))
            throw std::runtime_error("publish to " + topic + " not acknowledged within 30 s");
    }
    void subscribe(const std::string& filter, int qos = 1) {
        if (!client_.subscribe(filter, qos)->wait_for(std::chrono::seconds(30)))
            throw std::runtime_error("no SUBACK within 30 s");
    }
    // Waits until a message matching `pred` arrived (or `limit` passed).
    template <typename Pred>
    bool wait_for(Pred pred, std::chrono::milliseconds limit) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, limit, [&] {
            for (const auto& m : received_)
                if (pred(m)) return true;
            return false;
        });
    }
    std::vector<ReceivedMessage> received() {
        std::lock_guard lock(mutex_);
        return received_;
    }

  private:
    mqtt::async_client client_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<ReceivedMessage> received_;
};

}  // namespace fieldgate::test
