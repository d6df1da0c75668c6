#include "config.h"

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "engine/spec_parser.h"
#include "json_schema.h"

namespace fieldgate {

extern const char* const kGatewayConfigSchema;  // gateway.schema.json, embedded at build time

namespace {

namespace fs = std::filesystem;

std::string resolve(const fs::path& base, const std::string& value) {
    if (value.empty()) return value;
    fs::path p(value);
    return (p.is_absolute() ? p : base / p).lexically_normal().string();
}

template <typename T>
void take(const nlohmann::json& j, const char* key, T& into) {
    if (j.contains(key)) into = j.at(key).get<T>();
}

OutboundTls read_tls(const nlohmann::json& tls, const fs::path& base) {
    OutboundTls out;
    if (tls.contains("ca_file")) out.ca_file = resolve(base, tls["ca_file"].get<std::string>());
    if (tls.contains("cert_file"))
        out.cert_file = resolve(base, tls["cert_file"].get<std::string>());
    if (tls.contains("key_file")) out.key_file = resolve(base, tls["key_file"].get<std::string>());
    return out;
}

// crm.* connection settings and outbound.* (the egress proxy).
void read_connections(const nlohmann::json& doc, const fs::path& base, GatewayConfig& c) {
    const auto empty = nlohmann::json::object();
    const auto& crm = doc.contains("crm") ? doc["crm"] : empty;
    take(crm, "allow_insecure_http", c.crm_allow_insecure_http);
    if (crm.contains("tls")) c.crm_tls = read_tls(crm["tls"], base);
    take(crm, "bearer_secret", c.crm_bearer_secret);
    if (crm.contains("oauth2")) c.crm_oauth2 = engine::parse_oauth2(crm["oauth2"]);
    const auto& outbound = doc.contains("outbound") ? doc["outbound"] : empty;
    if (outbound.contains("proxy")) c.outbound_proxy = outbound["proxy"].get<std::string>();
    take(outbound, "no_proxy", c.outbound_no_proxy);
    if (outbound.contains("ca_file"))
        c.outbound_ca_file = resolve(base, outbound["ca_file"].get<std::string>());
    if (c.crm_tls.ca_file.empty()) c.crm_tls.ca_file = c.outbound_ca_file;
}

// listen.* and the limits it sets on every connection; ingest.* and store.*.
void read_listen_and_store(const nlohmann::json& doc, const fs::path& base, GatewayConfig& c) {
    const auto empty = nlohmann::json::object();
    const auto& listen = doc.contains("listen") ? doc["listen"] : empty;
    take(listen, "address", c.listen_address);
    take(listen, "port", c.listen_port);
    take(listen, "threads", c.http_threads);
    take(listen, "port_file", c.port_file);
    take(listen, "read_timeout_s", c.read_timeout_s);
    take(listen, "idle_timeout_s", c.idle_timeout_s);
    take(listen, "max_body_bytes", c.max_body_bytes);
    take(listen, "max_connections", c.max_connections);
    take(listen, "max_connections_per_client", c.max_connections_per_client);
    take(listen, "max_requests_in_flight_per_client", c.max_requests_in_flight_per_client);
    take(listen, "trusted_proxies", c.trusted_proxies);
    take(listen, "allow_insecure_http", c.listen_allow_insecure_http);
    if (listen.contains("tls")) {
        const auto& tls = listen["tls"];
        c.listen_tls_cert_file = resolve(base, tls["cert_file"].get<std::string>());
        c.listen_tls_key_file = resolve(base, tls["key_file"].get<std::string>());
        if (tls.contains("client_ca_file"))
            c.listen_tls_client_ca_file = resolve(base, tls["client_ca_file"].get<std::string>());
    }
    const auto& failed_auth = listen.contains("failed_auth") ? listen["failed_auth"] : empty;
    take(failed_auth, "burst", c.failed_auth_burst);
    take(failed_auth, "per_second", c.failed_auth_per_second);
    const auto& ingest = doc.contains("ingest") ? doc["ingest"] : empty;
    take(ingest, "threads", c.ingest_threads);
    const auto& store = doc.contains("store") ? doc["store"] : empty;
    take(store, "path", c.store_path);
    take(store, "synchronous", c.synchronous);
    take(store, "checkpoint_interval_ms", c.checkpoint_interval_ms);
    take(store, "url", c.store_url);
    take(store, "password_secret", c.store_password_secret);
    take(store, "answer_timeout_s", c.store_answer_timeout_s);
}

// Where the schemas and the catalog are: the config's own, or those shipped with the source.
void read_paths(const nlohmann::json& doc, const fs::path& base, const fs::path& data_root,
                GatewayConfig& c) {
    const auto empty = nlohmann::json::object();
    std::string vendor_schemas, catalog_path, catalog_schema, mapping_schema, api_schemas;
    take(doc, "vendor_schemas", vendor_schemas);
    const auto& catalog = doc.contains("catalog") ? doc["catalog"] : empty;
    take(catalog, "path", catalog_path);
    take(catalog, "schema", catalog_schema);
    take(doc, "mapping_schema", mapping_schema);
    take(doc, "api_schemas", api_schemas);
    c.vendor_schemas_dir = vendor_schemas.empty() ? resolve(data_root, c.vendor_schemas_dir)
                                                  : resolve(base, vendor_schemas);
    c.catalog_path =
        catalog_path.empty() ? resolve(data_root, c.catalog_path) : resolve(base, catalog_path);
    c.catalog_schema_path = catalog_schema.empty() ? resolve(data_root, c.catalog_schema_path)
                                                   : resolve(base, catalog_schema);
    c.mapping_schema_path = mapping_schema.empty() ? resolve(data_root, c.mapping_schema_path)
                                                   : resolve(base, mapping_schema);
    c.api_schemas_dir =
        api_schemas.empty() ? resolve(data_root, c.api_schemas_dir) : resolve(base, api_schemas);
    const auto& console = doc.contains("console") ? doc["console"] : empty;
    std::string console_dir, users_file;
    take(console, "dir", console_dir);
    take(console, "users_file", users_file);
    take(console, "session_hours", c.console_session_hours);
    take(console, "secure_cookie", c.console_secure_cookie);
    c.console_dir =
        console_dir.empty() ? resolve(data_root, c.console_dir) : resolve(base, console_dir);
    if (!users_file.empty()) c.console_users_file = resolve(base, users_file);
}

// secrets.*, the city's time zone, crm.*, outbound.*, delivery.* and watchdog.*.
void read_crm_and_delivery(const nlohmann::json& doc, const fs::path& base, GatewayConfig& c) {
    const auto empty = nlohmann::json::object();
    const auto& secrets = doc.contains("secrets") ? doc["secrets"] : empty;
    take(secrets, "dir", c.secrets_dir);
    take(secrets, "env_prefix", c.secrets_env_prefix);
    take(doc, "city_time_zone", c.city_time_zone);
    const auto& crm = doc.contains("crm") ? doc["crm"] : empty;
    take(crm, "event_type_prefix", c.event_type_prefix);
    take(crm, "event_source", c.event_source);
    take(crm, "endpoint", c.crm_endpoint);
    take(crm, "profile", c.crm_profile);
    take(crm, "signing_secret", c.crm_signing_secret);
    read_connections(doc, base, c);
    const auto& delivery = doc.contains("delivery") ? doc["delivery"] : empty;
    take(delivery, "concurrency", c.delivery_concurrency);
    take(delivery, "timeout_ms", c.delivery_timeout_ms);
    take(delivery, "backoff_s", c.delivery_backoff_s);
    take(delivery, "dead_letter_after_s", c.delivery_dead_letter_after_s);
    take(delivery, "poll_interval_ms", c.delivery_poll_interval_ms);
    take(delivery, "max_pause_s", c.delivery_max_pause_s);
    const auto& watchdog = doc.contains("watchdog") ? doc["watchdog"] : empty;
    take(watchdog, "enabled", c.watchdog_enabled);
    take(watchdog, "interval_s", c.watchdog_interval_s);
    take(watchdog, "grace_s", c.watchdog_grace_s);
    take(watchdog, "lookback_days", c.watchdog_lookback_days);
}

void read_assignment(const nlohmann::json& doc, GatewayConfig& c) {
    if (doc.contains("assignment") && doc["assignment"].contains("rules")) {
        for (const auto& r : doc["assignment"]["rules"]) {
            AssignmentRule rule;
            rule.service_type = r.at("service_type").get<std::string>();
            rule.vendor = r.at("vendor").get<std::string>();
            take(r, "postal_codes", rule.postal_codes);
            take(r, "weekdays", rule.weekdays);
            if (r.contains("polygon")) {
                for (const auto& vertex : r["polygon"])
                    rule.polygon.push_back({vertex[0].get<double>(), vertex[1].get<double>()});
            }
            c.assignment_rules.push_back(std::move(rule));
        }
    }
}

MqttConfig read_mqtt(const nlohmann::json& m, const fs::path& base, const fs::path& data_root) {
    MqttConfig mq;
    take(m, "uri", mq.uri);
    take(m, "client_id", mq.client_id);
    take(m, "username", mq.username);
    take(m, "password_secret", mq.password_secret);
    if (m.contains("tls")) {
        take(m["tls"], "ca_file", mq.ca_file);
        take(m["tls"], "cert_file", mq.cert_file);
        take(m["tls"], "key_file", mq.key_file);
    }
    take(m, "subscriptions", mq.subscriptions);
    take(m, "shared_group", mq.shared_group);
    take(m, "session_expiry_s", mq.session_expiry_s);
    take(m, "persistence_dir", mq.persistence_dir);
    take(m, "keep_alive_s", mq.keep_alive_s);
    take(m, "reconnect_min_ms", mq.reconnect_min_ms);
    take(m, "reconnect_max_ms", mq.reconnect_max_ms);
    take(m, "position_flush_ms", mq.position_flush_ms);
    take(m, "position_flush_rows", mq.position_flush_rows);
    take(m, "position_history_days", mq.position_history_days);
    take(m, "prune_interval_s", mq.prune_interval_s);
    take(m, "en_route_radius_m", mq.en_route_radius_m);
    take(m, "on_site_radius_m", mq.on_site_radius_m);
    take(m, "dispatch_interval_s", mq.dispatch_interval_s);
    std::string topics_schema;
    take(m, "topics_schema", topics_schema);
    mq.topics_schema = topics_schema.empty() ? resolve(data_root, "gateway/mqtt/mqtt.schema.json")
                                             : resolve(base, topics_schema);
    mq.ca_file = resolve(base, mq.ca_file);
    mq.cert_file = resolve(base, mq.cert_file);
    mq.key_file = resolve(base, mq.key_file);
    return mq;
}

// log.*, vendor_reload.*, vendor_rate_limit and poll.*.
void read_operations(const nlohmann::json& doc, GatewayConfig& c) {
    const auto empty = nlohmann::json::object();
    if (doc.contains("log")) take(doc["log"], "level", c.log_level);
    const auto& vendor_reload = doc.contains("vendor_reload") ? doc["vendor_reload"] : empty;
    take(vendor_reload, "watch", c.vendor_reload_watch);
    take(vendor_reload, "debounce_ms", c.vendor_reload_debounce_ms);
    if (doc.contains("vendor_rate_limit")) {
        const auto& r = doc["vendor_rate_limit"];
        c.vendor_rate_limit =
            RateLimit{r.at("requests_per_second").get<double>(), r.at("burst").get<int>()};
    }
    const auto& poll = doc.contains("poll") ? doc["poll"] : empty;
    take(poll, "enabled", c.poll_enabled);
}

// The environment overrides the file, for containers and the test rigs.
void apply_environment(GatewayConfig& c) {
    if (const char* v = std::getenv("FIELDGATE_LISTEN_PORT"); v && *v)
        c.listen_port = static_cast<std::uint16_t>(std::stoi(v));
    if (const char* v = std::getenv("FIELDGATE_STORE_PATH"); v && *v) c.store_path = v;
    if (const char* v = std::getenv("FIELDGATE_STORE_URL"); v && *v) c.store_url = v;
    if (const char* v = std::getenv("FIELDGATE_LOG_LEVEL"); v && *v) c.log_level = v;
    // Several gateways from one config file each need their own MQTT session.
    if (const char* v = std::getenv("FIELDGATE_MQTT_CLIENT_ID"); v && *v && c.mqtt) {
        if (std::strlen(v) > 64)
            throw std::runtime_error("FIELDGATE_MQTT_CLIENT_ID: at most 64 characters");
        c.mqtt->client_id = v;
    }
}

// Relative paths are the config file's; checks that span fields the schema cannot state.
void resolve_and_check(const std::string& path, const fs::path& base, GatewayConfig& c) {
    c.store_path = resolve(base, c.store_path);
    c.secrets_dir = resolve(base, c.secrets_dir);
    c.port_file = resolve(base, c.port_file);
    if (c.mqtt) {
        c.mqtt->persistence_dir = c.mqtt->persistence_dir.empty()
                                      ? c.store_path + ".mqtt"
                                      : resolve(base, c.mqtt->persistence_dir);
        if (c.mqtt->on_site_radius_m > c.mqtt->en_route_radius_m)
            throw std::runtime_error(path +
                                     "#/mqtt/on_site_radius_m: must not exceed en_route_radius_m");
        for (std::size_t i = 0; i < c.mqtt->subscriptions.size(); ++i) {
            if (!c.mqtt->shared_group.empty() && c.mqtt->subscriptions[i].rfind("$share/", 0) == 0)
                throw std::runtime_error(
                    path + "#/mqtt/subscriptions/" + std::to_string(i) +
                    ": already a shared subscription; with mqtt.shared_group set, list the plain "
                    "filter (the gateway adds $share/<group>/)");
        }
    }
}

}  // namespace

GatewayConfig load_config(const std::string& path) {
    const auto doc = read_json_file(path);
    static const JsonSchema schema =
        JsonSchema::from_json(nlohmann::json::parse(kGatewayConfigSchema));
    if (const auto violations = schema.validate(doc); !violations.empty()) {
        throw std::runtime_error(path + "#" + violations.front().pointer + ": " +
                                 violations.front().detail);
    }
    GatewayConfig c;
    c.config_path = path;
    const fs::path base = fs::absolute(path).parent_path();
    const fs::path data_root = FIELDGATE_DATA_DIR;  // the defaults ship with the source tree
    read_listen_and_store(doc, base, c);
    read_paths(doc, base, data_root, c);
    read_crm_and_delivery(doc, base, c);
    read_assignment(doc, c);
    if (doc.contains("mqtt")) c.mqtt = read_mqtt(doc["mqtt"], base, data_root);
    read_operations(doc, c);
    apply_environment(c);
    resolve_and_check(path, base, c);
    return c;
}

GatewayConfig config_or_shipped(const std::string& config_path) {
    if (!config_path.empty()) return load_config(config_path);
    GatewayConfig c;
    const std::filesystem::path root = FIELDGATE_DATA_DIR;
    c.vendor_schemas_dir = (root / c.vendor_schemas_dir).string();
    c.catalog_path = (root / c.catalog_path).string();
    c.catalog_schema_path = (root / c.catalog_schema_path).string();
    c.mapping_schema_path = (root / c.mapping_schema_path).string();
    c.secrets_dir.clear();
    return c;
}

}  // namespace fieldgate
