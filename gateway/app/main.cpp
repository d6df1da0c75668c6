// fieldgate: the gateway daemon and its operator commands.
#include <csignal>
#include <iostream>
#include <thread>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "app.h"
#include "cli/catalog_command.h"
#include "cli/vendor_command.h"
#include "config.h"
#include "dead_letters_command.h"
#include "quarantine_command.h"
#include "report_command.h"
#include "summary.h"

namespace {

int serve(const std::string& config_path) {
    // Signals are taken by one thread with sigwait, never inside a handler.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGHUP);  // reload the vendor folders and the listener's certificate
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    auto config = fieldgate::load_config(config_path);
    spdlog::set_level(spdlog::level::from_str(config.log_level));
    fieldgate::Gateway gateway(std::move(config));
    gateway.start();
    std::thread waiter([&gateway, signals] {
        int received = 0;
        while (sigwait(&signals, &received) == 0 && received == SIGHUP) {
            gateway.reload_vendors("SIGHUP");
            gateway.reload_tls("SIGHUP");
        }
        spdlog::info("signal {}: stopping", received);
        gateway.stop();
    });
    gateway.run();
    // run() can also end without a signal (stop from elsewhere): wake the waiter.
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    spdlog::info("stopped");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"fieldgate: field-operations and vendor integration gateway for 311 services"};
    app.require_subcommand(1);

    std::string config_path;
    auto* serve_cmd = app.add_subcommand("serve", "run the gateway");
    serve_cmd->add_option("--config", config_path, "gateway.json")
        ->required()
        ->check(CLI::ExistingFile);

    std::string stats_config;
    bool stats_json = false;
    auto* stats_cmd = app.add_subcommand(
        "stats", "count what the store holds: work orders, outcomes by code, quarantine");
    stats_cmd->add_option("--config", stats_config, "gateway.json")
        ->required()
        ->check(CLI::ExistingFile);
    stats_cmd->add_flag("--json", stats_json, "print JSON instead of a table");

    fieldgate::DeadLetterArgs dead;
    auto* dead_cmd = app.add_subcommand(
        "dead-letters", "events the CRM or a vendor refused for good: list them, replay them");
    dead_cmd->require_subcommand(1);
    auto* dead_list = dead_cmd->add_subcommand("list", "list dead letters (JSON lines)");
    auto* dead_replay = dead_cmd->add_subcommand(
        "replay", "put dead letters back in line; the running gateway sends them within a second");
    for (auto* c : {dead_list, dead_replay}) {
        c->add_option("--config", dead.config_path, "gateway.json")
            ->required()
            ->check(CLI::ExistingFile);
        c->add_option("--destination", dead.destination, "crm or vendor:<id>");
    }
    dead_list->add_option("--limit", dead.limit, "at most this many")->check(CLI::Range(1, 100000));
    auto* ids = dead_replay->add_option("--id", dead.ids, "dead letter id (repeatable)");
    auto* all = dead_replay->add_flag("--all", dead.all, "every dead letter (of --destination)");
    ids->excludes(all);

    // vendor check|try: what integration staff run before a folder goes live.
    fieldgate::VendorCommandArgs vendor_args;
    auto* vendor_cmd =
        app.add_subcommand("vendor", "check a vendor folder, try a payload (docs/onboarding.md)");
    vendor_cmd->require_subcommand(1);
    auto* vendor_check = vendor_cmd->add_subcommand(
        "check", "validate a vendor folder, run its samples, list unmapped vendor codes");
    vendor_check->add_option("folder", vendor_args.folder, "vendor_schemas/<vendor>")->required();
    auto* vendor_try = vendor_cmd->add_subcommand("try", "show what one payload becomes");
    vendor_try->add_option("vendor", vendor_args.vendor, "vendor id or folder")->required();
    vendor_try->add_option("payload", vendor_args.payload, "payload file")->required();
    vendor_try->add_flag("--json", vendor_args.json, "print only the normalized JSON");
    vendor_try->add_flag("--write-expected", vendor_args.write_expected,
                         "write expected.json (or expected.err) beside the payload");
    for (auto* c : {vendor_check, vendor_try}) {
        c->add_option("--config", vendor_args.config_path,
                      "gateway.json: its catalog, vendor_schemas and secrets")
            ->check(CLI::ExistingFile);
    }
    std::int64_t dead_discard_id = 0;
    std::string dead_discard_reason;
    auto* dead_discard = dead_cmd->add_subcommand(
        "discard", "give up a dead letter for good, saying why (the row is kept)");
    dead_discard->add_option("--config", dead.config_path, "gateway.json")
        ->required()
        ->check(CLI::ExistingFile);
    dead_discard->add_option("--id", dead_discard_id, "dead letter id")->required();
    dead_discard->add_option("--reason", dead_discard_reason, "why")->required();

