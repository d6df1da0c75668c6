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

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"fieldgate-crew: the crew tablet library from the command line"};
    app.require_subcommand(1);
    std::string db_path = "tablet.db";
    app.add_option("--db", db_path, "the tablet database file")->capture_default_str();

    std::string gateway, device_id, token;
    auto* reg = app.add_subcommand("register", "enroll this tablet with a token staff issued");
    reg->add_option("--gateway", gateway, "host:port of the gateway")->required();
    reg->add_option("--device", device_id, "device id")->required();
    reg->add_option("--token", token, "one-time enrollment token")->required();

    int days = 7;
    auto* pull = app.add_subcommand("pull", "download the crew's assignments and the catalog");
    pull->add_option("--days", days, "days ahead")->capture_default_str();

    auto* list = app.add_subcommand("list", "the assignments on this tablet");
    bool as_json = false;
    list->add_flag("--json", as_json, "JSON output");

    auto* record = app.add_subcommand("record", "record a crew action in the outbox");
    record->require_subcommand(1);
    ActionInput action;
    std::optional<double> lat, lon;
    auto add_common = [&](CLI::App* sub, bool reason) {
        sub->add_option("--order", action.work_order_id, "work order id")->required();
        sub->add_option("--detail", action.detail, "free text");
        sub->add_option("--lat", lat, "GPS latitude");
        sub->add_option("--lon", lon, "GPS longitude");
        sub->add_option("--photo", action.photo_paths, "photo file (repeatable)");
        if (reason) sub->add_option("--reason", action.reason, "catalog reason code")->required();
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
        sub->callback([&action, k] { action.type = k.type; });
    }

    SyncOptions sync_options;
    auto* sync = app.add_subcommand("sync", "push the outbox, upload photos, pull changes");
    sync->add_option("--batch", sync_options.batch_size, "actions per push")->capture_default_str();
    auto* status = app.add_subcommand("status", "what is on this tablet and what is pending");
    auto* outbox = app.add_subcommand("outbox", "the outbox with each action's verdict");

    CLI11_PARSE(app, argc, argv);
    try {
        Tablet tablet(db_path);
        if (*reg) {
            tablet.enroll(parse_gateway(gateway), device_id, token);
            std::cout << "registered " << device_id << "\n";
        } else if (*pull) {
            std::cout << tablet.pull(days) << " assignments\n";
        } else if (*list) {
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
                    std::cout << a.work_order_id << "  " << a.scheduled_date << "  " << a.status
                              << "  " << a.crm_case_id << "  " << a.address << "\n";
                }
            }
            if (as_json) std::cout << out.dump(2) << "\n";
        } else if (*record) {
            action.lat = lat;
            action.lon = lon;
            const auto r = tablet.record(action);
            std::cout << r.action_id << " seq " << r.seq << "\n";
        } else if (*sync) {
            const auto r = tablet.sync(sync_options);
            std::cout << "settled " << r.settled << " (accepted " << r.accepted << ", duplicate "
                      << r.duplicate << ", late " << r.late << ", conflict " << r.conflict
                      << ", cancelled " << r.cancelled << ", rejected " << r.rejected << ", noted "
                      << r.noted << "), photos " << r.photos_uploaded << ", changes "
                      << r.changes_applied << "\n";
            if (!r.complete) {
                std::cerr << "sync incomplete: " << r.error << "\n";
                return 3;
            }
        } else if (*status) {
            const auto s = tablet.status();
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
        } else if (*outbox) {
            for (const auto& e : tablet.outbox())
                std::cout << e.seq << "  " << e.action_id << "  " << e.type << "  "
                          << e.work_order_id << "  " << e.state << "  " << e.verdict << "\n";
        }
    } catch (const InvalidArgument& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
