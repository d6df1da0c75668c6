#include "store_factory.h"

#include <stdexcept>

#include "pg.h"
#include "pg_leadership.h"
#include "pg_outbox_leases.h"
#include "pg_store.h"
#include "sqlite_read_pool.h"
#include "sqlite_writer.h"

namespace fieldgate::store {

OpenedStore open_store(const StoreSettings& settings) {
    OpenedStore opened;
    if (settings.url.empty()) {
        SqliteWriterOptions options;
        options.path = settings.sqlite_path;
        options.synchronous = settings.synchronous;
        options.checkpoint_every = settings.checkpoint_every;
        options.limits = settings.limits;
        opened.writer = std::make_unique<SqliteWriter>(options);
        opened.reads = std::make_unique<SqliteReadPool>(settings.sqlite_path);
        opened.leadership = std::make_unique<SoleLeader>();
        opened.description = "SQLite " + settings.sqlite_path;
        return opened;
    }
    if (const auto problem = pg::url_problem(settings.url))
        throw std::runtime_error("store.url: " + *problem);
    PgStoreOptions options{
        settings.url, settings.password, settings.limits, {settings.answer_timeout}};
    opened.writer = std::make_unique<PgWriter>(options);
    opened.reads = std::make_unique<PgReadPool>(options);
    opened.leadership = std::make_unique<PgLeadership>(options);
    opened.leases = std::make_unique<PgOutboxLeases>(options);
    opened.description = "PostgreSQL " + settings.url;
    return opened;
}

}  // namespace fieldgate::store
