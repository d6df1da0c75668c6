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

}  // namespace fieldgate::store
