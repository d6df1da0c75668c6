// The SQLite implementation of every repository: each call runs the area's SQL on the one
// connection the transaction (or read lease) holds.
#pragma once

#include "sqlite.h"
#include "transaction.h"

namespace fieldgate::store {

class SqliteTransaction final : public Transaction {
  public:
    explicit SqliteTransaction(sqlite::Connection& db) : db_(&db) {}
    sqlite::Connection& connection() { return *db_; }

    std::optional<WorkOrder> find_work_order(const std::string& id) override;
    std::optional<WorkOrder> find_work_order_by_case(const std::string& crm_case_id) override;
    std::optional<WorkOrder> find_work_order_state_by_case(const std::string& crm_case_id) override;
    void insert_work_order(const WorkOrder& wo) override;
    void update_work_order_status(const std::string& id, const std::string& status,
                                  std::optional<std::int64_t> outcome_id,
                                  const std::string& at) override;
    void append_history(const std::string& work_order_id, const HistoryEntry& entry) override;
    std::vector<HistoryEntry> list_history(const std::string& work_order_id) override;
    std::vector<WorkOrder> open_orders_on_route(const std::string& vendor,
                                                const std::string& route_id,
                                                const std::string& route_date) override;
    std::optional<OutcomeRow> find_outcome_by_content(const std::string& vendor,
                                                      const std::string& vendor_ref,
                                                      const std::string& work_order_id,
                                                      const std::string& content_hash) override;
    std::optional<OutcomeRow> find_outcome(std::int64_t id) override;
    bool outcome_ref_exists(const std::string& vendor, const std::string& vendor_ref) override;
    std::int64_t insert_outcome(const OutcomeRow& row) override;
    std::int64_t store_raw_payload(const RawPayload& raw) override;
    std::optional<StoredResponse> find_stored_response(const std::string& vendor,
                                                       const std::string& key) override;
    void store_response(const std::string& vendor, const std::string& key,
                        const StoredResponse& response, const std::string& at) override;
    std::int64_t append_feed(const FeedRow& row) override;
    std::vector<FeedRow> feed_after(const std::string& vendor, std::int64_t after,
                                    int limit) override;
    void reschedule_work_order(const std::string& id, const ScheduleUpdate& update,
                               const std::string& at) override;
    std::int64_t enqueue_event(const OutboxEvent& event) override;
    std::vector<OutboxEvent> events_of(const std::string& work_order_id) override;
    std::vector<PendingEvent> pending_events(const std::string& destination, std::int64_t after_id,
                                             int limit) override;
    void mark_delivered(std::int64_t id, int status, const std::string& at) override;
    void mark_retry(std::int64_t id, int status, const std::string& error,
                    const std::string& next_attempt_at, const std::string& deferred_by) override;
    void mark_dead(std::int64_t id, int status, const std::string& error,
                   const std::string& at) override;
    void note_attempt(std::int64_t id, int status, const std::string& error) override;
    void defer_to_endpoint(const std::vector<std::int64_t>& ids) override;
    int release_endpoint_deferrals(const std::string& destination) override;
    std::vector<EndpointState> endpoint_states() override;
    void set_endpoint_state(const std::string& name, const std::string& state,
                            const std::optional<std::string>& reason,
                            const std::string& at) override;
    OutboxCounts outbox_counts(const std::string& destination) override;
    std::int64_t enqueue_event_to(const OutboxEvent& event,
                                  const std::string& destination) override;
    std::int64_t quarantine(QuarantineEntry entry,
                            const std::function<std::int64_t()>& raw_payload_id) override;
    std::vector<DeadLetter> dead_letters(const std::optional<std::string>& destination,
                                         std::int64_t after_id, int limit) override;
    int replay_dead_letters(const std::vector<std::int64_t>& ids,
                            const std::optional<std::string>& destination) override;
    std::vector<QuarantineRow> list_quarantine(const QuarantineFilter& f) override;
    std::optional<QuarantineRow> find_quarantine(std::int64_t id) override;
    std::optional<QuarantinedPayload> find_quarantined_payload(std::int64_t id) override;
    std::vector<QuarantineRow> quarantine_of_body(const std::optional<std::string>& vendor,
                                                  const std::string& body_sha256) override;
    void record_replay(std::int64_t id, const std::string& verdict, const std::string& detail_json,
                       bool resolved, const std::string& at) override;
    bool discard_quarantine(std::int64_t id, const std::string& reason,
                            const std::string& at) override;
    std::int64_t open_quarantine_count() override;
    bool discard_dead_letter(std::int64_t id, const std::string& reason,
                             const std::string& at) override;
    void insert_positions(const std::vector<PositionRow>& history,
                          const std::vector<PositionRow>& latest, const std::string& now) override;
    void set_truck_state(const std::string& truck_id, const std::string& vendor,
                         const std::string& state, const std::string& at) override;
    void set_truck_route(const std::string& truck_id, const std::string& vendor,
                         const std::string& route_id, const std::string& route_date,
                         const std::string& at) override;
    TruckRow claim_truck(const std::string& truck_id, const std::string& vendor,
                         const std::string& at) override;
    std::int64_t prune_positions(const std::string& cutoff) override;
    std::vector<TruckRow> list_trucks(const std::optional<std::string>& vendor) override;
    std::optional<TruckRow> find_truck(const std::string& truck_id) override;
    std::vector<PositionRow> track(const std::string& truck_id, const std::string& from,
                                   const std::string& to, int limit) override;
    std::vector<WorkOrder> orders_on_route(const std::string& vendor, const std::string& route_id,
                                           const std::string& route_date) override;
    std::optional<DeviceRow> find_device(const std::string& id) override;
    bool insert_device(const DeviceRow& row) override;
    void set_device_secret(const std::string& id, const std::string& secret_sha256,
                           const std::string& app_version, const std::string& at) override;
    void spend_enrollment_token(const std::string& id, const std::string& at) override;
    std::optional<CrewActionRow> find_crew_action(const std::string& device_id,
                                                  const std::string& action_id) override;
    void insert_crew_action(const CrewActionRow& row) override;
    void touch_device(const std::string& id, const std::string& at) override;
    std::vector<std::pair<DeviceRow, std::int64_t>> list_devices() override;
    std::vector<std::string> crew_order_ids(const std::string& target, const std::string& from,
                                            const std::string& to) override;
    std::int64_t crew_feed_head(const std::string& target) override;
    std::optional<PhotoState> find_photo(const std::string& crew,
                                         const std::string& sha256) override;
    ChunkOutcome append_photo_chunk(const PhotoUploader& by, const std::string& sha256,
                                    std::int64_t size, std::int64_t offset, std::string_view bytes,
                                    const std::string& now) override;
    std::optional<std::string> read_photo(const std::string& sha256,
                                          const std::optional<std::string>& crew) override;
    std::optional<PollState> load_poll_state(const std::string& vendor) override;
    void save_poll_state(const PollState& state) override;
    void record_poll_failure(const std::string& vendor, const std::string& error,
                             const std::string& at, const std::string& next_request_at) override;
    std::vector<WorkOrder> unflagged_field_orders(const std::string& first,
                                                  const std::string& last) override;
    bool flag_overdue(const std::string& id, const std::string& at) override;
    std::map<std::string, std::int64_t> open_quarantine_by_vendor() override;
    std::map<std::string, PendingFigures> pending_by_destination() override;
    std::map<std::string, std::int64_t> dead_by_destination() override;
    std::vector<CorrectionRef> recent_corrections(const std::string& vendor,
                                                  const std::string& since, int limit) override;
    VendorHealthFigures vendor_health_figures(const std::string& vendor,
                                              const std::string& since) override;
    void visit_report_orders(const ReportPeriod& period,
                             const std::function<void(const ReportOrderRow&)>& visit) override;
    void insert_console_session(const ConsoleSession& session) override;
    std::optional<ConsoleSession> find_console_session(const std::string& id_hash,
                                                       const std::string& now) override;
    bool end_console_session(const std::string& id_hash) override;
    void append_audit(const AuditEntry& entry) override;
    std::vector<AuditEntry> list_audit(std::int64_t before_id, int limit) override;
    std::vector<OrderMatch> search_work_orders(const std::string& text, int limit) override;
    std::vector<OrderEvent> list_order_events(const std::string& work_order_id) override;

  private:
    sqlite::Connection* db_;
};

// For tests that look at the file itself: the connection under a SQLite transaction. Product
// code asks the repositories (the conventions test holds SQL to gateway/store/).
sqlite::Connection& sqlite_connection(Transaction& tx);

}  // namespace fieldgate::store
