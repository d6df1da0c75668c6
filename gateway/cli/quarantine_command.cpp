#include "quarantine_command.h"

#include <nlohmann/json.hpp>

#include "admin_client.h"
#include "config.h"
#include "store_config.h"
#include "time_util.h"
#include "tool_session.h"
#include "transaction.h"
#include "url_escape.h"

namespace fieldgate {

int quarantine_list(const QuarantineArgs& args, std::ostream& out, std::ostream& err) {
    cli::AdminClient client(args.config_path, args.gateway);
    std::string query;
    auto add = [&query](const char* name, const std::string& v) {
        if (!v.empty()) query += std::string("&") + name + "=" + url_escape(v);
    };
    add("vendor", args.vendor);
    add("from", args.from);
    add("to", args.to);
    add("state", args.state);
    add("problem", args.problem);
    int left = args.limit;
    std::string cursor;
    while (left > 0) {
        const int page = std::min(left, 500);
        auto r = client.get("/v1/admin/quarantine?limit=" + std::to_string(page) + query +
                            (cursor.empty() ? "" : "&cursor=" + cursor));
        if (r.status != 200) return cli::report_failure(r, err);
        const auto body = nlohmann::json::parse(r.body);
        for (const auto& item : body["items"]) {
            out << item.dump() << "\n";
            --left;
        }
        if (body["next_cursor"].is_null()) break;
        cursor = body["next_cursor"].get<std::string>();
    }
    return 0;
}

int quarantine_show(const QuarantineArgs& args, std::ostream& out, std::ostream& err) {
    cli::AdminClient client(args.config_path, args.gateway);
    for (const auto id : args.ids) {
        auto r = client.get("/v1/admin/quarantine/" + std::to_string(id));
        if (r.status != 200) return cli::report_failure(r, err);
        out << nlohmann::json::parse(r.body).dump(2) << "\n";
    }
    return 0;
}

int quarantine_replay(const QuarantineArgs& args, std::ostream& out, std::ostream& err) {
    cli::AdminClient client(args.config_path, args.gateway);
    nlohmann::json body;
    if (!args.ids.empty()) {
        body["ids"] = args.ids;
    } else {
        body["filter"] = nlohmann::json::object();
        if (!args.vendor.empty()) body["filter"]["vendor"] = args.vendor;
        if (!args.from.empty()) body["filter"]["from"] = args.from;
        if (!args.to.empty()) body["filter"]["to"] = args.to;
        body["limit"] = std::min(args.limit, 1000);
    }
    auto r = client.post("/v1/admin/quarantine/replay", body);
    if (r.status != 200) return cli::report_failure(r, err);
    const auto result = nlohmann::json::parse(r.body);
    for (const auto& item : result["items"]) out << item.dump() << "\n";
    out << "counts " << result["counts"].dump() << "\n";
    return 0;
}

int quarantine_discard(const QuarantineArgs& args, std::ostream& out, std::ostream& err) {
    cli::AdminClient client(args.config_path, args.gateway);
    int failures = 0;
    for (const auto id : args.ids) {
        auto r = client.post("/v1/admin/quarantine/" + std::to_string(id) + "/discard",
                             {{"reason", args.reason}});
        if (r.status != 200) {
            failures += cli::report_failure(r, err);
            continue;
        }
        out << "discarded " << id << "\n";
    }
    return failures ? 1 : 0;
}

int dead_letter_discard(const std::string& config_path, std::int64_t id, const std::string& reason,
                        std::ostream& out, std::ostream& err) {
    const auto config = load_config(config_path);
    store::ToolSession session(store_settings(config), false);
    bool done = false;
    session.run(
        [&](store::Transaction& tx) { done = tx.discard_dead_letter(id, reason, now_utc()); });
    if (!done) {
        err << "error: " << id << " is not a dead letter (unknown, replayed or discarded)\n";
        return 1;
    }
    out << "discarded dead letter " << id << "\n";
    return 0;
}

}  // namespace fieldgate
