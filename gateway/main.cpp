// fieldgate: the gateway daemon and its operator commands.
#include <csignal>
#include <iostream>
#include <thread>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "app.h"
#include "cli/vendor_command.h"
#include "config.h"
#include "dead_letters_command.h"
#include "summary.h"

namespace {

int serve(const std::string& config_path) {
    // Signals are taken by one thread with sigwait, never inside a handler.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGHUP);  // reload the vendor folders
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    auto config = fieldgate::load_config(config_path);
    spdlog::set_level(spdlog::level::from_str(config.log_level));
    fieldgate::Gateway gateway(std::move(config));
    gateway.start();
    std::thread waiter([&gateway, signals] {
        int received = 0;
        while (sigwait(&signals, &received) == 0 && received == SIGHUP)
            gateway.reload_vendors("SIGHUP");
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

    CLI11_PARSE(app, argc, argv);
    try {
        if (*serve_cmd) return serve(config_path);
        if (*vendor_check) return fieldgate::vendor_check(vendor_args, std::cout);
        if (*vendor_try) return fieldgate::vendor_try(vendor_args, std::cout);
        if (*dead_list) return fieldgate::list_dead_letters(dead, std::cout);
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
