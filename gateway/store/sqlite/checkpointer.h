// Copies the WAL back into the database from its own thread and connection (PASSIVE, so it
// never blocks the writer). Left to SQLite's autocheckpoint, that copy and its fsync would run
// inside the writer's COMMIT every ~1000 pages and stall every request queued behind it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "sqlite.h"

namespace fieldgate::store {

class Checkpointer {
  public:
    Checkpointer(const std::string& path, const std::string& synchronous,
                 std::chrono::milliseconds every);
    ~Checkpointer();
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;

  private:
    void loop();
    std::unique_ptr<sqlite::Connection> db_;
    std::chrono::milliseconds every_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace fieldgate::store
