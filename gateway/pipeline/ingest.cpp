#include "ingest.h"

#include <algorithm>
#include <charconv>

#include "correction.h"
#include "engine/text.h"
#include "evidence.h"
#include "ids.h"
#include "lifecycle.h"
#include "time_util.h"
#include "transaction.h"

namespace fieldgate {

const char* to_string(Verdict v) {
    switch (v) {
        case Verdict::accepted:
            return "accepted";
        case Verdict::corrected:
            return "corrected";
        case Verdict::duplicate:
            return "duplicate";
        case Verdict::late:
            return "late";
        case Verdict::conflict:
            return "conflict";
        case Verdict::rejected:
            return "rejected";
    }
    return "rejected";
}

std::size_t IngestReport::count(Verdict v) const {
    return static_cast<std::size_t>(std::count_if(
        records.begin(), records.end(), [v](const RecordVerdict& r) { return r.verdict == v; }));
}

bool IngestReport::all_good() const {
    return !payload_error && count(Verdict::rejected) == 0 && count(Verdict::conflict) == 0;
}

std::string content_hash(const NormalizedResult& r) {
    // Fields joined with a separator that cannot occur in them unescaped, hashed directly:
    // building a JSON document only to hash it cost more than the hash.
    std::string canonical;
    canonical.reserve(256);
    auto add = [&canonical](std::string_view v) {
        for (char c : v) {
            if (c == '\x1f' || c == '\\') canonical += '\\';
            canonical += c;
        }
        canonical += '\x1f';
    };
    auto add_number = [&add](std::optional<double> v) {
        // Shortest round-trip form: no printf (measurable on the I/O thread), and two values that
        // differ always hash apart.
        char buf[32];
        const auto end = v ? std::to_chars(buf, buf + sizeof buf, *v).ptr : buf;
        add(std::string_view(buf, static_cast<std::size_t>(end - buf)));
    };
    add(r.outcome);
    add(r.progress);
    add(r.reason);
    add(r.vendor_status);
    add(r.vendor_reason);
    add(r.detail);
    add(r.occurred_at ? *r.occurred_at : std::string());
    add_number(r.lat);
    add_number(r.lon);
    add(r.truck);
    add(r.crew);
    add(r.driver);
    for (const auto& p : r.photos) add(p);
    add("|");
    add(r.items_collected ? std::to_string(*r.items_collected) : std::string("-"));
    return sha256_hex(canonical);
}

void prepare_ingest(IngestRequest& req) {
    if (req.raw.body_sha256.empty()) req.raw.body_sha256 = sha256_hex(req.raw.body);
    req.content_hashes.clear();
    for (const auto& rec : req.normalized.records) {
        req.content_hashes.push_back(rec.result ? content_hash(*rec.result) : std::string());
    }
}

namespace {

std::string outcome_id(std::int64_t id) {
    return "oc_" + std::to_string(id);
}

std::string join_codes(const std::vector<std::string>& codes) {
    const auto joined = engine::join(codes, ", ");
    return joined.empty() ? "no outcome" : joined;
}

class Applier {
  public:
    Applier(store::Transaction& db, const IngestContext& ctx, const IngestRequest& req)
        : db_(db), ctx_(ctx), req_(req), now_(now_utc()) {}

    // The raw payload is stored the first time something refers to it: a request that only
    // repeats what is stored leaves nothing behind.
    std::int64_t raw_id() {
        if (raw_id_ == 0)
            raw_id_ = req_.stored_raw_payload_id != 0 ? req_.stored_raw_payload_id
                                                      : db_.store_raw_payload(req_.raw);
        return raw_id_;
    }
    std::int64_t stored_raw_id() const { return raw_id_; }

