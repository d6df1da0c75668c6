#include "transaction.h"

#include <sqlite3.h>

#include "pg.h"
#include "sqlite.h"

namespace fieldgate::store {

bool is_transient_failure(const std::exception& e) {
    if (const auto* error = dynamic_cast<const sqlite::Error*>(&e))
        return error->disk_full() || error->code() == SQLITE_BUSY;
    if (const auto* error = dynamic_cast<const pg::Error*>(&e)) return error->transient();
    return false;
}

bool is_unreachable(const std::exception& e) {
    const auto* error = dynamic_cast<const pg::Error*>(&e);
    if (!error) return false;
    const auto& state = error->sqlstate();
    // No answer, a connection exception (08…), or the server shutting down (57P…).
    return state.empty() || state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0;
}

}  // namespace fieldgate::store
