#include "sqlite_read_pool.h"

namespace fieldgate::store {

namespace {

class SqliteReadSession final : public ReadSession {
  public:
    explicit SqliteReadSession(const std::string& path)
        : db_(path, sqlite::OpenOptions{.read_only = true}), tx_(db_) {}

    Transaction& transaction() override { return tx_; }
    void snapshot(const std::function<void(Transaction&)>& reads) override {
        db_.exec("BEGIN");
        try {
            reads(tx_);
            db_.exec("COMMIT");
        } catch (...) {
            db_.exec("ROLLBACK");
            throw;
        }
    }

  private:
    sqlite::Connection db_;
    SqliteTransaction tx_;
};

}  // namespace

std::unique_ptr<ReadSession> SqliteReadPool::take() {
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            auto session = std::move(idle_.back());
            idle_.pop_back();
            return session;
        }
    }
    return std::make_unique<SqliteReadSession>(path_);
}

void SqliteReadPool::give_back(std::unique_ptr<ReadSession> session) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(session));
}

}  // namespace fieldgate::store
