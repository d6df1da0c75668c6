#include "mqtt_client.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>

#include <mqtt/async_client.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

namespace fieldgate::mqtt {

namespace {
constexpr int kConnectTimeoutS = 10;

// The file beside Paho's store that says which filters the session under this client id was
// given, so a changed list (a shared group added, a filter dropped) is applied to a session the
// broker kept. Client ids are at most 64 characters; anything but [A-Za-z0-9._-] becomes '_'.
std::string record_file(const MqttConfig& config) {
    std::string name;
    for (const char c : config.client_id)
        name += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_'
                    ? c
                    : '_';
    return (std::filesystem::path(config.persistence_dir) / ("subscriptions-" + name + ".json"))
        .string();
}

std::string joined(const std::vector<std::string>& filters) {
    std::string out;
    for (const auto& f : filters) out += (out.empty() ? "" : ", ") + f;
    return out.empty() ? "none" : out;
}
}  // namespace

std::vector<std::string> subscription_filters(const MqttConfig& config) {
    std::vector<std::string> out;
    for (const auto& filter : config.subscriptions)
        out.push_back(config.shared_group.empty() ? filter
                                                  : "$share/" + config.shared_group + "/" + filter);
    return out;
}

MqttClient::MqttClient(const MqttConfig& config, std::string password, Handler handler,
                       Connected on_connected)
    : config_(config),
      password_(std::move(password)),
      handler_(std::move(handler)),
      on_connected_(std::move(on_connected)) {
    filters_ = subscription_filters(config_);
    record_path_ = record_file(config_);
    std::filesystem::create_directories(config_.persistence_dir);
    // MQTT 5 from the start: Paho C refuses a version 5 CONNECT from a client created for 3.1.1.
    client_ = std::make_unique<::mqtt::async_client>(config_.uri, config_.client_id,
                                                     ::mqtt::create_options(MQTTVERSION_5),
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
    // MQTT 5: the broker says why it closes the connection. Session taken over is another client
    // connecting with this client id: each gateway of a shared group needs its own.
    client_->set_disconnected_handler([this](const ::mqtt::properties&, ::mqtt::ReasonCode code) {
        connected_ = false;
        if (code == ::mqtt::SESSION_TAKEN_OVER)
            spdlog::error(
                "mqtt: ALERT the broker closed the connection: another client connected with "
                "client id {} (each gateway needs its own mqtt.client_id)",
                config_.client_id);
        else
            spdlog::warn("mqtt: the broker closed the connection: {}",
                         ::mqtt::exception::reason_code_str(code));
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
    // MQTT 5 persistent session: clean_start=false resumes what the broker kept, and the session
    // expiry interval is how long it keeps it after a disconnect (without one, a version 5
    // session ends at disconnect and the QoS 1 messages queued for it are gone).
    const ::mqtt::properties session_expiry{
        ::mqtt::property(::mqtt::property::SESSION_EXPIRY_INTERVAL,
                         static_cast<std::int32_t>(config_.session_expiry_s))};
    auto builder = ::mqtt::connect_options_builder()
                       .mqtt_version(MQTTVERSION_5)
                       .clean_start(false)
                       .properties(session_expiry)
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
        // Paho C++ 1.2.0 copies connect options without pointing the copy's C struct at the
        // copy's own properties: every copy (finalize, connect's own) still points at the
        // builder's, gone once this function returns, which the ASan build showed as a session
        // the broker did not keep. The options kept here set their properties last, so every
        // copy points at this member, which lives as long as the client.
        connect_options_ = std::make_unique<::mqtt::connect_options>(builder.finalize());
        connect_options_->set_properties(session_expiry);
        auto token = client_->connect(*connect_options_);
        if (!token->wait_for(limit))
            return give_up("no answer to CONNECT within " + std::to_string(limit.count()) + " s");
        const auto response = token->get_connect_response();
        const bool session = response.is_session_present();
        const auto& props = response.get_properties();
        if (props.contains(::mqtt::property::SESSION_EXPIRY_INTERVAL)) {
            // A broker may keep the session for less than asked; it says so here.
            const auto granted =
                ::mqtt::get<std::uint32_t>(props, ::mqtt::property::SESSION_EXPIRY_INTERVAL);
            if (granted < config_.session_expiry_s)
                spdlog::warn(
                    "mqtt: the broker keeps the session {} s after a disconnect, not the {} s "
                    "of mqtt.session_expiry_s",
                    granted, config_.session_expiry_s);
        }
        if (!config_.shared_group.empty() &&
            props.contains(::mqtt::property::SHARED_SUBSCRIPTION_AVAILABLE) &&
            ::mqtt::get<std::uint8_t>(props, ::mqtt::property::SHARED_SUBSCRIPTION_AVAILABLE) == 0)
            return give_up("the broker has no shared subscriptions (mqtt.shared_group is set)");
        std::string why;
        if (!subscribe(session, limit, why)) return give_up(why);
        connected_ = true;
        ++connections_;
        spdlog::info("mqtt: connected to {} as {} (session {})", config_.uri, config_.client_id,
                     session ? "resumed" : "new, subscribed to " + joined(filters_));
        return true;
    } catch (const ::mqtt::exception& e) {
        return give_up(e.what());
    }
}

bool MqttClient::subscribe(bool session, std::chrono::seconds limit, std::string& why) {
    // What this client id last subscribed on this broker, when the record is there.
    std::optional<std::vector<std::string>> recorded;
    {
        std::ifstream in(record_path_);
        const auto doc = in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
        if (doc.is_object() && doc.value("uri", "") == config_.uri &&
            doc.value("client_id", "") == config_.client_id && doc.contains("filters") &&
            doc["filters"].is_array()) {
            recorded.emplace();
            for (const auto& f : doc["filters"])
                if (f.is_string()) recorded->push_back(f.get<std::string>());
        }
    }
    // A session the broker kept still has the subscriptions it was given, and the QoS 1
    // messages queued for them: nothing to do unless the configured list changed since.
    if (session && recorded && *recorded == filters_) return true;
    std::vector<std::string> dropped;
    if (session) {
        // Filters the kept session may hold that are no longer wanted: the recorded ones, or,
        // with no record (a session made before records were kept), the plain filters a shared
        // group replaces.
        std::set<std::string> before;
        if (recorded)
            before.insert(recorded->begin(), recorded->end());
        else if (!config_.shared_group.empty())
            before.insert(config_.subscriptions.begin(), config_.subscriptions.end());
        for (const auto& f : before)
            if (std::find(filters_.begin(), filters_.end(), f) == filters_.end())
                dropped.push_back(f);
    }
    for (const auto& filter : dropped) {
        if (!client_->unsubscribe(filter)->wait_for(limit)) {
            why = "no UNSUBACK for " + filter;
            return false;
        }
    }
    // Retained messages only for a subscription the session did not have already (a kept one
    // has seen them).
    const ::mqtt::subscribe_options options(false, false,
                                            ::mqtt::subscribe_options::SEND_RETAINED_ON_NEW);
    for (const auto& filter : filters_) {
        auto token = client_->subscribe(filter, 1, options);
        if (!token->wait_for(limit)) {
            why = "no SUBACK for " + filter;
            return false;
        }
        const auto codes = token->get_subscribe_response().get_reason_codes();
        const int code = codes.empty() ? 1 : static_cast<int>(codes.front());
        if (code >= 0x80) {
            why = "the broker refused the subscription " + filter + ": " +
                  ::mqtt::exception::reason_code_str(code);
            return false;
        }
        if (code == 0)
            spdlog::warn(
                "mqtt: the broker granted {} at QoS 0 only: its messages are not kept while the "
                "gateway is away",
                filter);
    }
    if (session)
        spdlog::warn(
            "mqtt: the resumed session was made with other subscriptions (or before they were "
            "recorded): subscribed to {}{}",
            joined(filters_), dropped.empty() ? "" : ", unsubscribed from " + joined(dropped));
    nlohmann::json record = {
        {"uri", config_.uri}, {"client_id", config_.client_id}, {"filters", filters_}};
    const auto temp = record_path_ + ".tmp";
    std::error_code ec;
    {
        std::ofstream out(temp, std::ios::trunc);
        out << record.dump() << "\n";
        if (!out.flush()) ec = std::make_error_code(std::errc::io_error);
    }
    if (!ec) std::filesystem::rename(temp, record_path_, ec);
    if (ec)
        spdlog::warn("mqtt: cannot record the subscriptions in {}: {}", record_path_, ec.message());
    return true;
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
