#include "dead_letters_command.h"

#include <nlohmann/json.hpp>

#include "config.h"
#include "store_config.h"
#include "tool_session.h"
#include "transaction.h"

namespace fieldgate {

namespace {

std::optional<std::string> destination_of(const DeadLetterArgs& args) {
    if (args.destination.empty()) return std::nullopt;
    return args.destination;
}

}  // namespace

int list_dead_letters(const DeadLetterArgs& args, std::ostream& out) {
    const auto config = load_config(args.config_path);
    store::ToolSession session(store_settings(config), true);
    for (const auto& d : session.reads().dead_letters(destination_of(args), 0, args.limit)) {
        out << nlohmann::json{{"id", d.id},
                              {"destination", d.destination},
                              {"crm_case_id", d.crm_case_id},
                              {"work_order_id", d.work_order_id},
                              {"event_type", d.event_type},
                              {"attempts", d.attempts},
                              {"last_status", d.last_status ? nlohmann::json(*d.last_status)
                                                            : nlohmann::json(nullptr)},
                              {"last_error", d.last_error ? nlohmann::json(*d.last_error)
                                                          : nlohmann::json(nullptr)},
                              {"dead_at",
                               d.dead_at ? nlohmann::json(*d.dead_at) : nlohmann::json(nullptr)}}
                   .dump()
            << "\n";
    }
    return 0;
}

int replay_dead_letters(const DeadLetterArgs& args, std::ostream& out) {
    const auto config = load_config(args.config_path);
    store::ToolSession session(store_settings(config), false);
    int replayed = 0;
    session.run([&](store::Transaction& tx) {
        replayed = tx.replay_dead_letters(args.all ? std::vector<std::int64_t>{} : args.ids,
                                          destination_of(args));
    });
    out << "replayed " << replayed << " dead letter(s)\n";
    return 0;
}

}  // namespace fieldgate
