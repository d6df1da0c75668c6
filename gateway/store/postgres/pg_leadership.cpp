#include "pg_leadership.h"

#include <spdlog/spdlog.h>

#include "pg.h"

namespace fieldgate::store {

namespace {

// Far from the migrations' key (pg_migrations.cpp); one per role.
constexpr std::int64_t kLeaderKeyBase = 7351000100;

// The server ends the session of a gateway it cannot reach any more within ~15 s (and with it
// the locks); libpq's own keepalives tell this side as soon.
std::string with_keepalives(const std::string& url) {
    const char* sep = url.find('?') == std::string::npos ? "?" : "&";
    return url + sep +
           "keepalives=1&keepalives_idle=5&keepalives_interval=2&keepalives_count=3&options=-c%"
           "20tcp_keepalives_idle%3D5%20-c%20tcp_keepalives_interval%3D2%20-c%20tcp_"
           "keepalives_count%3D3";
}

}  // namespace

PgLeadership::PgLeadership(PgStoreOptions options) : options_(std::move(options)) {}

PgLeadership::~PgLeadership() = default;

// Whether the lock connection is up: asked of the server at most once a second, remade at most
// once a second after a loss. Holding nothing after a loss: the server released it all.
bool PgLeadership::connected(std::chrono::steady_clock::time_point now) {
    if (db_ && now - checked_at_ < std::chrono::seconds(1) && db_->ok()) return true;
    if (db_ && db_->answers()) {
        checked_at_ = now;
        return true;
    }
    if (db_) spdlog::warn("leadership: lost the database; roles given up");
    db_.reset();
    held_.clear();
    if (now < retry_at_) return false;
    retry_at_ = now + std::chrono::seconds(1);
    try {
        db_ = std::make_unique<pg::Connection>(with_keepalives(options_.url), options_.password,
                                               options_.connection);
        checked_at_ = now;
        return true;
    } catch (const pg::Error& e) {
        spdlog::warn("leadership: cannot reach the database: {}", e.what());
        return false;
    }
}

bool PgLeadership::leads(LeaderRole role) {
    std::lock_guard lock(mutex_);
    if (!connected(std::chrono::steady_clock::now())) return false;
    if (held_.count(role)) return true;
    try {
        const auto r = db_->query("SELECT pg_try_advisory_lock($1)",
                                  pg::Params().integer(kLeaderKeyBase + static_cast<int>(role)));
        if (!r.boolean(0, 0)) return false;
        held_.insert(role);
        spdlog::info("leadership: this gateway now leads role {}", static_cast<int>(role));
        return true;
    } catch (const pg::Error& e) {
        spdlog::warn("leadership: {}", e.what());
        db_.reset();
        held_.clear();
        return false;
    }
}

}  // namespace fieldgate::store