    void quarantine_error(const ApiError& error, const std::string& pointer) {
        store::QuarantineEntry q;
        q.vendor = req_.vendor;
        q.channel = req_.raw.channel;
        q.body_sha256 =
            req_.raw.body_sha256.empty() ? sha256_hex(req_.raw.body) : req_.raw.body_sha256;
        if (!pointer.empty() || req_.normalized.batch) q.record_pointer = pointer;
        q.received_at = now_;
        q.http_status = error.status;
        q.problem_type = error.type;
        q.problem_json = error.to_problem().dump();
        db_.quarantine(std::move(q), [this] { return raw_id(); });
    }

    void reject(RecordVerdict& v, ApiError error) {
        v.verdict = Verdict::rejected;
        quarantine_error(error, v.pointer);
        v.errors.push_back(std::move(error));
    }

    ApiError conflict_error(const NormalizedResult& r, const store::WorkOrder& wo,
                            std::int64_t conflict_id) {
        auto code = [](const NormalizedResult& x) {
            return x.outcome + (x.reason.empty() ? "" : "/" + x.reason);
        };
        const auto current = wo.outcome_id ? db_.find_outcome(*wo.outcome_id) : std::nullopt;
        const std::string was = current ? code(current->result) : wo.status;
        ApiError e{409,
                   "outcome-conflict",
                   "Outcome conflicts with the recorded one",
                   "work order " + wo.crm_case_id + " is already closed as " + was +
                       "; this result (" + code(r) + ") is kept as conflict " +
                       outcome_id(conflict_id) + " for review and not applied",
                   r.pointer,
                   nlohmann::json::object()};
        e.extra["outcome_id"] = outcome_id(conflict_id);
        return e;
    }

    // The verdict for one order; `rejected` here is a result for an order the city cancelled.
    struct OrderResult {
        Verdict kind;
        std::int64_t outcome_id = 0;
        std::optional<ApiError> error;
    };

    // The correction becomes the order's current outcome (what evidence and the work order view
    // show) and the history says what changed; the status stays. No CRM event: what the
    // resident is told is decided by outcome and reason, which a correction never changes.
    void record_correction(const store::WorkOrder& wo, const NormalizedResult& before,
                           const NormalizedResult& after, std::int64_t outcome) {
        db_.update_work_order_status(wo.id, wo.status, outcome, now_);
        db_.append_history(wo.id,
                           store::HistoryEntry{now_, wo.status, wo.status, req_.source, outcome,
                                               correction_note(before, after, raw_id())});
    }

    // The outcome row, with the evidence its reason expects checked against the order.
    store::OutcomeRow insert_outcome(const NormalizedResult& r, const std::string& hash,
                                     const store::WorkOrder& wo, const std::string& disposition) {
        store::OutcomeRow row;
        row.work_order_id = wo.id;
        row.vendor = req_.vendor;
        row.source = req_.source;
        row.vendor_ref = r.vendor_ref;
        row.content_hash = hash;
        row.disposition = disposition;
        row.result = r;
        row.result.crm_case_id = wo.crm_case_id;
        row.received_at = now_;
        row.mapping_version = req_.mapping_version;
        row.catalog_version = ctx_.catalog->version();
        row.raw_payload_id = raw_id();
        const ReasonInfo* reason = r.reason.empty() ? nullptr : ctx_.catalog->reason(r.reason);
        const auto evidence = check_evidence(r, reason, wo, ctx_.city_zone);
        row.evidence_json = evidence.detail.dump();
        row.evidence_complete = evidence.complete;
        row.id = db_.insert_outcome(row);
        return row;
    }

