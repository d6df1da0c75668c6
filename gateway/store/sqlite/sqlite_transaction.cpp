#include "sqlite_transaction.h"

#include <sqlite3.h>

#include "console_sql.h"
#include "crew_sql.h"
#include "dispatch_sql.h"
#include "outbox_sql.h"
#include "photo_sql.h"
#include "poll_state_sql.h"
#include "quarantine_sql.h"
#include "summary.h"
#include "truck_sql.h"
#include "work_order_sql.h"

namespace fieldgate::store {

std::optional<WorkOrder> SqliteTransaction::find_work_order(const std::string& id) {
    return store::find_work_order(*db_, id);
}

std::optional<WorkOrder> SqliteTransaction::find_work_order_by_case(
    const std::string& crm_case_id) {
    return store::find_work_order_by_case(*db_, crm_case_id);
}

std::optional<WorkOrder> SqliteTransaction::find_work_order_state_by_case(
    const std::string& crm_case_id) {
    return store::find_work_order_state_by_case(*db_, crm_case_id);
}

void SqliteTransaction::insert_work_order(const WorkOrder& wo) {
    store::insert_work_order(*db_, wo);
}

void SqliteTransaction::update_work_order_status(const std::string& id, const std::string& status,
                                                 std::optional<std::int64_t> outcome_id,
                                                 const std::string& at) {
    store::update_work_order_status(*db_, id, status, outcome_id, at);
}

void SqliteTransaction::append_history(const std::string& work_order_id,
                                       const HistoryEntry& entry) {
    store::append_history(*db_, work_order_id, entry);
}

std::vector<HistoryEntry> SqliteTransaction::list_history(const std::string& work_order_id) {
    return store::list_history(*db_, work_order_id);
}

std::vector<WorkOrder> SqliteTransaction::open_orders_on_route(const std::string& vendor,
                                                               const std::string& route_id,
                                                               const std::string& route_date) {
    return store::open_orders_on_route(*db_, vendor, route_id, route_date);
}

std::optional<OutcomeRow> SqliteTransaction::find_outcome_by_content(
    const std::string& vendor, const std::string& vendor_ref, const std::string& work_order_id,
    const std::string& content_hash) {
    return store::find_outcome_by_content(*db_, vendor, vendor_ref, work_order_id, content_hash);
}

std::optional<OutcomeRow> SqliteTransaction::find_outcome(std::int64_t id) {
    return store::find_outcome(*db_, id);
}

bool SqliteTransaction::outcome_ref_exists(const std::string& vendor,
                                           const std::string& vendor_ref) {
    return store::outcome_ref_exists(*db_, vendor, vendor_ref);
}

std::int64_t SqliteTransaction::insert_outcome(const OutcomeRow& row) {
    return store::insert_outcome(*db_, row);
}

std::int64_t SqliteTransaction::store_raw_payload(const RawPayload& raw) {
    return store::store_raw_payload(*db_, raw);
}

std::optional<StoredResponse> SqliteTransaction::find_stored_response(const std::string& vendor,
                                                                      const std::string& key) {
    return store::find_stored_response(*db_, vendor, key);
}

void SqliteTransaction::store_response(const std::string& vendor, const std::string& key,
                                       const StoredResponse& response, const std::string& at) {
    store::store_response(*db_, vendor, key, response, at);
}

std::int64_t SqliteTransaction::append_feed(const FeedRow& row) {
    return store::append_feed(*db_, row);
}

std::vector<FeedRow> SqliteTransaction::feed_after(const std::string& vendor, std::int64_t after,
                                                   int limit) {
    return store::feed_after(*db_, vendor, after, limit);
}

void SqliteTransaction::reschedule_work_order(const std::string& id, const ScheduleUpdate& update,
                                              const std::string& at) {
    store::reschedule_work_order(*db_, id, update, at);
}

std::int64_t SqliteTransaction::enqueue_event(const OutboxEvent& event) {
    return store::enqueue_event(*db_, event);
}

std::vector<OutboxEvent> SqliteTransaction::events_of(const std::string& work_order_id) {
    return store::events_of(*db_, work_order_id);
}

std::vector<PendingEvent> SqliteTransaction::pending_events(const std::string& destination,
                                                            std::int64_t after_id, int limit) {
    return store::pending_events(*db_, destination, after_id, limit);
}

void SqliteTransaction::mark_delivered(std::int64_t id, int status, const std::string& at) {
    store::mark_delivered(*db_, id, status, at);
}

void SqliteTransaction::mark_retry(std::int64_t id, int status, const std::string& error,
                                   const std::string& next_attempt_at,
                                   const std::string& deferred_by) {
    store::mark_retry(*db_, id, status, error, next_attempt_at, deferred_by);
}

void SqliteTransaction::mark_dead(std::int64_t id, int status, const std::string& error,
                                  const std::string& at) {
    store::mark_dead(*db_, id, status, error, at);
}

void SqliteTransaction::note_attempt(std::int64_t id, int status, const std::string& error) {
    store::note_attempt(*db_, id, status, error);
}

void SqliteTransaction::defer_to_endpoint(const std::vector<std::int64_t>& ids) {
    store::defer_to_endpoint(*db_, ids);
}

int SqliteTransaction::release_endpoint_deferrals(const std::string& destination) {
    return store::release_endpoint_deferrals(*db_, destination);
}

std::vector<EndpointState> SqliteTransaction::endpoint_states() {
    return store::endpoint_states(*db_);
}

void SqliteTransaction::set_endpoint_state(const std::string& name, const std::string& state,
                                           const std::optional<std::string>& reason,
                                           const std::string& at) {
    store::set_endpoint_state(*db_, name, state, reason, at);
}

OutboxCounts SqliteTransaction::outbox_counts(const std::string& destination) {
    return store::outbox_counts(*db_, destination);
}

std::int64_t SqliteTransaction::enqueue_event_to(const OutboxEvent& event,
                                                 const std::string& destination) {
    return store::enqueue_event_to(*db_, event, destination);
}

std::int64_t SqliteTransaction::quarantine(QuarantineEntry entry,
                                           const std::function<std::int64_t()>& raw_payload_id) {
    return store::quarantine(*db_, entry, raw_payload_id);
}

std::vector<DeadLetter> SqliteTransaction::dead_letters(
    const std::optional<std::string>& destination, std::int64_t after_id, int limit) {
    return store::dead_letters(*db_, destination, after_id, limit);
}

int SqliteTransaction::replay_dead_letters(const std::vector<std::int64_t>& ids,
                                           const std::optional<std::string>& destination) {
    return store::replay_dead_letters(*db_, ids, destination);
}

std::vector<QuarantineRow> SqliteTransaction::list_quarantine(const QuarantineFilter& f) {
    return store::list_quarantine(*db_, f);
}

std::optional<QuarantineRow> SqliteTransaction::find_quarantine(std::int64_t id) {
    return store::find_quarantine(*db_, id);
}

std::optional<QuarantinedPayload> SqliteTransaction::find_quarantined_payload(std::int64_t id) {
    return store::find_quarantined_payload(*db_, id);
}

std::vector<QuarantineRow> SqliteTransaction::quarantine_of_body(
    const std::optional<std::string>& vendor, const std::string& body_sha256) {
    return store::quarantine_of_body(*db_, vendor, body_sha256);
}

void SqliteTransaction::record_replay(std::int64_t id, const std::string& verdict,
                                      const std::string& detail_json, bool resolved,
                                      const std::string& at) {
    store::record_replay(*db_, id, verdict, detail_json, resolved, at);
}

bool SqliteTransaction::discard_quarantine(std::int64_t id, const std::string& reason,
                                           const std::string& at) {
    return store::discard_quarantine(*db_, id, reason, at);
}

std::int64_t SqliteTransaction::open_quarantine_count() {
    return store::open_quarantine_count(*db_);
}

bool SqliteTransaction::discard_dead_letter(std::int64_t id, const std::string& reason,
                                            const std::string& at) {
    return store::discard_dead_letter(*db_, id, reason, at);
}

void SqliteTransaction::insert_positions(const std::vector<PositionRow>& history,
                                         const std::vector<PositionRow>& latest,
                                         const std::string& now) {
    store::insert_positions(*db_, history, latest, now);
}

void SqliteTransaction::set_truck_state(const std::string& truck_id, const std::string& vendor,
                                        const std::string& state, const std::string& at) {
    store::set_truck_state(*db_, truck_id, vendor, state, at);
}

void SqliteTransaction::set_truck_route(const std::string& truck_id, const std::string& vendor,
                                        const std::string& route_id, const std::string& route_date,
                                        const std::string& at) {
    store::set_truck_route(*db_, truck_id, vendor, route_id, route_date, at);
}

TruckRow SqliteTransaction::claim_truck(const std::string& truck_id, const std::string& vendor,
                                        const std::string& at) {
    return store::claim_truck(*db_, truck_id, vendor, at);
}

std::int64_t SqliteTransaction::prune_positions(const std::string& cutoff) {
    return store::prune_positions(*db_, cutoff);
}

std::vector<TruckRow> SqliteTransaction::list_trucks(const std::optional<std::string>& vendor) {
    return store::list_trucks(*db_, vendor);
}

std::optional<TruckRow> SqliteTransaction::find_truck(const std::string& truck_id) {
    return store::find_truck(*db_, truck_id);
}

std::vector<PositionRow> SqliteTransaction::track(const std::string& truck_id,
                                                  const std::string& from, const std::string& to,
                                                  int limit) {
    return store::track(*db_, truck_id, from, to, limit);
}

std::vector<WorkOrder> SqliteTransaction::orders_on_route(const std::string& vendor,
                                                          const std::string& route_id,
                                                          const std::string& route_date) {
    return store::orders_on_route(*db_, vendor, route_id, route_date);
}

std::optional<DeviceRow> SqliteTransaction::find_device(const std::string& id) {
    return sync::find_device(*db_, id);
}

bool SqliteTransaction::insert_device(const DeviceRow& row) {
    return sync::insert_device(*db_, row);
}

void SqliteTransaction::set_device_secret(const std::string& id, const std::string& secret_sha256,
                                          const std::string& app_version, const std::string& at) {
    sync::set_device_secret(*db_, id, secret_sha256, app_version, at);
}

void SqliteTransaction::spend_enrollment_token(const std::string& id, const std::string& at) {
    sync::spend_enrollment_token(*db_, id, at);
}

std::optional<CrewActionRow> SqliteTransaction::find_crew_action(const std::string& device_id,
                                                                 const std::string& action_id) {
    return sync::find_crew_action(*db_, device_id, action_id);
}

void SqliteTransaction::insert_crew_action(const CrewActionRow& row) {
    sync::insert_crew_action(*db_, row);
}

void SqliteTransaction::touch_device(const std::string& id, const std::string& at) {
    sync::touch_device(*db_, id, at);
}

std::vector<std::pair<DeviceRow, std::int64_t>> SqliteTransaction::list_devices() {
    return sync::list_devices(*db_);
}

std::vector<std::string> SqliteTransaction::crew_order_ids(const std::string& target,
                                                           const std::string& from,
                                                           const std::string& to) {
    return sync::crew_order_ids(*db_, target, from, to);
}

std::int64_t SqliteTransaction::crew_feed_head(const std::string& target) {
    return sync::crew_feed_head(*db_, target);
}

std::optional<PhotoState> SqliteTransaction::find_photo(const std::string& crew,
                                                        const std::string& sha256) {
    return sync::find_photo(*db_, crew, sha256);
}

ChunkOutcome SqliteTransaction::append_photo_chunk(const PhotoUploader& by,
                                                   const std::string& sha256, std::int64_t size,
                                                   std::int64_t offset, std::string_view bytes,
                                                   const std::string& now) {
    return sync::append_photo_chunk(*db_, by, sha256, size, offset, bytes, now);
}

std::optional<std::string> SqliteTransaction::read_photo(const std::string& sha256,
                                                         const std::optional<std::string>& crew) {
    return sync::read_photo(*db_, sha256, crew);
}

std::optional<PollState> SqliteTransaction::load_poll_state(const std::string& vendor) {
    return poll::load_poll_state(*db_, vendor);
}

void SqliteTransaction::save_poll_state(const PollState& state) {
    poll::save_poll_state(*db_, state);
}

void SqliteTransaction::record_poll_failure(const std::string& vendor, const std::string& error,
                                            const std::string& at,
                                            const std::string& next_request_at) {
    poll::record_poll_failure(*db_, vendor, error, at, next_request_at);
}

std::vector<CorrectionRef> SqliteTransaction::recent_corrections(const std::string& vendor,
                                                                 const std::string& since,
                                                                 int limit) {
    return store::recent_corrections(*db_, vendor, since, limit);
}

sqlite::Connection& sqlite_connection(Transaction& tx) {
    return dynamic_cast<SqliteTransaction&>(tx).connection();
}

void SqliteTransaction::insert_console_session(const ConsoleSession& session) {
    console_sql::insert_session(*db_, session);
}
std::optional<ConsoleSession> SqliteTransaction::find_console_session(const std::string& id_hash,
                                                                      const std::string& now) {
    return console_sql::find_session(*db_, id_hash, now);
}
bool SqliteTransaction::end_console_session(const std::string& id_hash) {
    return console_sql::end_session(*db_, id_hash);
}
void SqliteTransaction::append_audit(const AuditEntry& entry) {
    console_sql::append_audit(*db_, entry);
}
std::vector<AuditEntry> SqliteTransaction::list_audit(std::int64_t before_id, int limit) {
    return console_sql::list_audit(*db_, before_id, limit);
}

std::vector<OrderMatch> SqliteTransaction::search_work_orders(const std::string& text, int limit) {
    return console_sql::search_work_orders(*db_, text, limit);
}
std::vector<OrderEvent> SqliteTransaction::list_order_events(const std::string& work_order_id) {
    return console_sql::list_order_events(*db_, work_order_id);
}

}  // namespace fieldgate::store