    fieldgate::QuarantineArgs quarantine;
    auto* quarantine_cmd = app.add_subcommand(
        "quarantine",
        "payloads the gateway refused and kept: list, show, replay after a mapping fix, discard "
        "(through the running gateway's staff API)");
    quarantine_cmd->require_subcommand(1);
    auto* q_list = quarantine_cmd->add_subcommand("list", "list entries (JSON lines)");
    auto* q_show = quarantine_cmd->add_subcommand("show", "the raw payload and the error");
    auto* q_replay = quarantine_cmd->add_subcommand(
        "replay", "re-run payloads through the current mapping (idempotent)");
    auto* q_discard =
        quarantine_cmd->add_subcommand("discard", "close entries for good, saying why");
    for (auto* c : {q_list, q_show, q_replay, q_discard}) {
        c->add_option("--config", quarantine.config_path, "gateway.json")
            ->required()
            ->check(CLI::ExistingFile);
        c->add_option("--gateway", quarantine.gateway,
                      "host:port of the gateway (default: from the config)");
    }
    for (auto* c : {q_list, q_replay}) {
        c->add_option("--vendor", quarantine.vendor, "vendor id");
        c->add_option("--from", quarantine.from, "received at or after (RFC 3339)");
        c->add_option("--to", quarantine.to, "received before (RFC 3339)");
        c->add_option("--limit", quarantine.limit, "at most this many")
            ->check(CLI::Range(1, 100000));
    }
    q_list->add_option("--state", quarantine.state, "open | replayed | discarded");
    q_show->add_option("--id", quarantine.ids, "entry id (repeatable)")->required();
    auto* q_replay_ids = q_replay->add_option("--id", quarantine.ids, "entry id (repeatable)");
    auto* q_replay_all =
        q_replay->add_flag("--all", quarantine.all, "every open entry matching the filters");
    q_replay_ids->excludes(q_replay_all);
    q_discard->add_option("--id", quarantine.ids, "entry id (repeatable)")->required();
    q_discard->add_option("--reason", quarantine.reason, "why (kept with the entry)")->required();

    std::string catalog_config;
    auto* catalog_cmd = app.add_subcommand("catalog", "the standard code catalog");
    catalog_cmd->require_subcommand(1);
    auto* catalog_md = catalog_cmd->add_subcommand(
        "markdown", "every outcome x reason with the resident's message (docs/standard-codes.md)");
    catalog_md->add_option("--config", catalog_config, "gateway.json: its catalog")
        ->check(CLI::ExistingFile);

    fieldgate::ReportArgs report;
    auto* report_cmd = app.add_subcommand(
        "report", "per vendor and period: attempts, completion, reasons, evidence, service level");
    report_cmd->add_option("name", report.name, "vendors | reasons")
        ->required()
        ->check(CLI::IsMember({"vendors", "reasons"}));
    report_cmd->add_option("--config", report.config_path, "gateway.json")
        ->required()
        ->check(CLI::ExistingFile);
    report_cmd->add_option("--from", report.from, "first scheduled date (YYYY-MM-DD)")->required();
    report_cmd->add_option("--to", report.to, "last scheduled date, inclusive")->required();
    report_cmd->add_option("--vendor", report.vendor, "one vendor");
    report_cmd->add_option("--format", report.format, "csv (default) or json")
        ->check(CLI::IsMember({"csv", "json"}));

    CLI11_PARSE(app, argc, argv);
    try {
        if (*serve_cmd) return serve(config_path);
        if (*vendor_check) return fieldgate::vendor_check(vendor_args, std::cout);
        if (*vendor_try) return fieldgate::vendor_try(vendor_args, std::cout);
        if (*dead_list) return fieldgate::list_dead_letters(dead, std::cout);
        if (*dead_discard)
            return fieldgate::dead_letter_discard(dead.config_path, dead_discard_id,
                                                  dead_discard_reason, std::cout, std::cerr);
        if (*catalog_md)
            return fieldgate::catalog_markdown_command(catalog_config, std::cout, std::cerr);
        if (*report_cmd) return fieldgate::run_report(report, std::cout, std::cerr);
        if (*q_list) return fieldgate::quarantine_list(quarantine, std::cout, std::cerr);
        if (*q_show) return fieldgate::quarantine_show(quarantine, std::cout, std::cerr);
        if (*q_discard) return fieldgate::quarantine_discard(quarantine, std::cout, std::cerr);
        if (*q_replay) {
            if (quarantine.ids.empty() && !quarantine.all && quarantine.vendor.empty()) {
                std::cerr << "quarantine replay: give --id N (repeatable), --vendor V or --all\n";
                return 2;
            }
            return fieldgate::quarantine_replay(quarantine, std::cout, std::cerr);
        }
        if (*dead_replay) {
            if (dead.ids.empty() && !dead.all) {
                std::cerr << "dead-letters replay: give --id N (repeatable) or --all\n";
                return 2;
            }
            return fieldgate::replay_dead_letters(dead, std::cout);
        }
        if (*stats_cmd) {
            const auto config = fieldgate::load_config(stats_config);
            const auto summary = fieldgate::store::summarize(config.store_path);
            std::cout << (stats_json ? summary.dump(2) + "\n"
                                     : fieldgate::store::format_summary(summary));
            return 0;
        }
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
        return 1;
    }
    return 0;
}
