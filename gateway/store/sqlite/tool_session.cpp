#include "tool_session.h"

#include "migrations.h"
#include "sqlite_transaction.h"

namespace fieldgate::store {

struct ToolSession::Impl {
    sqlite::Connection db;
    SqliteTransaction tx{db};
    Impl(const std::string& path, const sqlite::OpenOptions& options) : db(path, options) {}
};

namespace {

sqlite::OpenOptions options_for(bool read_only, const std::string& synchronous) {
    sqlite::OpenOptions options;
    options.read_only = read_only;
    if (!read_only) options.synchronous = synchronous;
    return options;
}

}  // namespace

ToolSession::ToolSession(const std::string& path, bool read_only, const std::string& synchronous)
    : impl_(std::make_unique<Impl>(path, options_for(read_only, synchronous))) {
    if (!read_only) migrate(impl_->db);
}

ToolSession::~ToolSession() = default;

Transaction& ToolSession::reads() {
    return impl_->tx;
}

void ToolSession::run(const std::function<void(Transaction&)>& work) {
    impl_->db.exec("BEGIN IMMEDIATE");
    try {
        work(impl_->tx);
        impl_->db.exec("COMMIT");
    } catch (...) {
        impl_->db.exec("ROLLBACK");
        throw;
    }
}

}  // namespace fieldgate::store
