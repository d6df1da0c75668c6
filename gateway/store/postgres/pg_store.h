// The writer and the read sessions on PostgreSQL. The writer keeps the SQLite writer's group
// commit (one transaction per batch, a savepoint per job); a lost connection fails the batch it
// was in (its jobs are told, nothing of it was acknowledged) and the next batch reconnects.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "pg.h"
#include "read_pool.h"
#include "writer.h"

namespace fieldgate::store {

struct PgStoreOptions {
    std::string url;       // postgresql://… (no password in it)
    std::string password;  // from the secret store
    WriterLimits limits{};
    pg::ConnectionLimits connection{std::chrono::seconds(20)};
};

class PgWriter final : public Writer {
  public:
    // Connects and applies migrations before the writer thread starts; throws when it cannot.
    explicit PgWriter(const PgStoreOptions& options);
};

class PgReadPool final : public ReadPool {
  public:
    explicit PgReadPool(PgStoreOptions options) : options_(std::move(options)) {}

  protected:
    std::unique_ptr<ReadSession> take() override;
    void give_back(std::unique_ptr<ReadSession> session) override;

  private:
    PgStoreOptions options_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<ReadSession>> idle_;
};

}  // namespace fieldgate::store
