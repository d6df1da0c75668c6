#include "mqtt_client.h"

#include <filesystem>

#include <mqtt/async_client.h>
#include <spdlog/spdlog.h>

namespace fieldgate::mqtt {

namespace {
constexpr int kConnectTimeoutS = 10;
}  // namespace

MqttClient::MqttClient(const MqttConfig& config, std::string password, Handler handler,
                       Connected on_connected)
    : config_(config),
      password_(std::move(password)),
      handler_(std::move(handler)),
      on_connected_(std::move(on_connected)) {
    std::filesystem::create_directories(config_.persistence_dir);
    client_ = std::make_unique<::mqtt::async_client>(config_.uri, config_.client_id,
                                                     config_.persistence_dir);
    client_->set_message_callback([this](::mqtt::const_message_ptr m) {
        // Never let an exception into Paho's thread: the handler quarantines what it cannot use.
        try {
            handler_(Message{m->get_topic(), m->get_payload_str(), m->get_qos(), m->is_retained()});
        } catch (const std::exception& e) {
            spdlog::error("mqtt: message on {} not handled: {}", m->get_topic(), e.what());
        }
    });
    client_->set_connection_lost_handler([this](const std::string& cause) {
        connected_ = false;
        spdlog::warn("mqtt: connection to {} lost{}{}", config_.uri, cause.empty() ? "" : ": ",
                     cause);
        wake_.notify_all();
    });
}

MqttClient::~MqttClient() {
    stop();
}

void MqttClient::start() {
    supervisor_ = std::thread([this] { supervise(); });
}

void MqttClient::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    wake_.notify_all();
    if (supervisor_.joinable()) supervisor_.join();
}

bool MqttClient::connect_once() {
    auto builder = ::mqtt::connect_options_builder()
                       .clean_session(false)
                       .keep_alive_interval(std::chrono::seconds(config_.keep_alive_s))
                       .connect_timeout(std::chrono::seconds(kConnectTimeoutS))
                       .automatic_reconnect(false);
    if (!config_.username.empty()) builder.user_name(config_.username);
    if (!password_.empty()) builder.password(password_);
    if (!config_.ca_file.empty() || !config_.cert_file.empty()) {
        auto ssl = ::mqtt::ssl_options_builder();
        if (!config_.ca_file.empty()) ssl.trust_store(config_.ca_file);
        if (!config_.cert_file.empty()) ssl.key_store(config_.cert_file);
        if (!config_.key_file.empty()) ssl.private_key(config_.key_file);
        builder.ssl(ssl.finalize());
    }
    // Every wait on Paho is bounded. Paho C drops a CONNECT command that it takes while an
    // earlier connect is still in progress, without calling back, and a broker that closes the
    // socket right after accepting it (a restart) can leave a connect unanswered: such a token
    // never completes, and an unbounded wait would leave the gateway disconnected for good and
    // unable to stop. A connect that does not complete in time counts as failed; the
    // disconnect resets Paho's connect state for the next attempt.
    const auto limit = std::chrono::seconds(kConnectTimeoutS + 5);
    auto give_up = [this](const std::string& why) {
        spdlog::warn("mqtt: cannot connect to {}: {}", config_.uri, why);
        try {
            client_->disconnect()->wait_for(std::chrono::seconds(2));
        } catch (const ::mqtt::exception&) {
        }
        return false;
    };
    try {
        auto token = client_->connect(builder.finalize());
        if (!token->wait_for(limit))
            return give_up("no answer to CONNECT within " + std::to_string(limit.count()) + " s");
        const bool session = token->get_connect_response().is_session_present();
        if (!session) {
            // A new session (first start, or the broker lost it): subscribe again. With a
            // session the broker still has the subscriptions and has kept QoS 1 messages.
            for (const auto& filter : config_.subscriptions) {
                if (!client_->subscribe(filter, 1)->wait_for(limit))
                    return give_up("no SUBACK for " + filter);
            }
        }
        connected_ = true;
        ++connections_;
        spdlog::info("mqtt: connected to {} as {} (session {})", config_.uri, config_.client_id,
                     session ? "resumed" : "new, subscribed");
        return true;
    } catch (const ::mqtt::exception& e) {
        return give_up(e.what());
    }
}

void MqttClient::supervise() {
    auto backoff = std::chrono::milliseconds(config_.reconnect_min_ms);
    const auto max_backoff = std::chrono::milliseconds(config_.reconnect_max_ms);
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        if (!client_->is_connected()) {
            connected_ = false;
            lock.unlock();
            const bool ok = connect_once();
            if (ok && on_connected_) on_connected_();
            lock.lock();
            if (ok) {
                backoff = std::chrono::milliseconds(config_.reconnect_min_ms);
                continue;
            }
            wake_.wait_for(lock, backoff, [this] { return stopping_; });
            backoff = std::min(backoff * 2, max_backoff);
            continue;
        }
        wake_.wait_for(lock, std::chrono::seconds(1),
                       [this] { return stopping_ || !connected_.load(); });
    }
    lock.unlock();
    try {
        if (client_->is_connected()) client_->disconnect()->wait_for(std::chrono::seconds(10));
    } catch (const ::mqtt::exception& e) {
        spdlog::warn("mqtt: disconnect: {}", e.what());
    }
    connected_ = false;
}

bool MqttClient::publish(const std::string& topic, const std::string& payload, bool retained) {
    if (!connected_) return false;
    try {
        client_->publish(topic, payload.data(), payload.size(), 1, retained);
        return true;
    } catch (const ::mqtt::exception& e) {
        spdlog::warn("mqtt: publish to {} failed: {}", topic, e.what());
        return false;
    }
}

}  // namespace fieldgate::mqtt
