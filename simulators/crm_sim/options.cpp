#include "options.h"

#include <iostream>
#include <stdexcept>

#include <CLI/CLI.hpp>

namespace fieldgate::crm_sim {

std::optional<int> parse_options(int argc, char** argv, Options& o) {
    CLI::App app{
        "fieldgate-crm-sim: plays the city's 311 CRM receiving events from the gateway. Checks "
        "Standard Webhooks signatures, stores CloudEvents and Open311 updates, counts "
        "duplicates and out-of-order events, and fails on purpose (down, slow, 500, 429, 410, "
        "400) on command or on a schedule."};
    app.add_option("--address", o.address, "listen address")->capture_default_str();
    app.add_option("--port", o.port, "events port (0 = any free port)")->capture_default_str();
    app.add_option("--port-file", o.port_file, "write the bound events port here (atomically)");
    app.add_option("--control-port", o.control_port,
                   "also serve the control routes here; this port never goes down (0 = any "
                   "free port)");
    app.add_option("--control-port-file", o.control_port_file,
                   "write the bound control port here (atomically)");
    app.add_option("--secret-file", o.secret_file,
                   "one whsec_<base64> per line; an event verifies against any of them")
        ->required()
        ->check(CLI::ExistingFile);
    app.add_option("--tolerance-s", o.tolerance_s,
                   "accepted distance of webhook-timestamp from now, seconds")
        ->check(CLI::Range(0, 366 * 86400))
        ->capture_default_str();
    app.add_option("--schedule", o.schedule_text,
                   "fault phases in order, then ok: "
                   "\"30s:ok,60s:error500,30s:throttle429:retry_after=5,20s:down\"");
    app.add_option("--duration", o.duration_s, "seconds to run (0 = until SIGINT/SIGTERM)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    app.add_flag("--tally", o.tally, "one live line a second on stderr");
    app.add_option("--events-out", o.events_out, "write every stored event here as JSON lines");
    auto* cert = app.add_option("--tls-cert", o.tls_cert,
                                "PEM certificate (then its chain): the events port serves HTTPS")
                     ->check(CLI::ExistingFile);
    auto* key = app.add_option("--tls-key", o.tls_key, "PEM private key of --tls-cert")
                    ->check(CLI::ExistingFile);
    cert->needs(key);
    key->needs(cert);
    auto* id = app.add_option("--oauth-client-id", o.oauth_client_id,
                              "OAuth 2.0 on: the one client allowed POST /oauth2/token; events "
                              "then need its bearer token");
    auto* secret = app.add_option("--oauth-client-secret-file", o.oauth_client_secret_file,
                                  "the file holding that client's secret (one line)")
                       ->check(CLI::ExistingFile);
    id->needs(secret);
    secret->needs(id);
    app.add_option("--oauth-token-ttl", o.oauth_token_ttl_s, "seconds a token is valid")
        ->check(CLI::Range(1, 86400))
        ->needs(id)
        ->capture_default_str();
    app.add_option("--oauth-scope", o.oauth_scope,
                   "token requests must ask for exactly this scope (default: any)")
        ->needs(id);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    if (!o.control_port_file.empty() && !o.control_port) {
        std::cerr << "--control-port-file needs --control-port\n";
        return 2;
    }
    try {
        o.schedule = parse_schedule(o.schedule_text);
    } catch (const std::invalid_argument& e) {
        std::cerr << "--schedule: " << e.what() << "\n";
        return 2;
    }
    return std::nullopt;
}

}  // namespace fieldgate::crm_sim
