// The writer on a SQLite file: one connection in WAL mode, and a checkpointer beside it.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "writer.h"

namespace fieldgate::store {

struct SqliteWriterOptions {
    std::string path;
    std::string synchronous = "FULL";
    int cache_mib = 64;  // page cache of the writer's connection (256 measured slower)
    // How often the WAL is copied back into the database. Longer means a page changed many times
    // is written once (measured at 400k orders: 250 ms 12.6k, 2 s 12.9k, 5 s 14.4k results/s)
    // at the price of a larger WAL under sustained full load (~70 MB/s) and a longer recovery.
    std::chrono::milliseconds checkpoint_every{5000};
    WriterLimits limits{};
};

class SqliteWriter final : public Writer {
  public:
    // Opens the connection and applies migrations before the writer thread starts.
    explicit SqliteWriter(const SqliteWriterOptions& options);
};

}  // namespace fieldgate::store
