#include "crew_actions.h"

#include <map>

#include "clock_skew.h"
#include "ids.h"
#include "transaction.h"

namespace fieldgate::sync {

namespace {

constexpr const char* kMappingVersion = "crew-sync/1";

nlohmann::json time_json(const std::optional<SysMillis>& t) {
    return t ? nlohmann::json(format_utc(*t)) : nlohmann::json(nullptr);
}

}  // namespace

std::string crew_verdict(const RecordVerdict& v) {
    if (v.verdict == Verdict::rejected && !v.errors.empty() &&
        v.errors.front().type == "work-order-cancelled")
        return "cancelled";
    return to_string(v.verdict);
}

namespace {

// One batch being applied: each action's answer and row, and the records that go to ingest.
struct BatchRun {
    BatchRun(const DeviceRow& d, const ActionBatch& b, SysMillis received)
        : device(d),
          batch(b),
          received_at(received),
          now(format_utc(received)),
          target(crew_target(d.crew)),
          results(b.actions.size()),
          rows(b.actions.size()),
          is_new(b.actions.size(), false) {
        if (b.device_time) skew = clock_skew(*b.device_time, received);
    }
    const DeviceRow& device;
    const ActionBatch& batch;
    SysMillis received_at;
    std::string now;
    std::string target;
    std::optional<std::chrono::milliseconds> skew;
    std::vector<nlohmann::json> results;
    std::vector<CrewActionRow> rows;
    std::vector<bool> is_new;
    std::map<std::string, std::size_t> first_in_batch;
    IngestRequest req;
    std::vector<std::size_t> record_action;  // record index -> action index
};

IngestRequest crew_request(const DeviceRow& device, const std::string& target,
                           const std::string& now, const std::string& raw_body) {
    IngestRequest req;
    req.vendor = target;
    req.source = "crew:" + device.id;
    req.mapping_version = kMappingVersion;
    req.raw.vendor = target;
    req.raw.channel = "sync";
    req.raw.received_at = now;
    req.raw.content_type = "application/json";
    req.raw.headers_json = nlohmann::json{{"x-device-id", device.id}}.dump();
    req.raw.body = raw_body;
    req.normalized.batch = true;
    return req;
}

// An action id seen before (in an earlier sync or earlier in this batch) answers as it did then,
// or as a refusal when the content differs. True when action `i` is such a repeat.
bool answered_as_repeat(store::Transaction& db, BatchRun& run, std::size_t i, nlohmann::json& r) {
    const auto& a = run.batch.actions[i];
    const auto reused = [&](const std::string& first_sha) {
        if (first_sha == a.request_sha256) return false;
        r["verdict"] = "rejected";
        r["problem"] = ApiError{409,
                                "action-id-reused",
                                "Action id reused",
                                "action " + a.action_id +
                                    " was received before with other content; a new action "
                                    "needs a new id",
                                "/actions/" + std::to_string(i) + "/action_id",
                                nlohmann::json::object()}
                           .to_problem();
        return true;
    };
    if (auto seen = db.find_crew_action(run.device.id, a.action_id)) {
        if (!reused(seen->request_sha256)) r = nlohmann::json::parse(seen->result_json);
        run.results[i] = std::move(r);
        return true;
    }
    if (auto it = run.first_in_batch.find(a.action_id); it != run.first_in_batch.end()) {
        if (!reused(run.batch.actions[it->second].request_sha256))
            run.results[i] = nullptr;  // answered as the first, at the end
        else
            run.results[i] = std::move(r);
        return true;
    }
    return false;
}

// The row kept for action `i`, and when it happened on the server's clock.
CrewActionRow action_row(const BatchRun& run, std::size_t i, std::optional<SysMillis>& occurred) {
    const auto& a = run.batch.actions[i];
    CrewActionRow row;
    row.device_id = run.device.id;
    row.action_id = a.action_id;
    row.device_seq = a.seq;
    row.type = a.type;
    row.request_sha256 = a.request_sha256;
    row.body = a.body;
    row.received_at = run.now;
    if (!a.work_order_id.empty()) row.work_order_id = a.work_order_id;
    if (run.batch.device_time) row.device_time = format_utc(*run.batch.device_time);
    if (run.skew) row.clock_skew_ms = run.skew->count();
    if (a.occurred_at) {
        const auto t = correct_event_time(*a.occurred_at, run.skew, run.received_at);
        occurred = t.at;
        row.occurred_at = format_utc(t.at);
        if (t.flag != TimeFlag::none) row.time_flag = to_string(t.flag);
    }
    return row;
}

// What is wrong with the action's reason against the catalog, if anything.
std::optional<ApiError> reason_problem(const CrewAction& a, const Catalog& catalog,
                                       const std::string& at) {
    const bool outcome = a.type == "completed" || a.type == "partial" || a.type == "not_collected";
    if (a.type == "partial" || a.type == "not_collected") {
        if (a.reason.empty())
            return unprocessable("missing-field",
                                 "a reason from the catalog is required for " + a.type,
                                 at + "/reason");
        if (!catalog.reason(a.reason))
            return unprocessable(
                "unknown-reason",
                "'" + a.reason + "' is not a reason of catalog " + catalog.version(),
                at + "/reason");
        if (!catalog.allows(a.type == "partial" ? kPartiallyCompleted : kNotCollected, a.reason))
            return unprocessable("reason-not-allowed",
                                 "reason " + a.reason + " does not go with " + a.type +
                                     " (catalog " + catalog.version() + ")",
                                 at + "/reason");
        if (catalog.reason(a.reason)->detail_required && a.detail.empty())
            return unprocessable("missing-field", "reason " + a.reason + " needs a detail",
                                 at + "/detail");
    }
    if (!outcome && !a.reason.empty() && a.type != "note")
        return unprocessable("invalid-field", "only partial and not_collected take a reason",
                             at + "/reason");
    return std::nullopt;
}

// A note is kept with the order, no outcome: noted, or refused for an order not the crew's.
void take_note(store::Transaction& db, const BatchRun& run, const CrewAction& a,
               const std::string& at, CrewActionRow& row, nlohmann::json& r) {
    r["work_order_id"] = a.work_order_id;
    const auto wo = db.find_work_order(a.work_order_id);
    if (!wo || !wo->vendor || *wo->vendor != run.target) {
        // As for outcomes: another crew's order answers like an unknown one.
        r["verdict"] = "rejected";
        r["problem"] =
            unprocessable("unknown-work-order",
                          "no work order '" + a.work_order_id + "' is assigned to " + run.target,
                          at + "/work_order_id")
                .to_problem();
        row.verdict = "rejected";
        return;
    }
    r["verdict"] = "noted";
    row.verdict = "noted";
}

// The action as a normalized result for the ingest pipeline.
NormalizedResult crew_result(store::Transaction& db, const BatchRun& run, const CrewAction& a,
                             const std::string& at, const std::optional<SysMillis>& occurred) {
    NormalizedResult n;
    n.pointer = at;
    n.vendor_ref = run.device.id + "/" + a.action_id;
    auto wo = a.work_order_id.empty() ? std::nullopt : db.find_work_order(a.work_order_id);
    n.crm_case_id =
        wo && wo->vendor && *wo->vendor == run.target ? wo->crm_case_id : a.work_order_id;
    if (a.type == "arrived") n.progress = "on_site";
    if (a.type == "completed") n.outcome = kCompleted;
    if (a.type == "partial") n.outcome = kPartiallyCompleted;
    if (a.type == "not_collected") n.outcome = kNotCollected;
    n.reason = a.reason;
    n.vendor_status = a.type;
    n.vendor_reason = a.reason;
    n.detail = a.detail;
    if (occurred) n.occurred_at = format_utc(*occurred);
    n.lat = a.lat;
    n.lon = a.lon;
    n.gps_accuracy_m = a.gps_accuracy_m;
    n.crew = run.device.crew;
    for (const auto& p : a.photos) n.photos.push_back("sha256:" + p);
    n.items_collected = a.items_collected;
    return n;
}

// Action `i`, new in this batch: a note answered now, anything else a record for ingest.
void take_action(store::Transaction& db, BatchRun& run, const Catalog& catalog, std::size_t i,
                 nlohmann::json r) {
    const auto& a = run.batch.actions[i];
    run.first_in_batch.emplace(a.action_id, i);
    run.is_new[i] = true;
    std::optional<SysMillis> occurred;
    auto& row = run.rows[i] = action_row(run, i, occurred);
    const std::string at = "/actions/" + std::to_string(i);
    std::optional<ApiError> error = a.error;
    if (!error) error = reason_problem(a, catalog, at);
    if (!error && a.type == "note") {
        take_note(db, run, a, at, row, r);
        if (row.verdict == "noted") {
            r["occurred_at"] = time_json(occurred);
            if (row.time_flag) r["time_flag"] = *row.time_flag;
        }
        run.results[i] = std::move(r);
        return;
    }
    RecordResult rec;
    rec.result = crew_result(db, run, a, at, occurred);
    if (error) {
        rec.errors.push_back(RecordError{error->pointer, error->pointer.substr(at.size() + 1),
                                         error->type, error->detail});
    }
    run.req.normalized.records.push_back(std::move(rec));
    run.record_action.push_back(i);
    r["work_order_id"] = a.work_order_id;
    r["occurred_at"] = time_json(occurred);
    if (row.time_flag) r["time_flag"] = *row.time_flag;
    run.results[i] = std::move(r);
}

void take_verdicts(BatchRun& run, const IngestReport& report) {
    for (std::size_t k = 0; k < report.records.size() && k < run.record_action.size(); ++k) {
        const auto& v = report.records[k];
        auto& r = run.results[run.record_action[k]];
        r["verdict"] = crew_verdict(v);
        if (!v.outcome_ids.empty()) r["outcome_id"] = v.outcome_ids.front();
        if (!v.errors.empty()) r["problem"] = v.errors.front().to_problem();
        run.rows[run.record_action[k]].verdict = r["verdict"].get<std::string>();
    }
}

}  // namespace

nlohmann::json apply_action_batch(store::Transaction& db, const IngestService& ingest,
                                  const DeviceRow& device, const ActionBatch& batch,
                                  const std::string& raw_body, SysMillis received_at) {
    const auto n = batch.actions.size();
    BatchRun run(device, batch, received_at);
    run.req = crew_request(device, run.target, run.now, raw_body);

    for (std::size_t i = 0; i < n; ++i) {
        const auto& a = batch.actions[i];
        nlohmann::json r = {{"action_id", a.action_id}, {"seq", a.seq}};
        if (answered_as_repeat(db, run, i, r)) continue;
        take_action(db, run, *ingest.context().catalog, i, std::move(r));
    }
    if (!run.req.normalized.records.empty()) take_verdicts(run, ingest.apply(db, run.req));
    for (std::size_t i = 0; i < n; ++i) {
        if (!run.is_new[i]) continue;
        run.rows[i].result_json = run.results[i].dump();
        db.insert_crew_action(run.rows[i]);
    }
    // Repeats inside the batch answer as their first occurrence.
    for (std::size_t i = 0; i < n; ++i) {
        if (run.results[i].is_null())
            run.results[i] = run.results[run.first_in_batch[batch.actions[i].action_id]];
    }
    db.touch_device(device.id, run.now);
    if (device.token_sha256) db.spend_enrollment_token(device.id, run.now);

    nlohmann::json answer = {{"received_at", run.now}, {"results", std::move(run.results)}};
    answer["clock_skew_ms"] =
        run.skew ? nlohmann::json(run.skew->count()) : nlohmann::json(nullptr);
    return answer;
}

}  // namespace fieldgate::sync
