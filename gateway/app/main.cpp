// fieldgate: the gateway daemon and its operator commands.
#include <csignal>
#include <deque>
#include <functional>
#include <iostream>
#include <memory>
#include <thread>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "app.h"
#include "cli/catalog_command.h"
#include "cli/vendor_command.h"
#include "config.h"
#include "console_command.h"
#include "dead_letters_command.h"
#include "quarantine_command.h"
#include "report_command.h"
#include "store_command.h"
#include "store_config.h"
#include "summary.h"
#include "tool_session.h"

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

// A leaf subcommand and what running it does; the options it reads live in the action.
struct Command {
    CLI::App* app;
    std::function<int()> run;
};
using Commands = std::deque<Command>;

void add(Commands& commands, CLI::App* app, std::function<int()> run) {
    commands.push_back({app, std::move(run)});
}

CLI::Option* add_config(CLI::App* c, std::string& into, const char* what = "gateway.json") {
    return c->add_option("--config", into, what)->check(CLI::ExistingFile);
}

void add_serve_and_stats(CLI::App& app, Commands& commands) {
    auto config_path = std::make_shared<std::string>();
    auto* serve_cmd = app.add_subcommand("serve", "run the gateway");
    add_config(serve_cmd, *config_path)->required();
    add(commands, serve_cmd, [config_path] { return serve(*config_path); });

    struct StatsArgs {
        std::string config;
        bool json = false;
    };
    auto args = std::make_shared<StatsArgs>();
    auto* stats_cmd = app.add_subcommand(
        "stats", "count what the store holds: work orders, outcomes by code, quarantine");
    add_config(stats_cmd, args->config)->required();
    stats_cmd->add_flag("--json", args->json, "print JSON instead of a table");
    add(commands, stats_cmd, [args] {
        const auto config = fieldgate::load_config(args->config);
        fieldgate::store::ToolSession session(fieldgate::store_settings(config), true);
        const auto summary = session.summary();
        std::cout << (args->json ? summary.dump(2) + "\n"
                                 : fieldgate::store::format_summary(summary));
        return 0;
    });
}

void add_dead_letters(CLI::App& app, Commands& commands) {
    auto dead = std::make_shared<fieldgate::DeadLetterArgs>();
    auto* dead_cmd = app.add_subcommand(
        "dead-letters", "events the CRM or a vendor refused for good: list them, replay them");
    dead_cmd->require_subcommand(1);
    auto* dead_list = dead_cmd->add_subcommand("list", "list dead letters (JSON lines)");
    auto* dead_replay = dead_cmd->add_subcommand(
        "replay", "put dead letters back in line; the running gateway sends them within a second");
    for (auto* c : {dead_list, dead_replay}) {
        add_config(c, dead->config_path)->required();
        c->add_option("--destination", dead->destination, "crm or vendor:<id>");
    }
    dead_list->add_option("--limit", dead->limit, "at most this many")
        ->check(CLI::Range(1, 100000));
    auto* ids = dead_replay->add_option("--id", dead->ids, "dead letter id (repeatable)");
    auto* all = dead_replay->add_flag("--all", dead->all, "every dead letter (of --destination)");
    ids->excludes(all);
    struct Discard {
        std::int64_t id = 0;
        std::string reason;
    };
    auto discard = std::make_shared<Discard>();
    auto* dead_discard = dead_cmd->add_subcommand(
        "discard", "give up a dead letter for good, saying why (the row is kept)");
    add_config(dead_discard, dead->config_path)->required();
    dead_discard->add_option("--id", discard->id, "dead letter id")->required();
    dead_discard->add_option("--reason", discard->reason, "why")->required();

    add(commands, dead_list, [dead] { return fieldgate::list_dead_letters(*dead, std::cout); });
    add(commands, dead_replay, [dead] {
        if (dead->ids.empty() && !dead->all) {
            std::cerr << "dead-letters replay: give --id N (repeatable) or --all\n";
            return 2;
        }
        return fieldgate::replay_dead_letters(*dead, std::cout);
    });
    add(commands, dead_discard, [dead, discard] {
        return fieldgate::dead_letter_discard(dead->config_path, discard->id, discard->reason,
                                              std::cout, std::cerr);
    });
}

// vendor check|try: what integration staff run before a folder goes live.
void add_vendor(CLI::App& app, Commands& commands) {
    auto args = std::make_shared<fieldgate::VendorCommandArgs>();
    auto* vendor_cmd =
        app.add_subcommand("vendor", "check a vendor folder, try a payload (docs/onboarding.md)");
    vendor_cmd->require_subcommand(1);
    auto* vendor_check = vendor_cmd->add_subcommand(
        "check", "validate a vendor folder, run its samples, list unmapped vendor codes");
    vendor_check->add_option("folder", args->folder, "vendor_schemas/<vendor>")->required();
    auto* vendor_try = vendor_cmd->add_subcommand("try", "show what one payload becomes");
    vendor_try->add_option("vendor", args->vendor, "vendor id or folder")->required();
    vendor_try->add_option("payload", args->payload, "payload file")->required();
    vendor_try->add_flag("--json", args->json, "print only the normalized JSON");
    vendor_try->add_flag("--write-expected", args->write_expected,
                         "write expected.json (or expected.err) beside the payload");
    for (auto* c : {vendor_check, vendor_try})
        add_config(c, args->config_path, "gateway.json: its catalog, vendor_schemas and secrets");
    add(commands, vendor_check, [args] { return fieldgate::vendor_check(*args, std::cout); });
    add(commands, vendor_try, [args] { return fieldgate::vendor_try(*args, std::cout); });
}

