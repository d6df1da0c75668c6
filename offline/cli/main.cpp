// fieldgate-crew: every tablet library operation from the command line, for a crew lead or a
// test: register, pull, list, record, sync, status. The tablet database is --db.
#include <CLI/CLI.hpp>

#include <iostream>

#include <nlohmann/json.hpp>

#include "fieldgate/offline.h"

namespace {

using namespace fieldgate::offline;

GatewayAddress parse_gateway(const std::string& text) {
    GatewayAddress g;
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) throw InvalidArgument("--gateway is host:port");
    g.host = text.substr(0, colon);
    g.port = static_cast<std::uint16_t>(std::stoi(text.substr(colon + 1)));
    return g;
}

// Every option's value, filled in by the parser.
struct Options {
    std::string db_path = "tablet.db";
    std::string gateway, device_id, token;
    int days = 7;
    bool as_json = false;
    ActionInput action;
    std::optional<double> lat, lon;
    SyncOptions sync_options;
};

struct Commands {
    CLI::App* reg = nullptr;
    CLI::App* pull = nullptr;
    CLI::App* list = nullptr;
    CLI::App* record = nullptr;
    CLI::App* sync = nullptr;
    CLI::App* status = nullptr;
    CLI::App* outbox = nullptr;
};

// record arrived|completed|partial|not-collected|note|photo: each sets the action's type.
CLI::App* add_record_commands(CLI::App& app, Options& o) {
    auto* record = app.add_subcommand("record", "record a crew action in the outbox");
    record->require_subcommand(1);
    auto add_common = [&o](CLI::App* sub, bool reason) {
        sub->add_option("--order", o.action.work_order_id, "work order id")->required();
        sub->add_option("--detail", o.action.detail, "free text");
        sub->add_option("--lat", o.lat, "GPS latitude");
        sub->add_option("--lon", o.lon, "GPS longitude");
        sub->add_option("--photo", o.action.photo_paths, "photo file (repeatable)");
        if (reason) sub->add_option("--reason", o.action.reason, "catalog reason code")->required();
    };
    struct Kind {
        const char* name;
        const char* type;
        bool reason;
        const char* help;
    };
    const Kind kinds[] = {{"arrived", "arrived", false, "the crew is on site"},
                          {"completed", "completed", false, "collected everything"},
                          {"partial", "partial", true, "collected part (reason required)"},
                          {"not-collected", "not_collected", true, "collected nothing (reason)"},
                          {"note", "note", false, "a note on the order (--detail)"},
                          {"photo", "note", false, "photos of the order (--photo)"}};
    for (const auto& k : kinds) {
        auto* sub = record->add_subcommand(k.name, k.help);
        add_common(sub, k.reason);
        sub->callback([&action = o.action, k] { action.type = k.type; });
    }
    return record;
}

Commands add_commands(CLI::App& app, Options& o) {
    app.require_subcommand(1);
    app.add_option("--db", o.db_path, "the tablet database file")->capture_default_str();
    Commands c;
    c.reg = app.add_subcommand("register", "enroll this tablet with a token staff issued");
    c.reg->add_option("--gateway", o.gateway, "host:port of the gateway")->required();
    c.reg->add_option("--device", o.device_id, "device id")->required();
    c.reg->add_option("--token", o.token, "one-time enrollment token")->required();

    c.pull = app.add_subcommand("pull", "download the crew's assignments and the catalog");
    c.pull->add_option("--days", o.days, "days ahead")->capture_default_str();

    c.list = app.add_subcommand("list", "the assignments on this tablet");
    c.list->add_flag("--json", o.as_json, "JSON output");

    c.record = add_record_commands(app, o);

    c.sync = app.add_subcommand("sync", "push the outbox, upload photos, pull changes");
    c.sync->add_option("--batch", o.sync_options.batch_size, "actions per push")
        ->capture_default_str();
    c.status = app.add_subcommand("status", "what is on this tablet and what is pending");
    c.outbox = app.add_subcommand("outbox", "the outbox with each action's verdict");
    return c;
}

void print_assignments(Tablet& tablet, bool as_json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& a : tablet.assignments()) {
        if (as_json) {
            out.push_back({{"work_order_id", a.work_order_id},
                           {"crm_case_id", a.crm_case_id},
                           {"address", a.address},
                           {"scheduled_date", a.scheduled_date},
                           {"window", a.window_start + "-" + a.window_end},
                           {"status", a.status},
                           {"instructions", a.instructions},
                           {"items", nlohmann::json::parse(a.items_json)}});
        } else {
            std::cout << a.work_order_id << "  " << a.scheduled_date << "  " << a.status << "  "
                      << a.crm_case_id << "  " << a.address << "\n";
        }
    }
    if (as_json) std::cout << out.dump(2) << "\n";
}

// 0 when the sync completed, 3 when it stopped part way.
int print_sync(const SyncReport& r) {
    std::cout << "settled " << r.settled << " (accepted " << r.accepted << ", duplicate "
              << r.duplicate << ", late " << r.late << ", conflict " << r.conflict << ", cancelled "
              << r.cancelled << ", rejected " << r.rejected << ", noted " << r.noted << "), photos "
              << r.photos_uploaded << ", changes " << r.changes_applied << "\n";
    if (!r.complete) {
        std::cerr << "sync incomplete: " << r.error << "\n";
        return 3;
    }
    return 0;
}

void print_status(const Status& s) {
    std::cout << nlohmann::json{{"device_id", s.device_id},
                                {"crew", s.crew},
                                {"gateway", s.gateway},
                                {"assignments", s.assignments},
                                {"pending_actions", s.pending_actions},
                                {"settled_actions", s.settled_actions},
                                {"pending_photos", s.pending_photos},
                                {"cursor", s.cursor},
                                {"next_seq", s.next_seq},
                                {"last_sync_at", s.last_sync_at}}
                     .dump(2)
              << "\n";
}

void print_outbox(Tablet& tablet) {
    for (const auto& e : tablet.outbox())
        std::cout << e.seq << "  " << e.action_id << "  " << e.type << "  " << e.work_order_id
                  << "  " << e.state << "  " << e.verdict << "\n";
}

// The chosen command on the tablet at --db; the process's exit code.
int run(const Commands& c, Options& o) {
    Tablet tablet(o.db_path);
    if (*c.reg) {
        tablet.enroll(parse_gateway(o.gateway), o.device_id, o.token);
        std::cout << "registered " << o.device_id << "\n";
    } else if (*c.pull) {
        std::cout << tablet.pull(o.days) << " assignments\n";
    } else if (*c.list) {
        print_assignments(tablet, o.as_json);
    } else if (*c.record) {
        o.action.lat = o.lat;
        o.action.lon = o.lon;
        const auto r = tablet.record(o.action);
        std::cout << r.action_id << " seq " << r.seq << "\n";
    } else if (*c.sync) {
        return print_sync(tablet.sync(o.sync_options));
    } else if (*c.status) {
        print_status(tablet.status());
    } else if (*c.outbox) {
        print_outbox(tablet);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"fieldgate-crew: the crew tablet library from the command line"};
    Options options;
    const Commands commands = add_commands(app, options);
    CLI11_PARSE(app, argc, argv);
    try {
        return run(commands, options);
    } catch (const InvalidArgument& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
