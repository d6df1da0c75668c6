// Positions arrive at QoS 0 and must never wait for a commit: the latest per truck is kept in
// memory, and history goes to the writer in batches (every flush interval, or sooner when enough
// rows wait). The same thread prunes history older than the retention, periodically.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "transaction.h"
#include "writer.h"

namespace fieldgate::mqtt {

struct PositionStoreOptions {
    std::chrono::milliseconds flush_interval{250};
    std::size_t flush_rows = 2000;
    std::size_t max_pending = 200000;  // beyond this (writer far behind) history rows are dropped
    int history_days = 7;
    std::chrono::seconds prune_interval{3600};
    // Whether this gateway prunes history (it leads the pruning role); null: always. Flushing
    // the positions this gateway received is its own work and never waits for a lead.
    std::function<bool()> leads_pruning = nullptr;
};

struct PositionStats {
    std::uint64_t received = 0;
    std::uint64_t stored = 0;
    std::uint64_t dropped = 0;
    std::uint64_t pruned = 0;
};

class PositionStore {
  public:
    PositionStore(PositionStoreOptions options, store::Writer& writer);
    ~PositionStore();
    PositionStore(const PositionStore&) = delete;
    PositionStore& operator=(const PositionStore&) = delete;

    void add(store::PositionRow row);  // never blocks on the writer
    std::optional<store::PositionRow> latest(const std::string& truck_id) const;
    PositionStats stats() const;
    void stop();  // flushes what waits

  private:
    void loop();
    void flush(std::unique_lock<std::mutex>& lock);
    void prune();

    PositionStoreOptions options_;
    store::Writer& writer_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<store::PositionRow> pending_;
    std::unordered_map<std::string, store::PositionRow> latest_;
    std::unordered_map<std::string, store::PositionRow> dirty_;  // latest not yet stored
    PositionStats stats_;
    std::size_t outstanding_ = 0;  // writer jobs not done yet: they refer to this object
    std::condition_variable idle_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace fieldgate::mqtt
