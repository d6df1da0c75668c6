// gateway.json bound to typed structs. Structure lives in the file, environment overrides a
// few deployment keys, secrets come from files or the environment (secrets.h) and never here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rate_limit.h"
#include "vendor_spec.h"

namespace fieldgate {

// A vertex of an assignment zone, in GeoJSON order.
struct GeoPoint {
    double lon = 0;
    double lat = 0;
};

// One rule of `assignment.rules`: the first rule whose every condition holds names the vendor.
// An empty list is no condition.
struct AssignmentRule {
    std::string service_type;  // "*" matches every type
    std::string vendor;
    std::vector<std::string> postal_codes;  // 5-digit ZIP codes
    std::vector<GeoPoint> polygon;          // the zone; the order's location must lie inside
    std::vector<std::string> weekdays;      // mon..sun: the weekday of scheduled_date
};

// `mqtt`: trucks and devices (gateway/mqtt/). Absent = no MQTT client at all.
struct MqttConfig {
    std::string uri = "tcp://127.0.0.1:1883";  // tcp:// or ssl://
    // Fixed: the broker keeps the session under it. Each gateway on one broker needs its own
    // (FIELDGATE_MQTT_CLIENT_ID overrides it).
    std::string client_id = "fieldgate";
    std::string username;
    std::string password_secret;  // secret name (SecretStore), never the password itself
    std::string ca_file;          // TLS: trust store, client certificate and key (files)
    std::string cert_file;
    std::string key_file;
    std::vector<std::string> subscriptions = {"fleet/#"};
    // Non-empty: every filter is subscribed as $share/<shared_group>/<filter>, so the gateways of
    // one group (one per client id) each get a share of the messages instead of all of them.
    std::string shared_group;
    // MQTT 5 session expiry: how long the broker keeps the session (subscriptions and QoS 1
    // messages queued for it) after a disconnect. 0: the session ends at disconnect.
    std::uint32_t session_expiry_s = 7 * 24 * 3600;
    std::string persistence_dir;  // Paho's client store; default: <store path>.mqtt
    int keep_alive_s = 30;
    int reconnect_min_ms = 250;
    int reconnect_max_ms = 30000;
    int position_flush_ms = 250;     // history goes to the writer this often...
    int position_flush_rows = 2000;  // ...or when this many rows wait
    int position_history_days = 7;   // older positions are pruned
    int prune_interval_s = 3600;
    double en_route_radius_m = 1000;  // arrival detection around a stop's location
    double on_site_radius_m = 75;
    int dispatch_interval_s = 5;  // how often trucks' stops are compared with what was published
    std::string topics_schema;    // JSON Schema of vendor mqtt.json files
};

// What an outbound connection checks the other side's certificate against, and ours (mTLS).
struct OutboundTls {
    std::string ca_file;  // empty: the system trust store
    std::string cert_file;
    std::string key_file;
};

struct GatewayConfig {
    std::string config_path;  // the file this came from; relative paths below are resolved against
                              // its folder
    // listen
    std::string listen_address = "127.0.0.1";
    std::uint16_t listen_port = 8080;
    int http_threads = 1;
    std::string port_file;  // when set, the bound port is written here once listening
    int read_timeout_s = 30;
    int idle_timeout_s = 60;
    std::size_t max_body_bytes = 1 << 20;  // for routes that are not a vendor's
    std::size_t max_connections = 10000;
    std::size_t max_connections_per_client = 256;
    std::size_t max_requests_in_flight_per_client = 64;
    std::vector<std::string> trusted_proxies;
    // listen.tls: HTTPS on the listener when cert_file is set (README "TLS listener").
    std::string listen_tls_cert_file;
    std::string listen_tls_key_file;
    std::string listen_tls_client_ca_file;    // vendors' client certificates chain to these
    bool listen_allow_insecure_http = false;  // plain HTTP on a non-loopback address
    int failed_auth_burst = 20;               // refused credentials a client may have at once,
    double failed_auth_per_second = 0.2;      // then one more every 5 s
    int ingest_threads = 2;  // normalize vendor payloads off the I/O thread; 0 = on it
    // store
    std::string store_path = "fieldgate.db";
    // postgresql://user@host:port/db?sslmode=…: the PostgreSQL store instead of the SQLite file
    // (several gateways on one database). Its password is the secret `store_password_secret`.
    std::string store_url;
    std::string store_password_secret = "store/password";
    // How long a PostgreSQL statement waits for the server before its connection is dropped.
    int store_answer_timeout_s = 20;
    std::string synchronous = "FULL";
    int checkpoint_interval_ms = 5000;
    // data
    std::string vendor_schemas_dir = "vendor_schemas";
    std::string catalog_path = "gateway/catalog/standard-codes.json";
    std::string catalog_schema_path = "gateway/catalog/standard-codes.schema.json";
    std::string mapping_schema_path = "adapters/mapping.schema.json";
    std::string api_schemas_dir = "gateway/api";
    // secrets
    std::string secrets_dir = "secrets";
    std::string secrets_env_prefix = "FIELDGATE_SECRET_";
    // domain
    std::string city_time_zone = "America/Los_Angeles";
    std::string event_type_prefix = "gov.sanjose.workorder";
    std::string event_source = "urn:fieldgate";
    // CRM delivery: nothing is delivered while crm_endpoint is empty.
    std::string crm_endpoint;
    bool crm_allow_insecure_http = false;  // plain http:// to another machine
    OutboundTls crm_tls;
    std::string crm_bearer_secret;  // a static bearer key's secret name, for CRMs that use one
    std::optional<OAuth2Spec> crm_oauth2;  // vendor_spec.h: the vendors use the same block
    // Every outbound connection: nullopt = HTTPS_PROXY / NO_PROXY from the environment.
    std::optional<std::string> outbound_proxy;
    std::string outbound_no_proxy;
    std::string outbound_ca_file;  // every outbound connection; empty: the system trust store
    std::string crm_profile = "cloudevents";  // cloudevents | open311
    std::string crm_signing_secret = "crm/webhook-secret";
    int delivery_concurrency = 16;
    int delivery_timeout_ms = 10000;
    std::vector<int> delivery_backoff_s = {0, 5, 300, 1800, 7200, 18000, 36000, 36000};
    int delivery_dead_letter_after_s = 72 * 3600;
    int delivery_poll_interval_ms = 1000;
    int delivery_max_pause_s = 30;
    // watchdog
    bool watchdog_enabled = true;
    int watchdog_interval_s = 60;
    int watchdog_grace_s = 0;
    int watchdog_lookback_days = 14;
    std::vector<AssignmentRule> assignment_rules;
    // vendor folder hot reload (SIGHUP and POST /v1/admin/vendors/reload always work)
    bool vendor_reload_watch = false;  // inotify on vendor_schemas
    int vendor_reload_debounce_ms = 500;
    // the rate limit of a vendor whose mapping.json declares none (transport.rate_limit)
    RateLimit vendor_rate_limit{100, 500};
    // polled vendors (a `poll` block in their mapping.json)
    bool poll_enabled = true;
    std::string log_level = "info";
    std::optional<MqttConfig> mqtt;
    // the staff console (README "Staff console")
    std::string console_users_file;       // empty: nobody signs in; the admin token still works
    std::string console_dir = "console";  // its static files
    int console_session_hours = 12;
    // The session cookie is Secure over the gateway's own TLS; behind a proxy that ends TLS
    // (nginx, README "Behind a reverse proxy") this makes it Secure too.
    bool console_secure_cookie = false;
};

// Reads, validates (unknown keys are an error naming their JSON pointer) and resolves paths.
// Environment overrides: FIELDGATE_LISTEN_PORT, FIELDGATE_STORE_PATH, FIELDGATE_STORE_URL,
// FIELDGATE_LOG_LEVEL, FIELDGATE_MQTT_CLIENT_ID (only with an `mqtt` section).
GatewayConfig load_config(const std::string& path);
// The data files the gateway would use: from the config file when one is named, else the ones
// this build ships with (the catalog, vendor_schemas, the meta-schema) and no secrets. For the
// offline commands (vendor check/try, catalog markdown).
GatewayConfig config_or_shipped(const std::string& config_path);

}  // namespace fieldgate
