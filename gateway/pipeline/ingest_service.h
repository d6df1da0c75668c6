// IngestService: the one way anything becomes an outcome. Six sources feed it (the vendor
// results route, the poller, MQTT stop events, the arrival detector, crew sync, quarantine
// replay); each only translates its input into an IngestRequest and the service's answer into
// its own protocol. The service owns the rest: the vendor adapter's normalization, the hashes,
// the writer job that stores the payload, outcomes and outbox events together (ingest.h), an
// Idempotency-Key's stored answer in that same job, and the overloaded / store-unavailable
// refusals.
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ingest.h"
#include "writer.h"

namespace fieldgate {

class VendorAdapter;

// An HTTP vendor's Idempotency-Key: the first answer under the key is kept with the body's hash;
// a repeat with the same body gets it back, one with another body a refusal.
struct IdempotentAnswer {
    std::string key;
    std::string body_sha256;
    // The answer to keep (rendered in the vendor's style) for a report just decided.
    std::function<store::StoredResponse(const IngestReport&)> render;
    // The refusal when the key was used before with another body.
    std::function<store::StoredResponse()> key_reused;
};

struct IngestOptions {
    std::optional<IdempotentAnswer> idempotency;
    // More writes in the same unit of work, after the outcome (the poller's next position):
    // both commit or neither does.
    std::function<void(store::Transaction&, const IngestReport&)> also;
    // Nothing to record when the payload holds no record and no refusal (an empty poll page):
    // only `also` runs.
    bool skip_empty = false;
};

struct IngestAnswer {
    enum class Status { committed, overloaded, store_unavailable };
    Status status = Status::committed;
    IngestReport report;
    // Under an Idempotency-Key: the answer kept (this one, or an earlier one replayed).
    std::optional<store::StoredResponse> kept;
    bool replayed = false;
    // overloaded / store_unavailable: what to tell the sender (nothing was stored).
    std::optional<ApiError> refusal;
    std::exception_ptr error;  // store_unavailable: the store's exception
    bool committed() const { return status == Status::committed; }
};

class IngestService {
  public:
    using Done = std::function<void(IngestAnswer)>;

    IngestService(store::Writer& writer, IngestContext context);
    IngestService(const IngestService&) = delete;
    IngestService& operator=(const IngestService&) = delete;

    // The vendor adapter turns the body into records, then the hashes are taken: on the caller's
    // thread, so the writer's transaction only reads and writes.
    void normalize(IngestRequest& req, const VendorAdapter& adapter, std::string_view body) const;

    // Queues the writer job. `done` runs on the writer's thread after the commit (or its
    // failure), or at once with Status::overloaded when the write queue is full.
    void submit(std::shared_ptr<IngestRequest> req, IngestOptions options, Done done);
    // The same, waiting for the commit.
    IngestAnswer run(std::shared_ptr<IngestRequest> req, IngestOptions options = {});

    // The writer job itself, for a source with its own commit discipline (MQTT holds the PUBACK
    // and tries a passing failure again); `answer` is filled when the job has run.
    store::Writer::Job job(std::shared_ptr<IngestRequest> req, IngestOptions options,
                           std::shared_ptr<IngestAnswer> answer) const;

    // Within a unit of work the caller already holds (crew sync's action batch, a quarantine
    // replay, whose own rows commit with the outcome).
    IngestReport apply(store::Transaction& db, IngestRequest& req) const;

    const IngestContext& context() const { return *context_; }

  private:
    store::Writer& writer_;
    // Shared with queued jobs: a job still queued at shutdown runs after its source is gone.
    std::shared_ptr<const IngestContext> context_;
};

// The refusal a sender gets when nothing was stored.
ApiError overloaded_refusal();

}  // namespace fieldgate
