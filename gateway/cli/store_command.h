// `fieldgate store copy`: moves a SQLite store file into an empty PostgreSQL database.
#pragma once

#include <ostream>
#include <string>

namespace fieldgate {

struct StoreCopyArgs {
    std::string from;           // the SQLite store file
    std::string to;             // postgresql://user@host:port/db
    std::string password_file;  // else FIELDGATE_STORE_PASSWORD, else none (libpq's own)
};

int store_copy(const StoreCopyArgs& args, std::ostream& out, std::ostream& err);

}  // namespace fieldgate
