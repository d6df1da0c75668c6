#include "ingest_service.h"

#include <future>

#include "adapter.h"
#include "time_util.h"
#include "transaction.h"

namespace fieldgate {
namespace {

bool nothing_to_record(const IngestRequest& req) {
    return !req.refused && !req.normalized.payload_error && req.normalized.records.empty();
}

// Under an Idempotency-Key: answers from the earlier answer, if there is one. True when the job
// is done (nothing new is recorded).
bool answered_before(store::Transaction& db, const IngestRequest& req, const IdempotentAnswer& key,
                     IngestAnswer& answer) {
    auto previous = db.find_stored_response(req.vendor, key.key);
    if (!previous) return false;
    if (previous->request_sha256 == key.body_sha256) {
        answer.kept = std::move(*previous);
        answer.replayed = true;
    } else {
        answer.kept = key.key_reused();
    }
    return true;
}

void keep_answer(store::Transaction& db, const IngestRequest& req, const IdempotentAnswer& key,
                 IngestAnswer& answer) {
    answer.kept = key.render(answer.report);
    answer.kept->request_sha256 = key.body_sha256;
    // A 5xx is an answer about this moment, not about the payload: the repeat is decided anew.
    if (answer.kept->status < 500) db.store_response(req.vendor, key.key, *answer.kept, now_utc());
}

// What the job will read: the work order and the outcomes by content of each result that names
// its order (a route-level one finds its orders by route), fetched with its batch.
store::ReadAhead reads_of(const IngestRequest& req) {
    store::ReadAhead reads;
    reads.repeatable = true;  // job(): the answer is set afresh, `also` only writes to the store
    if (req.refused || req.normalized.payload_error) return reads;
    const auto& records = req.normalized.records;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const auto& rec = records[i];
        if (!rec.ok() || !rec.result || rec.result->route_level) continue;
        reads.crm_case_ids.push_back(rec.result->crm_case_id);
        if (i < req.content_hashes.size()) reads.content_hashes.push_back(req.content_hashes[i]);
        ++reads.new_outcomes;
    }
    if (reads.new_outcomes > 0 && req.stored_raw_payload_id == 0) reads.new_raw_payloads = 1;
    return reads;
}

}  // namespace

ApiError overloaded_refusal() {
    return api_error(503, "overloaded", "Gateway overloaded",
                     "the write queue is full; retry later");
}

IngestService::IngestService(store::Writer& writer, IngestContext context)
    : writer_(writer), context_(std::make_shared<const IngestContext>(std::move(context))) {}

void IngestService::normalize(IngestRequest& req, const VendorAdapter& adapter,
                              std::string_view body) const {
    req.normalized = adapter.normalize(body);
    prepare_ingest(req);
}

IngestReport IngestService::apply(store::Transaction& db, IngestRequest& req) const {
    if (req.content_hashes.size() != req.normalized.records.size()) prepare_ingest(req);
    return apply_ingest(db, *context_, req);
}

store::Writer::Job IngestService::job(std::shared_ptr<IngestRequest> req, IngestOptions options,
                                      std::shared_ptr<IngestAnswer> answer) const {
    if (req->content_hashes.size() != req->normalized.records.size()) prepare_ingest(*req);
    return [req = std::move(req), options = std::move(options), answer = std::move(answer),
            context = context_](store::Transaction& db) {
        *answer = IngestAnswer{};
        const auto& key = options.idempotency;
        if (key && !req->refused && answered_before(db, *req, *key, *answer)) return;
        if (!(options.skip_empty && nothing_to_record(*req)))
            answer->report = apply_ingest(db, *context, *req);
        if (options.also) options.also(db, answer->report);
        if (key && !req->refused) keep_answer(db, *req, *key, *answer);
    };
}

void IngestService::submit(std::shared_ptr<IngestRequest> req, IngestOptions options, Done done) {
    auto answer = std::make_shared<IngestAnswer>();
    auto reads = reads_of(*req);
    auto work = job(std::move(req), std::move(options), answer);
    const bool queued = writer_.submit(
        std::move(work),
        [answer, done](std::exception_ptr error) {
            if (error) {
                IngestAnswer failed;
                failed.status = IngestAnswer::Status::store_unavailable;
                failed.refusal = store_unavailable(error);
                failed.error = error;
                done(std::move(failed));
                return;
            }
            done(std::move(*answer));
        },
        std::move(reads));
    if (!queued) {
        IngestAnswer refused;
        refused.status = IngestAnswer::Status::overloaded;
        refused.refusal = overloaded_refusal();
        done(std::move(refused));
    }
}

IngestAnswer IngestService::run(std::shared_ptr<IngestRequest> req, IngestOptions options) {
    std::promise<IngestAnswer> promise;
    auto future = promise.get_future();
    submit(std::move(req), std::move(options),
           [&promise](IngestAnswer answer) { promise.set_value(std::move(answer)); });
    return future.get();
}

}  // namespace fieldgate