    // One result against one work order, decided inside the writer's transaction so two
    // results for the same order can never both pass the checks.
    OrderResult apply_to(const NormalizedResult& r, const std::string& hash, store::WorkOrder wo) {
        if (auto same = db_.find_outcome_by_content(req_.vendor, r.vendor_ref, wo.id, hash)) {
            // A repeat answers as the first did: a conflict stays a conflict.
            if (same->disposition == "conflict")
                return {Verdict::conflict, same->id, conflict_error(r, wo, same->id)};
            return {Verdict::duplicate, same->id, std::nullopt};
        }
        // Cancelled by the city (no outcome behind it): nothing from the field applies any
        // more. A cancellation the vendor reported is a terminal outcome like any other.
        if (wo.status == "cancelled" && !wo.outcome_id) {
            return {Verdict::rejected, 0,
                    ApiError{409, "work-order-cancelled", "Work order cancelled",
                             "work order " + wo.crm_case_id +
                                 " was cancelled by the city; this result is kept for review and "
                                 "not applied",
                             r.pointer, nlohmann::json::object()}};
        }

        const bool terminal_now = is_terminal_status(wo.status);
        std::optional<store::OutcomeRow> current;  // the terminal outcome (or its correction)
        std::string disposition = "applied";
        std::string new_status;
        if (!r.progress.empty()) {
            if (terminal_now || status_rank(r.progress) <= status_rank(wo.status))
                disposition = "late";
            else
                new_status = r.progress;
        } else if (terminal_now) {
            if (wo.outcome_id) current = db_.find_outcome(*wo.outcome_id);
            if (current && current->result.outcome == r.outcome &&
                current->result.reason == r.reason) {
                // The same word under the vendor's same reference with other details is an edit
                // on its side (an exact repeat was found above by its hash); under another
                // reference (another channel, another tablet) it is a second report that agrees.
                if (current->vendor != req_.vendor || current->vendor_ref != r.vendor_ref)
                    return {Verdict::duplicate, current->id, std::nullopt};
                disposition = "correction";
            } else {
                disposition = "conflict";
            }
        } else {
            new_status = status_for_outcome(r.outcome);
        }

        const auto row = insert_outcome(r, hash, wo, disposition);
        if (disposition == "conflict")
            return {Verdict::conflict, row.id, conflict_error(r, wo, row.id)};
        if (disposition == "late") return {Verdict::late, row.id, std::nullopt};
        if (disposition == "correction") {
            record_correction(wo, current->result, r, row.id);
            return {Verdict::corrected, row.id, std::nullopt};
        }

        db_.update_work_order_status(
            wo.id, new_status,
            r.outcome.empty() ? std::nullopt : std::optional<std::int64_t>(row.id), now_);
        db_.append_history(wo.id, store::HistoryEntry{now_, wo.status, new_status, req_.source,
                                                      row.id, std::nullopt});
        wo.status = new_status;
        db_.enqueue_event(status_event(ctx_.events, wo, new_status, row.id, now_));
        return {Verdict::accepted, row.id, std::nullopt};
    }

    // A record the mapping could not normalize: every error answered, all in the quarantine.
    void refuse_unnormalized(RecordVerdict& v, const RecordResult& rec) {
        v.pointer = rec.result ? rec.result->pointer
                               : (rec.errors.empty() ? "" : rec.errors.front().pointer);
        if (rec.result) {
            v.vendor_ref = rec.result->vendor_ref;
            v.crm_case_id = rec.result->crm_case_id;
        }
        v.verdict = Verdict::rejected;
        for (const auto& e : rec.errors) v.errors.push_back(to_api_error(e));
        if (v.errors.empty())
            v.errors.push_back(
                unprocessable("invalid-record", "the record could not be normalized", v.pointer));
        quarantine_error(listing_all(v.errors), v.pointer);
    }

    // Applies to every open stop of the route and day (stops with a result of their own are
    // closed by now, cancelled ones are not open). A re-upload finds them all done already and
    // answers duplicate.
    void apply_route_level(RecordVerdict& v, const NormalizedResult& r, const std::string& hash) {
        const auto orders = db_.open_orders_on_route(req_.vendor, r.route.id, r.route.date);
        bool any_new = orders.empty();
        for (const auto& wo : orders) {
            auto applied = apply_to(r, hash, wo);
            if (applied.kind == Verdict::accepted || applied.kind == Verdict::late ||
                applied.kind == Verdict::corrected)
                any_new = true;
            v.outcome_ids.push_back(outcome_id(applied.outcome_id));
            v.work_order_ids.push_back(wo.id);
        }
        if (orders.empty()) {
            // Applied by an earlier upload: a repeat. Otherwise it reached no stop.
            v.verdict = db_.outcome_ref_exists(req_.vendor, r.vendor_ref) ? Verdict::duplicate
                                                                          : Verdict::accepted;
        } else {
            v.verdict = any_new ? Verdict::accepted : Verdict::duplicate;
        }
    }

