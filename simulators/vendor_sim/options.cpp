#include "options.h"

#include <chrono>
#include <iostream>

#include <CLI/CLI.hpp>

#include "civil_time.h"

namespace fieldgate::sim {

namespace {

std::string base36(std::uint64_t v) {
    static constexpr char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    std::string out;
    do {
        out.insert(out.begin(), kDigits[v % 36]);
        v /= 36;
    } while (v);
    return out;
}

}  // namespace

std::optional<int> parse_options(int argc, char** argv, Options& o) {
    CLI::App app{
        "fieldgate-vendor-sim: creates work orders through the gateway's CRM API, then posts job "
        "results for Bay Hauling (JSON), Valley Disposal (SOAP) and Curbside Co-op (CSV) in each "
        "vendor's own format, and tallies the answers."};
    app.add_option("--gateway", o.gateway, "gateway address HOST:PORT")->capture_default_str();
    app.add_option(
           "--secrets-dir", o.secrets_dir,
           "folder of secret files: crm/api-token, bay-hauling/api-key, "
           "bay-hauling/hmac-secret (optional), valley-disposal/password, curbside-coop/api-key")
        ->capture_default_str();
    app.add_option("--orders", o.orders, "work orders per vendor")
        ->check(CLI::Range(1, 1000000))
        ->capture_default_str();
    app.add_option("--vendors", o.vendors, "vendors to simulate")
        ->delimiter(',')
        ->check(CLI::IsMember({"bay-hauling", "valley-disposal", "curbside-coop"}))
        ->capture_default_str();
    app.add_option("--rate", o.rate, "results per second overall (0 = as fast as possible)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    app.add_option("--bad-share", o.bad_share,
                   "chance that a good payload is preceded by a bad one")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    app.add_option("--retry-share", o.retry_share, "chance that a payload is re-sent identically")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    app.add_option("--seed", o.seed, "PRNG seed: the same seed gives the same plan")
        ->capture_default_str();
    app.add_option("--date", o.date, "scheduled date YYYY-MM-DD (default: today in San José)");
    app.add_option("--case-prefix", o.case_prefix,
                   "prefix of service request numbers and route ids (default: from seed and time)");
    app.add_option("--route-size", o.route_size, "stops per route")
        ->check(CLI::Range(1, 2000))
        ->capture_default_str();
    app.add_option("--timeout-ms", o.timeout_ms, "per-request timeout")
        ->check(CLI::Range(100, 600000))
        ->capture_default_str();
    app.add_option("--max-attempts", o.max_attempts,
                   "attempts per payload on 503 / Retry-After / transport errors")
        ->check(CLI::Range(1, 100))
        ->capture_default_str();
    app.add_option("--json", o.json_path, "write the tally as JSON to this file");
    app.add_flag("--quiet,-q", o.quiet, "no live line, only the final tally");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }

    const auto colon = o.gateway.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        std::cerr << "--gateway must be HOST:PORT, got '" << o.gateway << "'\n";
        return 2;
    }
    o.host = o.gateway.substr(0, colon);
    try {
        const int port = std::stoi(o.gateway.substr(colon + 1));
        if (port < 1 || port > 65535) throw std::out_of_range("port");
        o.port = static_cast<std::uint16_t>(port);
    } catch (const std::exception&) {
        std::cerr << "--gateway port must be 1..65535, got '" << o.gateway.substr(colon + 1)
                  << "'\n";
        return 2;
    }
    if (o.date.empty()) {
        o.date = iso_date(today_pacific());
    } else if (!parse_iso_date(o.date)) {
        std::cerr << "--date must be a real date YYYY-MM-DD, got '" << o.date << "'\n";
        return 2;
    }
    if (o.case_prefix.empty()) {
        const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        o.case_prefix =
            "SIM" + std::to_string(o.seed) + "-" + base36(static_cast<std::uint64_t>(now));
    }
    for (char c : o.case_prefix) {
        const bool ok =
            std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
        if (!ok || !std::isalnum(static_cast<unsigned char>(o.case_prefix.front()))) {
            std::cerr << "--case-prefix must match ^[A-Za-z0-9][A-Za-z0-9._-]*$, got '"
                      << o.case_prefix << "'\n";
            return 2;
        }
    }
    if (o.case_prefix.size() > 40) {
        std::cerr << "--case-prefix is limited to 40 characters\n";
        return 2;
    }
    // Keep the vendor order stable and without repeats whatever the command line said.
    std::vector<std::string> ordered;
    for (const char* v : {"bay-hauling", "valley-disposal", "curbside-coop"}) {
        for (const auto& given : o.vendors) {
            if (given == v) {
                ordered.emplace_back(v);
                break;
            }
        }
    }
    o.vendors = ordered;
    return std::nullopt;
}

}  // namespace fieldgate::sim
