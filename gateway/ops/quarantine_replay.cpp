#include "quarantine_replay.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <variant>

#include "time_util.h"
#include "transaction.h"
#include "types.h"

namespace fieldgate::ops {

namespace {

// One stored body to re-run, and the entries it answers for.
struct PayloadReplay {
    std::optional<std::string> vendor;
    std::string body_sha256;
    std::shared_ptr<IngestRequest> request;
};

constexpr const char* kSyncNotReplayable =
    "crew sync actions are not replayed: there is no mapping to fix, the tablet got this "
    "refusal in its sync reply and the crew sends the corrected action with its next sync";

// The request a fresh arrival of the stored body would have made, through the vendor's CURRENT
// adapter; or why this entry cannot be re-run.
std::variant<std::shared_ptr<IngestRequest>, std::string> replay_request(
    const store::QuarantinedPayload& stored, const VendorEntry& vendor,
    const QuarantineReplayer::MqttRequest& mqtt, const IngestService& ingest) {
    const auto& entry = stored.row.entry;
    const auto& spec = vendor.spec;
    if (entry.channel == "mqtt") {
        if (!mqtt)
            return std::string(
                "MQTT messages are replayed through the truck service, and MQTT is not "
                "configured in this gateway");
        auto built = mqtt(stored.raw);
        if (auto* req = std::get_if<std::shared_ptr<IngestRequest>>(&built)) {
            (*req)->raw = stored.raw;
            (*req)->stored_raw_payload_id = entry.raw_payload_id;
        }
        return built;
    }
    if (entry.channel != "http" && entry.channel != "poll")
        return "payloads that came over " + entry.channel + " cannot be replayed";
    auto req = std::make_shared<IngestRequest>();
    req->vendor = spec.id;
    req->source = "vendor:" + spec.id;
    req->mapping_version = spec.mapping_version;
    req->raw = stored.raw;
    req->stored_raw_payload_id = entry.raw_payload_id;
    // A polled page is whatever the vendor's API answered: the gateway asked for it, so the
    // media types a vendor may push do not apply.
    const auto type = http::media_type(stored.raw.content_type);
    if (entry.channel == "http" && std::find(spec.content_types.begin(), spec.content_types.end(),
                                             type) == spec.content_types.end()) {
        req->refused = ApiError{415,
                                "unsupported-media-type",
                                "Unsupported media type",
                                "Content-Type '" + type + "' is not accepted for " + spec.id,
                                "Content-Type",
                                nlohmann::json::object()};
    } else {
        ingest.normalize(*req, *vendor.adapter, req->raw.body);
    }
    return req;
}

// The verdict an entry gets from the replay report: its own record's when the pointer still
// names one, else the payload's as a whole.
std::pair<Verdict, nlohmann::json> verdict_for(const store::QuarantineRow& row,
                                               const IngestReport& report) {
    nlohmann::json detail = nlohmann::json::object();
    if (report.payload_error) {
        detail["errors"] = nlohmann::json::array({report.payload_error->to_problem()});
        return {Verdict::rejected, detail};
    }
    // A refused record is kept under its error's pointer ("/results/1/exception/code"); the
    // record it belongs to is the one whose pointer is the longest prefix of it.
    const RecordVerdict* own = nullptr;
    const std::string pointer = row.entry.record_pointer.value_or("");
    for (const auto& r : report.records) {
        const bool contains =
            !r.pointer.empty() && pointer.rfind(r.pointer, 0) == 0 &&
            (pointer.size() == r.pointer.size() || pointer[r.pointer.size()] == '/');
        if ((r.pointer == pointer || contains) && (!own || r.pointer.size() > own->pointer.size()))
            own = &r;
    }
    if (!own && report.records.size() == 1) own = &report.records.front();
    auto describe = [&detail](const RecordVerdict& r) {
        for (const auto& id : r.outcome_ids) detail["outcome_ids"].push_back(id);
        for (const auto& e : r.errors) detail["errors"].push_back(e.to_problem());
    };
    if (own) {
        describe(*own);
        return {own->verdict, detail};
    }
    Verdict worst = report.records.empty() ? Verdict::rejected : report.records.front().verdict;
    for (const auto& r : report.records) {
        describe(r);
        if (r.verdict == Verdict::rejected) worst = Verdict::rejected;
        if (r.verdict == Verdict::accepted && worst != Verdict::rejected) worst = Verdict::accepted;
    }
    return {worst, detail};
}

using Payloads = std::map<std::pair<std::string, std::string>, PayloadReplay>;

// The writer jobs of one replay call still to finish, and the first error among them.
struct Pending {
    std::mutex mutex;
    std::size_t remaining = 0;
    std::exception_ptr error;
};

// Reads each entry and, for the open ones that can be re-run, builds the request once per
// stored body; every other entry gets its answer in `results` at once.
void collect(store::Transaction& db, const std::vector<std::int64_t>& ids,
             const VendorRegistry* registry, const QuarantineReplayer::MqttRequest& mqtt,
             const IngestService& ingest, std::vector<ReplayItem>& results, Payloads& payloads) {
    for (const auto id : ids) {
        ReplayItem item;
        item.id = id;
        auto stored = db.find_quarantined_payload(id);
        if (!stored) {
            item.result = "not_found";
            results.push_back(std::move(item));
            continue;
        }
        const auto& entry = stored->row.entry;
        item.state = entry.state;
        auto refuse = [&](const std::string& why) {
            item.result = "not_replayable";
            item.detail["reason"] = why;
            results.push_back(std::move(item));
        };
        if (entry.state != "open") {
            item.result = "skipped";
            item.verdict = stored->row.replay_verdict.value_or("");
            item.detail["reason"] = "the entry is " + entry.state + ", not open";
            results.push_back(std::move(item));
            continue;
        }
        if (entry.channel == "sync") {
            refuse(kSyncNotReplayable);
            continue;
        }
        const VendorEntry* vendor =
            entry.vendor && registry ? registry->find(*entry.vendor) : nullptr;
        if (!vendor) {
            refuse("no vendor '" + entry.vendor.value_or("") + "' is configured");
            continue;
        }
        if (entry.http_status == 401 || entry.http_status == 403) {
            refuse("refused before the sender was authenticated; the vendor must send it again");
            continue;
        }
        if (stored->raw.truncated) {
            refuse("only part of the body was kept (it was over the size limit)");
            continue;
        }
        const auto key = std::make_pair(*entry.vendor, entry.body_sha256);
        if (!payloads.contains(key)) {
            auto built = replay_request(*stored, *vendor, mqtt, ingest);
            if (auto* why = std::get_if<std::string>(&built)) {
                refuse(*why);
                continue;
            }
            auto req = std::get<std::shared_ptr<IngestRequest>>(std::move(built));
            payloads.emplace(key, PayloadReplay{entry.vendor, entry.body_sha256, req});
        }
    }
}

}  // namespace

QuarantineReplayer::QuarantineReplayer(store::Writer& writer, store::ReadPool& reads,
                                       Vendors vendors, const IngestService& ingest,
                                       MqttRequest mqtt)
    : writer_(writer),
      reads_(reads),
      vendors_(std::move(vendors)),
      ingest_(ingest),
      mqtt_(std::move(mqtt)) {}

void QuarantineReplayer::replay(const std::vector<std::int64_t>& ids, Done done) {
    auto results = std::make_shared<std::vector<ReplayItem>>();
    Payloads payloads;
    const auto registry = vendors_();
    {
        auto db = reads_.acquire();
        collect(*db, ids, registry.get(), mqtt_, ingest_, *results, payloads);
    }
    if (payloads.empty()) {
        done(std::move(*results), nullptr);
        return;
    }

    auto pending = std::make_shared<Pending>();
    pending->remaining = payloads.size();
    // A job still queued when the gateway shuts down runs after the routes (and this replayer)
    // are gone; the ingest service outlives the writer.
    const IngestService* ingest = &ingest_;
    for (const auto& entry : payloads) {
        // Not a structured binding: clang before 16 (the fuzz build) cannot capture one.
        const auto& payload = entry.second;
        auto own = std::make_shared<std::vector<ReplayItem>>();
        auto job = [payload, own, ingest](store::Transaction& db) {
            // Read again inside the transaction: a concurrent replay may have got there first.
            const auto entries = db.quarantine_of_body(payload.vendor, payload.body_sha256);
            std::vector<store::QuarantineRow> open;
            for (const auto& e : entries)
                if (e.entry.state == "open") open.push_back(e);
            if (open.empty()) return;
            const auto report = ingest->apply(db, *payload.request);
            const auto at = now_utc();
            for (const auto& e : open) {
                auto [verdict, detail] = verdict_for(e, report);
                const bool resolved = verdict != Verdict::rejected;
                detail["mapping_version"] = payload.request->mapping_version;
                db.record_replay(e.entry.id, to_string(verdict), detail.dump(), resolved, at);
                ReplayItem item;
                item.id = e.entry.id;
                item.result = "replayed";
                item.verdict = to_string(verdict);
                item.state = resolved ? "replayed" : "open";
                item.detail = std::move(detail);
                own->push_back(std::move(item));
            }
        };
        auto finished = [pending, own, results, done, ids](std::exception_ptr error) {
            std::unique_lock lock(pending->mutex);
            if (error) {
                pending->error = error;
            } else {
                for (auto& item : *own) {
                    // An entry asked for by id and re-run answers once, as replayed.
                    std::erase_if(*results,
                                  [&item](const ReplayItem& r) { return r.id == item.id; });
                    results->push_back(std::move(item));
                }
            }
            if (--pending->remaining == 0) {
                auto error_out = pending->error;
                lock.unlock();
                for (const auto id : ids) {
                    if (std::none_of(results->begin(), results->end(),
                                     [id](const ReplayItem& r) { return r.id == id; }))
                        results->push_back(ReplayItem{
                            id, "skipped", "", "replayed", {{"reason", "replayed concurrently"}}});
                }
                std::sort(results->begin(), results->end(),
                          [](const ReplayItem& a, const ReplayItem& b) { return a.id < b.id; });
                done(std::move(*results), error_out);
            }
        };
        if (!writer_.submit(job, finished)) {
            finished(std::make_exception_ptr(std::runtime_error("the write queue is full")));
        }
    }
}

}  // namespace fieldgate::ops
