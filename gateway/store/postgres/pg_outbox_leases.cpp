#include "pg_outbox_leases.h"

#include <algorithm>

#include "pg.h"

namespace fieldgate::store {

namespace {

// The inner SELECT picks due heads that nobody holds and locks them, skipping rows another
// gateway is claiming right now. A row whose lock it had to wait for is re-read after that
// gateway's commit (READ COMMITTED), so a lease taken meanwhile excludes it: a row is never
// leased twice. "Head": no earlier pending event of the same work order to the same endpoint.
constexpr const char* kClaim =
    "UPDATE outbox SET lease_owner = $4, "
    "lease_until = clock_timestamp() + $5 * interval '1 millisecond' "
    "WHERE id IN (SELECT o.id FROM outbox o "
    "WHERE o.state = 'pending' AND o.destination = $1 "
    "AND (o.lease_until IS NULL OR o.lease_until < clock_timestamp()) "
    "AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= $2) "
    "AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.destination = o.destination "
    "AND p.work_order_id = o.work_order_id AND p.state = 'pending' AND p.id < o.id) "
    "ORDER BY o.id LIMIT $3 FOR UPDATE OF o SKIP LOCKED) "
    "RETURNING id, work_order_id, event_type, status, outcome_id, extra, created_at, attempts, "
    "next_attempt_at, event_failures";

PendingEvent read_claimed(const pg::Result& q, int row, const std::string& destination) {
    PendingEvent p;
    p.event = OutboxEvent{
        q.integer(row, 0),          q.text(row, 1),          q.text(row, 2), q.text(row, 3),
        q.optional_integer(row, 4), q.optional_text(row, 5), q.text(row, 6)};
    p.destination = destination;
    p.attempts = static_cast<int>(q.integer(row, 7));
    p.next_attempt_at = q.optional_text(row, 8);
    p.event_failures = static_cast<int>(q.integer(row, 9));
    return p;
}

// An array literal PostgreSQL reads as bigint[]: {1,2,3}.
std::string id_array(const std::vector<std::int64_t>& ids) {
    std::string out = "{";
    for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
    return out + "}";
}

}  // namespace

PgOutboxLeases::PgOutboxLeases(PgStoreOptions options) : options_(std::move(options)) {}

PgOutboxLeases::~PgOutboxLeases() = default;

pg::Connection& PgOutboxLeases::connection() {
    if (!db_ || !db_->ok()) {
        db_.reset();
        db_ =
            std::make_unique<pg::Connection>(options_.url, options_.password, options_.connection);
    }
    return *db_;
}

std::vector<PendingEvent> PgOutboxLeases::claim(const std::string& destination,
                                                const std::string& owner, const std::string& now,
                                                std::chrono::milliseconds lease, int limit) {
    std::lock_guard lock(mutex_);
    const auto q = connection().query(
        kClaim,
        pg::Params().text(destination).text(now).integer(limit).text(owner).integer(lease.count()));
    std::vector<PendingEvent> out;
    for (int i = 0; i < q.rows(); ++i) out.push_back(read_claimed(q, i, destination));
    std::sort(out.begin(), out.end(),
              [](const PendingEvent& a, const PendingEvent& b) { return a.event.id < b.event.id; });
    return out;
}

void PgOutboxLeases::renew(const std::vector<std::int64_t>& ids, const std::string& owner,
                           std::chrono::milliseconds lease) {
    if (ids.empty()) return;
    std::lock_guard lock(mutex_);
    connection().query(
        "UPDATE outbox SET lease_until = clock_timestamp() + $3 * interval '1 millisecond' "
        "WHERE id = ANY($1::bigint[]) AND lease_owner = $2 AND state = 'pending'",
        pg::Params().text(id_array(ids)).text(owner).integer(lease.count()));
}

void PgOutboxLeases::release(const std::vector<std::int64_t>& ids, const std::string& owner) {
    if (ids.empty()) return;
    std::lock_guard lock(mutex_);
    connection().query(
        "UPDATE outbox SET lease_owner = NULL, lease_until = NULL "
        "WHERE id = ANY($1::bigint[]) AND lease_owner = $2",
        pg::Params().text(id_array(ids)).text(owner));
}

}  // namespace fieldgate::store