    RecordVerdict apply(std::size_t index, const RecordResult& rec) {
        const std::string hash =
            index < req_.content_hashes.size() && !req_.content_hashes[index].empty()
                ? req_.content_hashes[index]
                : (rec.result ? content_hash(*rec.result) : std::string());
        RecordVerdict v;
        v.index = index;
        if (!rec.ok()) {
            refuse_unnormalized(v, rec);
            return v;
        }
        const auto& r = *rec.result;
        v.pointer = r.pointer;
        v.vendor_ref = r.vendor_ref;
        v.crm_case_id = r.crm_case_id;
        v.route_level = r.route_level;
        if (!r.outcome.empty() && !ctx_.catalog->allows(r.outcome, r.reason)) {
            // Mappings are checked at load and crew actions on arrival; this is the last word
            // for what a C++ adapter produced.
            reject(v, unprocessable(
                          "reason-not-allowed",
                          "the catalog (" + ctx_.catalog->version() + ") does not allow " +
                              (r.reason.empty() ? "no reason" : r.reason) + " with " + r.outcome +
                              "; it comes with " + join_codes(ctx_.catalog->outcomes_for(r.reason)),
                          r.pointer));
            return v;
        }

        if (r.route_level) {
            apply_route_level(v, r, hash);
            return v;
        }

        auto wo = db_.find_work_order_state_by_case(r.crm_case_id);
        if (!wo || !wo->vendor || *wo->vendor != req_.vendor) {
            // Same answer for unknown and for another vendor's order: a vendor learns nothing
            // about work that is not its own.
            reject(v, unprocessable("unknown-work-order",
                                    "no work order '" + r.crm_case_id + "' is assigned to " +
                                        req_.vendor + "; check the service request number",
                                    r.pointer));
            return v;
        }
        auto applied = apply_to(r, hash, *wo);
        v.work_order_ids.push_back(wo->id);
        if (applied.outcome_id) v.outcome_ids.push_back(outcome_id(applied.outcome_id));
        if (applied.kind == Verdict::rejected) {
            reject(v, std::move(*applied.error));
            return v;
        }
        v.verdict = applied.kind;
        if (applied.error) v.errors.push_back(std::move(*applied.error));
        return v;
    }

  private:
    store::Transaction& db_;
    const IngestContext& ctx_;
    const IngestRequest& req_;
    std::int64_t raw_id_ = 0;
    std::string now_;
};

}  // namespace

IngestReport apply_ingest(store::Transaction& db, const IngestContext& ctx,
                          const IngestRequest& req) {
    IngestReport report;
    report.batch = req.normalized.batch;
    Applier applier(db, ctx, req);

    if (req.refused || req.normalized.payload_error) {
        ApiError error = req.refused ? *req.refused : to_api_error(*req.normalized.payload_error);
        applier.quarantine_error(error, "");
        report.payload_error = std::move(error);
    } else if (req.normalized.records.empty()) {
        ApiError error = unprocessable("empty-payload", "the payload holds no result", "");
        applier.quarantine_error(error, "");
        report.payload_error = std::move(error);
    } else {
        // Route-level events apply to the stops that have no result of their own, so they go last.
        const auto& records = req.normalized.records;
        report.records.resize(records.size());
        for (int pass = 0; pass < 2; ++pass) {
            for (std::size_t i = 0; i < records.size(); ++i) {
                const bool route_level =
                    records[i].result && records[i].result->route_level && records[i].ok();
                if ((pass == 0) == route_level) continue;
                report.records[i] = applier.apply(i, records[i]);
            }
        }
    }
    report.raw_payload_id = applier.stored_raw_id();
    return report;
}

}  // namespace fieldgate
