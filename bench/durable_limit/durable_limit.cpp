// The durable limit for the ingest benchmarks (bench/ingest/run_durable_ratio.sh on SQLite,
// bench/ingest/run_pg_ratio.sh on PostgreSQL): the least any gateway must do per Bay Hauling
// result before answering it — parse the JSON, insert one row keyed by the vendor's ticket,
// commit it durably — on one Asio I/O thread and one writer that commits everything queued as
// one group. What the real gateway reaches on the same machine is read as a fraction of this.
#include <iostream>
#include <memory>
#include <string>

#include "limit_server.h"

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr
            << "usage: fieldgate-bench-durable-limit DB_PATH|postgresql://… PORT_FILE [PORT]\n"
               "  POST /v1/vendors/bay-hauling/results on 127.0.0.1:PORT (0 = any; written\n"
               "  to PORT_FILE). A postgresql:// URL (password from PGPASSWORD) stores in\n"
               "  PostgreSQL, anything else is a SQLite file (WAL, synchronous=FULL).\n";
        return 64;
    }
    try {
        const std::string target = argv[1];
        const bool pg =
            target.rfind("postgresql://", 0) == 0 || target.rfind("postgres://", 0) == 0;
        const auto store = pg ? fieldgate::bench::make_pg_store(target)
                              : fieldgate::bench::make_sqlite_store(target);
        const auto port = static_cast<unsigned short>(argc > 3 ? std::stoi(argv[3]) : 0);
        fieldgate::bench::serve(*store, argv[2], port);
    } catch (const std::exception& e) {
        std::cerr << "fieldgate-bench-durable-limit: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
