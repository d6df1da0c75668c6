#include "checkpointer.h"

#include <spdlog/spdlog.h>

namespace fieldgate::store {

Checkpointer::Checkpointer(const std::string& path, const std::string& synchronous,
                           std::chrono::milliseconds every)
    : every_(every) {
    sqlite::OpenOptions options;
    options.synchronous = synchronous;
    db_ = std::make_unique<sqlite::Connection>(path, options);
    db_->exec("PRAGMA wal_autocheckpoint=0");
    thread_ = std::thread([this] { loop(); });
}

Checkpointer::~Checkpointer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void Checkpointer::loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait_for(lock, every_, [this] { return stopping_; });
        const bool last = stopping_;
        lock.unlock();
        try {
            db_->exec(last ? "PRAGMA wal_checkpoint(TRUNCATE)" : "PRAGMA wal_checkpoint(PASSIVE)");
        } catch (const std::exception& e) {
            // Busy or out of space: the WAL keeps everything; the next round tries again.
            spdlog::warn("WAL checkpoint: {}", e.what());
        }
        lock.lock();
        if (last) return;
    }
}

}  // namespace fieldgate::store
