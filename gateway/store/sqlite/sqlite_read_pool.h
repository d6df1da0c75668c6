// Read connections on a SQLite file, separate from the writer's (WAL: readers never wait).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "read_pool.h"
#include "sqlite_transaction.h"

namespace fieldgate::store {

class SqliteReadPool final : public ReadPool {
  public:
    explicit SqliteReadPool(std::string path) : path_(std::move(path)) {}

  protected:
    std::unique_ptr<ReadSession> take() override;
    void give_back(std::unique_ptr<ReadSession> session) override;

  private:
    std::string path_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<ReadSession>> idle_;
};

}  // namespace fieldgate::store
