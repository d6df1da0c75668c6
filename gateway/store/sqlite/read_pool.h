// Read connections, separate from the writer's: readers never wait for a commit (WAL).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sqlite_transaction.h"

namespace fieldgate::store {

class ReadPool {
  public:
    explicit ReadPool(std::string path) : path_(std::move(path)) {}

    class Lease {
      public:
        Lease(ReadPool& pool, std::unique_ptr<sqlite::Connection> c)
            : pool_(&pool), c_(std::move(c)), tx_(*c_) {}
        Lease(Lease&&) = default;
        ~Lease() {
            if (c_) pool_->give_back(std::move(c_));
        }
        Transaction& operator*() { return tx_; }
        // Several reads that must agree (a cursor and the rows after it): one read transaction.
        void snapshot(const std::function<void(Transaction&)>& reads) {
            c_->exec("BEGIN");
            try {
                reads(tx_);
                c_->exec("COMMIT");
            } catch (...) {
                c_->exec("ROLLBACK");
                throw;
            }
        }
        Transaction* operator->() { return &tx_; }

      private:
        ReadPool* pool_;
        std::unique_ptr<sqlite::Connection> c_;
        SqliteTransaction tx_;
    };

    Lease acquire() {
        {
            std::lock_guard lock(mutex_);
            if (!idle_.empty()) {
                auto c = std::move(idle_.back());
                idle_.pop_back();
                return Lease(*this, std::move(c));
            }
        }
        sqlite::OpenOptions options;
        options.read_only = true;
        return Lease(*this, std::make_unique<sqlite::Connection>(path_, options));
    }

  private:
    void give_back(std::unique_ptr<sqlite::Connection> c) {
        std::lock_guard lock(mutex_);
        idle_.push_back(std::move(c));
    }
    std::string path_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<sqlite::Connection>> idle_;
};

}  // namespace fieldgate::store