void add_quarantine(CLI::App& app, Commands& commands) {
    auto q = std::make_shared<fieldgate::QuarantineArgs>();
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
        add_config(c, q->config_path)->required();
        c->add_option("--gateway", q->gateway,
                      "host:port of the gateway (default: from the config)");
    }
    for (auto* c : {q_list, q_replay}) {
        c->add_option("--vendor", q->vendor, "vendor id");
        c->add_option("--from", q->from, "received at or after (RFC 3339)");
        c->add_option("--to", q->to, "received before (RFC 3339)");
        c->add_option("--limit", q->limit, "at most this many")->check(CLI::Range(1, 100000));
    }
    q_list->add_option("--state", q->state, "open | replayed | discarded");
    q_list->add_option("--problem", q->problem, "problem type, e.g. unmapped-code");
    q_show->add_option("--id", q->ids, "entry id (repeatable)")->required();
    auto* q_replay_ids = q_replay->add_option("--id", q->ids, "entry id (repeatable)");
    auto* q_replay_all =
        q_replay->add_flag("--all", q->all, "every open entry matching the filters");
    q_replay_ids->excludes(q_replay_all);
    q_discard->add_option("--id", q->ids, "entry id (repeatable)")->required();
    q_discard->add_option("--reason", q->reason, "why (kept with the entry)")->required();

    add(commands, q_list, [q] { return fieldgate::quarantine_list(*q, std::cout, std::cerr); });
    add(commands, q_show, [q] { return fieldgate::quarantine_show(*q, std::cout, std::cerr); });
    add(commands, q_discard,
        [q] { return fieldgate::quarantine_discard(*q, std::cout, std::cerr); });
    add(commands, q_replay, [q] {
        if (q->ids.empty() && !q->all && q->vendor.empty()) {
            std::cerr << "quarantine replay: give --id N (repeatable), --vendor V or --all\n";
            return 2;
        }
        return fieldgate::quarantine_replay(*q, std::cout, std::cerr);
    });
}

void add_catalog_and_report(CLI::App& app, Commands& commands) {
    auto catalog_config = std::make_shared<std::string>();
    auto* catalog_cmd = app.add_subcommand("catalog", "the standard code catalog");
    catalog_cmd->require_subcommand(1);
    auto* catalog_md = catalog_cmd->add_subcommand(
        "markdown", "every outcome x reason with the resident's message (docs/standard-codes.md)");
    add_config(catalog_md, *catalog_config, "gateway.json: its catalog");
    add(commands, catalog_md, [catalog_config] {
        return fieldgate::catalog_markdown_command(*catalog_config, std::cout, std::cerr);
    });

    auto report = std::make_shared<fieldgate::ReportArgs>();
    auto* report_cmd = app.add_subcommand(
        "report", "per vendor and period: attempts, completion, reasons, evidence, service level");
    report_cmd->add_option("name", report->name, "vendors | reasons")
        ->required()
        ->check(CLI::IsMember({"vendors", "reasons"}));
    add_config(report_cmd, report->config_path)->required();
    report_cmd->add_option("--from", report->from, "first scheduled date (YYYY-MM-DD)")->required();
    report_cmd->add_option("--to", report->to, "last scheduled date, inclusive")->required();
    report_cmd->add_option("--vendor", report->vendor, "one vendor");
    report_cmd->add_option("--format", report->format, "csv (default) or json")
        ->check(CLI::IsMember({"csv", "json"}));
    add(commands, report_cmd,
        [report] { return fieldgate::run_report(*report, std::cout, std::cerr); });
}

void add_store(CLI::App& app, Commands& commands) {
    auto args = std::make_shared<fieldgate::StoreCopyArgs>();
    auto* store_cmd = app.add_subcommand("store", "the store itself: move it to PostgreSQL");
    store_cmd->require_subcommand(1);
    auto* copy_cmd = store_cmd->add_subcommand(
        "copy",
        "copy a SQLite store into an empty PostgreSQL database, ids and history as they are, all "
        "or nothing. Stop the gateway first: rows it writes during the copy are not copied");
    copy_cmd->add_option("--from", args->from, "the SQLite store file (store.path)")->required();
    copy_cmd->add_option("--to", args->to, "postgresql://user@host:port/database")->required();
    copy_cmd->add_option("--password-file", args->password_file,
                         "file whose first line is the password (else FIELDGATE_STORE_PASSWORD)");
    add(commands, copy_cmd, [args] { return fieldgate::store_copy(*args, std::cout, std::cerr); });
}

void add_console(CLI::App& app, Commands& commands) {
    auto args = std::make_shared<fieldgate::ConsoleUserArgs>();
    auto* console_cmd = app.add_subcommand("console", "the staff console's accounts");
    console_cmd->require_subcommand(1);
    auto* user_cmd = console_cmd->add_subcommand(
        "user", "add an account, or replace its role and password (password on stdin)");
    user_cmd->add_option("--users-file", args->users_file, "console.users_file")->required();
    user_cmd->add_option("--name", args->name, "the account's name")->required();
    user_cmd->add_option("--role", args->role, "viewer (reads) or operator (also changes)");
    add(commands, user_cmd,
        [args] { return fieldgate::console_user_command(*args, std::cin, std::cout, std::cerr); });
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"fieldgate: field-operations and vendor integration gateway for 311 services"};
    app.require_subcommand(1);
    Commands commands;
    add_serve_and_stats(app, commands);
    add_dead_letters(app, commands);
    add_vendor(app, commands);
    add_quarantine(app, commands);
    add_catalog_and_report(app, commands);
    add_store(app, commands);
    add_console(app, commands);
    CLI11_PARSE(app, argc, argv);
    try {
        for (const auto& command : commands)
            if (*command.app) return command.run();
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
        return 1;
    }
    return 0;
}
