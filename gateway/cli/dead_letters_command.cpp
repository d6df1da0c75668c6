#include "dead_letters_command.h"

#include <nlohmann/json.hpp>

#include "config.h"
#include "delivery_repository.h"
#include "migrations.h"
#include "sqlite.h"

namespace fieldgate {

namespace {

std::optional<std::string> destination_of(const DeadLetterArgs& args) {
    if (args.destination.empty()) return std::nullopt;
    return args.destination;
}

}  // namespace

int list_dead_letters(const DeadLetterArgs& args, std::ostream& out) {
    const auto config = load_config(args.config_path);
    sqlite::OpenOptions options;
    options.read_only = true;
    sqlite::Connection db(config.store_path, options);
    for (const auto& d : store::dead_letters(db, destination_of(args), 0, args.limit)) {
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
    sqlite::OpenOptions options;
    options.synchronous = config.synchronous;
    sqlite::Connection db(config.store_path, options);
    store::migrate(db);
    db.exec("BEGIN IMMEDIATE");
    int replayed = 0;
    try {
        replayed = store::replay_dead_letters(db, args.all ? std::vector<std::int64_t>{} : args.ids,
                                              destination_of(args));
        db.exec("COMMIT");
    } catch (...) {
        db.exec("ROLLBACK");
        throw;
    }
    out << "replayed " << replayed << " dead letter(s)\n";
    return 0;
}

}  // namespace fieldgate
