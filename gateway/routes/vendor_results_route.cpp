// Router::post_vendor_results: POST /v1/vendors/{vendor}/results, the one way in for vendor
// posts (README "How a vendor result is decided"). Who is calling comes first: nothing of a
// request whose credentials are refused, or cannot be checked, is stored. Then the vendor's own
// transport limits, its rate limit, its adapter, and one writer job that records the outcome
// (or the quarantine entry) and, under an Idempotency-Key, the answer.
#include <algorithm>

#include "admission.h"
#include "gateway_metrics.h"
#include "ids.h"
#include "ingest_service.h"
#include "route_catalog.h"
#include "router.h"
#include "time_util.h"
#include "transaction.h"
#include "vendor_auth.h"
#include "vendor_responses.h"

namespace fieldgate {
namespace {

std::shared_ptr<IngestRequest> new_ingest(const VendorSpec& spec, const http::Request& request,
                                          const std::string& request_id) {
    auto ingest = std::make_shared<IngestRequest>();
    ingest->vendor = spec.id;
    ingest->source = "vendor:" + spec.id;
    ingest->mapping_version = spec.mapping_version;
    ingest->raw.vendor = spec.id;
    ingest->raw.channel = "http";
    ingest->raw.received_at = now_utc();
    ingest->raw.content_type = std::string(request.header("content-type").value_or(""));
    ingest->raw.request_id = request_id;
    ingest->raw.headers_json = safe_headers_json(request);
    ingest->raw.body = redact_credentials(spec, request.body);
    ingest->raw.truncated = request.body_too_large;
    return ingest;
}

// 413 or 415 for a known vendor: kept for replay (quarantined), unlike a refused credential.
std::optional<ApiError> transport_refusal(const VendorSpec& spec, const http::Request& request) {
    if (request.body_too_large) {
        return api_error(413, "payload-too-large", "Payload too large",
                         "the body (" + std::to_string(request.declared_length) +
                             " bytes) is larger than " + spec.id + "'s limit of " +
                             std::to_string(spec.max_body_bytes) + " bytes; split it");
    }
    const std::string type = http::media_type(request.header("content-type"));
    if (std::find(spec.content_types.begin(), spec.content_types.end(), type) !=
        spec.content_types.end())
        return std::nullopt;
    std::string accepted;
    for (const auto& t : spec.content_types) accepted += (accepted.empty() ? "" : ", ") + t;
    return api_error(
        415, "unsupported-media-type", "Unsupported media type",
        "Content-Type '" + type + "' is not accepted for " + spec.id + "; send " + accepted,
        "Content-Type");
}

// Under an Idempotency-Key the answer is rendered in the writer job, to be kept with the key;
// the full response (headers too) is what this request gets.
IdempotentAnswer idempotent_answer(std::string key, const http::Request& request,
                                   const ResponseSpec& style, const std::string& request_id,
                                   std::shared_ptr<std::optional<http::Response>> rendered) {
    IdempotentAnswer answer;
    answer.body_sha256 = sha256_hex(request.body);
    answer.render = [style, request_id, rendered](const IngestReport& report) {
        const auto& r = rendered->emplace(render_ingest(style, report, request_id));
        return store::StoredResponse{"", r.status, r.content_type, r.body};
    };
    answer.key_reused = [style, key, rendered]() {
        const auto& r = rendered->emplace(render_vendor_error(
            style,
            unprocessable("idempotency-key-reused",
                          "Idempotency-Key '" + key + "' was already used with a different body",
                          "Idempotency-Key")));
        return store::StoredResponse{"", r.status, r.content_type, r.body};
    };
    answer.key = std::move(key);
    return answer;
}

// The answer to a request decided under an Idempotency-Key: kept now, or an earlier one.
http::Response kept_answer(const IngestAnswer& answer,
                           const std::optional<http::Response>& rendered) {
    if (!answer.replayed && rendered) return *rendered;
    http::Response r{
        answer.kept->status, answer.kept->content_type, {}, answer.kept->body, false, {}};
    if (answer.replayed) r.headers.push_back({"idempotent-replayed", "true"});
    return r;
}

}  // namespace

bool Router::refuse_unknown_caller(const VendorSpec& spec, const http::Request& request,
                                   http::Respond& respond) {
    if (request.body_too_large && credentials_in_body(spec)) {
        respond(render_vendor_error(
            spec.response,
            api_error(413, "payload-too-large", "Payload too large",
                      "the body is larger than " + spec.id + "'s limit of " +
                          std::to_string(std::min(spec.max_body_bytes, kPreAuthVendorBodyBytes)) +
                          " bytes (its credentials travel in the body, which is read only this far "
                          "before they are checked); split it")));
        return true;
    }
    auto denied =
        authenticate_vendor(spec, request, *parts_.secrets, std::chrono::system_clock::now());
    if (!denied) return false;
    const auto first = std::string_view(request.body).substr(0, AuthRefusals::kFingerprintBytes);
    auth_refusals_.refused(request.client_address, kVendorResultsRoute,
                           "vendor " + spec.id + ": " + denied->detail, first, steady_now());
    metrics::count_auth_refused(kVendorResultsRoute, "credential");
    respond(render_vendor_error(spec.response, *denied));
    return true;
}

void Router::post_vendor_results(const std::string& vendor, http::Request& request,
                                 http::Respond& respond) {
    auto registry = parts_.vendors();
    const VendorEntry* entry = registry ? registry->find(vendor) : nullptr;
    if (!entry) {
        respond(problem(404, "unknown-vendor", "Unknown vendor",
                        "no vendor '" + vendor + "' is configured"));
        return;
    }
    const VendorSpec& spec = entry->spec;
    if (refuse_unknown_caller(spec, request, respond)) return;

    const auto tracking = request.header("request-tracking-id");
    const std::string request_id = tracking ? std::string(*tracking) : random_id("req_");
    auto ingest = new_ingest(spec, request, request_id);
    auto refused = transport_refusal(spec, request);
    if (!refused) {
        if (auto limited = take_vendor_request(parts_.rate_limits, spec)) {
            // Not quarantined: the vendor still holds the payload and sends it again, and a
            // flood kept would let one vendor fill the disk (vendor_rate_limits.h). The status
            // stays 429 for every answer style, a SOAP Fault's too, so that the vendor's HTTP
            // stack sees it.
            auto r = render_vendor_error(spec.response, limited->error);
            r.status = 429;
            r.headers.push_back({"retry-after", std::to_string(limited->retry_after_s)});
            respond(std::move(r));
            return;
        }
    }
    // Normalizing thousands of results takes long enough to stall every other request on the
    // I/O thread: a large payload is normalized, and its answer rendered, on the ingest threads
    // (work_queue.h). A small one stays on the I/O thread, where the two thread hops it would
    // cost measured 30-45% of the ingest throughput (README "Security checks").
    const bool offload = ingest_queue_ && request.body.size() >= kInlineBodyBytes;
    const std::weak_ptr<WorkQueue> render_on =
        offload ? std::weak_ptr<WorkQueue>(ingest_queue_) : std::weak_ptr<WorkQueue>();
    auto held = std::make_shared<http::Request>(std::move(request));
    auto job = [this, registry, entry, ingest, refused, held, request_id, render_on,
                respond]() mutable {
        if (refused)
            ingest->refused = std::move(*refused);
        else
            parts_.ingest->normalize(*ingest, *entry->adapter, held->body);
        submit_ingest(std::move(ingest), *held, entry->spec.response, request_id, render_on,
                      respond);
    };
    if (!offload) {
        job();
    } else if (!ingest_queue_->post(std::move(job))) {
        respond(render_vendor_error(spec.response,
                                    api_error(503, "overloaded", "Gateway overloaded",
                                              "too many payloads wait to be read; retry later")));
    }
}

void Router::submit_ingest(std::shared_ptr<IngestRequest> ingest, const http::Request& request,
                           const ResponseSpec& style, const std::string& request_id,
                           const std::weak_ptr<WorkQueue>& render_on, http::Respond& respond) {
    const auto key_header = request.header("idempotency-key");
    IngestOptions options;
    // The writer only decides and commits; the answer is rendered after, off the writer's
    // thread, except when it must be kept under an Idempotency-Key.
    auto rendered = std::make_shared<std::optional<http::Response>>();
    if (key_header && !ingest->refused)
        options.idempotency =
            idempotent_answer(std::string(*key_header), request, style, request_id, rendered);
    const bool too_large = request.body_too_large;
    const std::weak_ptr<WorkQueue> queue = render_on;
    parts_.ingest->submit(
        ingest, std::move(options),
        [queue, ingest, rendered, respond, style, too_large, request_id](IngestAnswer answer) {
            if (!answer.committed()) {
                respond(render_vendor_error(style, *answer.refusal));
                return;
            }
            if (answer.kept) {
                metrics::count_ingest(*ingest, answer.report);  // rare: Idempotency-Key
                auto r = kept_answer(answer, *rendered);
                r.close = r.close || too_large;
                respond(std::move(r));
                return;
            }
            // Rendered and counted on an ingest thread: neither on the writer's (which would
            // hold up the next commit) nor on the I/O thread (a report of thousands of results).
            auto report = std::make_shared<IngestReport>(std::move(answer.report));
            auto render = [ingest, report, style, request_id, too_large](http::Response& r) {
                metrics::count_ingest(*ingest, *report);
                r = render_ingest(style, *report, request_id);
                r.close = r.close || too_large;
            };
            const auto threads = queue.lock();
            const bool posted = threads && threads->post([render, respond]() mutable {
                http::Response r;
                render(r);
                respond(std::move(r));
            });
            if (!posted) {  // a small payload, or the ingest threads are full or stopping
                http::Response deferred;
                deferred.prepare = std::move(render);
                respond(std::move(deferred));
            }
        });
}

}  // namespace fieldgate
