#include "position_store.h"

#include <memory>

#include <spdlog/spdlog.h>

#include "time_util.h"

namespace fieldgate::mqtt {

PositionStore::PositionStore(PositionStoreOptions options, store::Writer& writer)
    : options_(options), writer_(writer) {
    thread_ = std::thread([this] { loop(); });
}

PositionStore::~PositionStore() {
    stop();
}

void PositionStore::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [this] { return outstanding_ == 0; });
}

void PositionStore::add(store::PositionRow row) {
    bool wake = false;
    {
        std::lock_guard lock(mutex_);
        ++stats_.received;
        auto& latest = latest_[row.truck_id];
        if (latest.fix_time.empty() || latest.fix_time <= row.fix_time) {
            latest = row;
            dirty_[row.truck_id] = row;
        }
        if (pending_.size() >= options_.max_pending) {
            ++stats_.dropped;
        } else {
            pending_.push_back(std::move(row));
        }
        wake = pending_.size() >= options_.flush_rows;
    }
    if (wake) wake_.notify_one();
}

std::optional<store::PositionRow> PositionStore::latest(const std::string& truck_id) const {
    std::lock_guard lock(mutex_);
    const auto it = latest_.find(truck_id);
    if (it == latest_.end()) return std::nullopt;
    return it->second;
}

PositionStats PositionStore::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

void PositionStore::flush(std::unique_lock<std::mutex>& lock) {
    if (pending_.empty() && dirty_.empty()) return;
    auto history = std::make_shared<std::vector<store::PositionRow>>();
    auto latest = std::make_shared<std::vector<store::PositionRow>>();
    history->swap(pending_);
    latest->reserve(dirty_.size());
    for (auto& [id, row] : dirty_) latest->push_back(std::move(row));
    dirty_.clear();
    const auto count = history->size();
    ++outstanding_;
    lock.unlock();
    const bool queued = writer_.submit(
        [history, latest](store::Transaction& db) {
            db.insert_positions(*history, *latest, now_utc());
        },
        [this, count](std::exception_ptr error) {
            std::lock_guard guard(mutex_);
            if (error)
                stats_.dropped += count;
            else
                stats_.stored += count;
            --outstanding_;
            idle_.notify_all();
        });
    lock.lock();
    if (!queued) {
        --outstanding_;
        stats_.dropped += count;
        spdlog::warn("positions: writer queue full, {} history rows dropped", count);
    }
}

void PositionStore::prune() {
    if (options_.leads_pruning && !options_.leads_pruning()) return;
    const auto cutoff = format_utc(now_millis() - std::chrono::hours(24) * options_.history_days);
    auto removed = std::make_shared<std::int64_t>(0);
    {
        std::lock_guard guard(mutex_);
        ++outstanding_;
    }
    const bool queued = writer_.submit(
        [removed, cutoff](store::Transaction& db) { *removed = db.prune_positions(cutoff); },
        [this, removed](std::exception_ptr error) {
            if (error) spdlog::warn("positions: pruning failed");
            std::lock_guard guard(mutex_);
            if (!error) stats_.pruned += static_cast<std::uint64_t>(*removed);
            --outstanding_;
            idle_.notify_all();
        });
    if (!queued) {
        std::lock_guard guard(mutex_);
        --outstanding_;
    }
}

void PositionStore::loop() {
    auto next_prune = std::chrono::steady_clock::now();
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait_for(lock, options_.flush_interval,
                       [this] { return stopping_ || pending_.size() >= options_.flush_rows; });
        flush(lock);
        if (stopping_) break;
        if (std::chrono::steady_clock::now() >= next_prune) {
            next_prune = std::chrono::steady_clock::now() + options_.prune_interval;
            lock.unlock();
            prune();
            lock.lock();
        }
    }
}

}  // namespace fieldgate::mqtt
