#include "router.h"

#include "admin_routes.h"
#include "admission.h"
#include "console_routes.h"
#include "gateway_metrics.h"
#include "ids.h"
#include "listener_tls.h"
#include "ops_routes.h"
#include "route_auth.h"
#include "route_catalog.h"
#include "staff_audit.h"
#include "time_util.h"
#include "transaction.h"
#include "vendor_admin_routes.h"
#include "vendor_auth.h"
#include "vendor_responses.h"
#include "vendor_try_routes.h"

namespace fieldgate {

namespace {

// How many payloads may wait for the ingest threads (config `ingest.threads`).
constexpr std::size_t kIngestQueue = 1024;

constexpr std::string_view kVendorPrefix = "/v1/vendors/";

// "/v1/vendors/<id>/results" -> <id>; empty when the path is not that route.
std::string vendor_of(std::string_view path) {
    if (path.substr(0, kVendorPrefix.size()) != kVendorPrefix) return {};
    auto rest = path.substr(kVendorPrefix.size());
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos || rest.substr(slash) != "/results") return {};
    return std::string(rest.substr(0, slash));
}

// Routes whose handlers answer an oversized body themselves: a vendor's is kept for replay in
// the vendor's own answer style, a crew device is told to send smaller batches or chunks.
bool answers_own_size_limit(const RouteSpec& route) {
    return route.credential == Credential::vendor || route.credential == Credential::device ||
           route.credential == Credential::in_body;
}

}  // namespace

Router::Router(GatewayParts parts)
    : parts_(std::move(parts)),
      auth_refusals_(
          RateLimit{parts_.config->failed_auth_per_second, parts_.config->failed_auth_burst}),
      dispatch_(*parts_.reads, *parts_.secrets, parts_.vendors, parts_.rate_limits),
      order_changes_(*parts_.order_changes),
      sync_(*parts_.config, *parts_.ingest, *parts_.writer, *parts_.reads),
      trucks_(*parts_.reads),
      ingest_queue_(parts_.config->ingest_threads > 0
                        ? std::make_shared<WorkQueue>(
                              static_cast<std::size_t>(parts_.config->ingest_threads), kIngestQueue)
                        : nullptr) {
    bind_routes();
}

Router::~Router() {
    if (ingest_queue_) ingest_queue_->shutdown();
}

std::size_t Router::body_limit(const http::Request& head) const {
    if (auto vendor = vendor_of(head.path); !vendor.empty()) {
        auto registry = parts_.vendors();
        if (const auto* entry = registry ? registry->find(vendor) : nullptr)
            return entry->spec.max_body_bytes;
    }
    return parts_.config->max_body_bytes;
}

void Router::handle(http::Request request, http::Respond respond) {
    const auto& path = request.path;
    const auto& method = request.method;
    // Only declared routes are dispatched (route_table.h), so the catalog, the OpenAPI document
    // checked against it, and what answers cannot drift apart.
    const auto found = table_.find(method, path);
    const RouteSpec* route = found.route;
    respond = metrics::count_http(route ? route->path : "unmatched", method, std::move(respond));
    // The results route counts its own refusals (a SOAP vendor's carry HTTP 500).
    if (route && route->path != kVendorResultsRoute)
        respond = counting_refusals(request, route->path, std::move(respond));
    if (!route || (found.method_allowed && !found.handler)) {
        respond(problem(404, "not-found", "Not found", "no route for " + method + " " + path));
        return;
    }
    auto checked = check_credential(*route, *parts_.secrets, parts_.sessions, request);
    if (checked.refusal) {
        respond(std::move(*checked.refusal));
        return;
    }
    // Every change staff make is logged with who made it (staff_audit.h).
    if (checked.caller && found.method_allowed && is_change(method))
        respond = audited(*parts_.writer, *checked.caller, *route, request, std::move(respond));
    if (!found.method_allowed) {
        auto r = problem(405, "method-not-allowed", "Method not allowed",
                         "use " + found.allow + " on " + std::string(route->path));
        r.headers.push_back({"allow", found.allow});
        respond(std::move(r));
        return;
    }
    if (request.body_too_large && !answers_own_size_limit(*route)) {
        respond(
            problem(413, "payload-too-large", "Payload too large",
                    "the body is larger than " + std::to_string(body_limit(request)) + " bytes"));
        return;
    }
    try {
        (*found.handler)(request, found.params, respond);
    } catch (const std::exception& e) {
        // A read that found the store unreachable (a database restarting): answered as a write
        // would be, 503 and retry later, not as a fault of the gateway.
        if (!store::is_transient_failure(e)) throw;
        respond(problem_response(store_unavailable(std::current_exception())));
    }
}

void Router::bind_routes() {
    table_.on("GET", "/healthz", [](http::Request&, const PathParams&, http::Respond& respond) {
        respond(json_response(200, {{"status", "ok"}}));
    });
    table_.on("GET", "/readyz", [this](http::Request&, const PathParams&, http::Respond& respond) {
        respond(readiness());
    });
    table_.on("POST", "/v1/work-orders",
              [this](http::Request& request, const PathParams&, http::Respond& respond) {
                  post_work_order(request, respond);
              });
    table_.on("GET", "/v1/work-orders",
              [this](http::Request& request, const PathParams&, http::Respond& respond) {
                  find_work_orders(request, respond);
              });
    table_.on("GET", "/v1/work-orders/{id}",
              [this](http::Request&, const PathParams& params, http::Respond& respond) {
                  get_work_order(params["id"], respond);
              });
    table_.on("POST", kVendorResultsRoute,
              [this](http::Request& request, const PathParams& params, http::Respond& respond) {
                  post_vendor_results(params["vendor"], request, respond);
              });
    dispatch_.add_routes(table_);
    order_changes_.add_routes(table_);
    sync_.add_routes(table_);
    trucks_.add_routes(table_);
    if (parts_.vendor_admin) parts_.vendor_admin->add_routes(table_);
    if (parts_.ops) parts_.ops->add_routes(table_);
    if (parts_.admin) parts_.admin->add_routes(table_);
    if (parts_.console) parts_.console->add_routes(table_);
    if (parts_.vendor_try) parts_.vendor_try->add_routes(table_);
}

namespace {

// A batch still unanswered after this long means the store stopped answering (a silent network
// cut, a commit waiting for a synchronous replica that is gone): nothing sent here now would be
// acknowledged, so the gateway leaves rotation well before the statement's own timeout fails it.
constexpr auto kStalledAfter = std::chrono::seconds(5);

// "ok", "failing" (it answers but does not commit: a full disk; reads are still served, so the
// gateway stays in rotation), "unreachable" (a database down or cut off) or "stalled" (a batch
// unanswered for kStalledAfter): the last two take it out of rotation.
std::string store_state(std::exception_ptr error, std::chrono::steady_clock::duration busy_for) {
    if (busy_for >= kStalledAfter) return "stalled";
    if (!error) return "ok";
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return store::is_unreachable(e) ? "unreachable" : "failing";
    } catch (...) {
    }
    return "failing";
}

}  // namespace

// /readyz: vendors loaded, the store reachable (and the MQTT broker connected when
// configured); the listener certificate's expiry is shown, a warning at most.
http::Response Router::readiness() const {
    auto registry = parts_.vendors();
    // Each check queues an empty job: the answer is what the previous one found, and a load
    // balancer polling every few seconds keeps the writer's connection tried (and remade).
    parts_.writer->submit([](store::Transaction&) {}, nullptr);
    const auto store = store_state(parts_.writer->last_batch_error(),
                                   parts_.writer->busy_for(std::chrono::steady_clock::now()));
    bool ready =
        registry && !registry->ids().empty() && store != "unreachable" && store != "stalled";
    nlohmann::json body = {{"vendors", registry ? registry->ids().size() : 0},
                           {"store", store},
                           {"write_queue", parts_.writer->queue_depth()}};
    if (parts_.mqtt_connected) {
        const bool mqtt = parts_.mqtt_connected();
        body["mqtt"] = mqtt ? "connected" : "disconnected";
        if (parts_.mqtt_stats) body["mqtt_messages"] = parts_.mqtt_stats();
        ready = ready && mqtt;
    }
    if (const auto not_after = parts_.tls_not_after ? parts_.tls_not_after() : std::nullopt)
        body["tls_certificate"] =
            certificate_readiness(*not_after, std::chrono::system_clock::now());
    body["status"] = ready ? "ready" : "not_ready";
    return json_response(ready ? 200 : 503, body);
}

http::Respond Router::counting_refusals(const http::Request& request, std::string_view route,
                                        http::Respond respond) {
    // The first bytes of what was read, for the log line's fingerprint; never the whole body.
    auto first_bytes =
        request.body.substr(0, std::min(request.body.size(), AuthRefusals::kFingerprintBytes));
    return [this, client = request.client_address, route, first_bytes = std::move(first_bytes),
            respond = std::move(respond)](http::Response r) {
        if (r.status == 401) {
            auth_refusals_.refused(client, route, "wrong or missing credential", first_bytes,
                                   steady_now());
            metrics::count_auth_refused(route, "credential");
        }
        respond(std::move(r));
    };
}

void Router::post_work_order(http::Request& request, http::Respond& respond) {
    if (http::media_type(request.header("content-type")) != "application/json") {
        respond(problem(415, "unsupported-media-type", "Unsupported media type",
                        "send the work order as application/json", "Content-Type"));
        return;
    }
    parts_.work_orders->create(
        request.body, [respond](std::variant<ApiError, CreatedWorkOrder> result) {
            if (auto* error = std::get_if<ApiError>(&result)) {
                respond(problem_response(*error));
                return;
            }
            auto& created = std::get<CreatedWorkOrder>(result);
            auto r = json_response(created.status, created.body);
            r.headers.push_back(
                {"location", "/v1/work-orders/" + created.body["id"].get<std::string>()});
            respond(std::move(r));
        });
}

void Router::get_work_order(const std::string& id, http::Respond& respond) {
    if (auto wo = parts_.work_orders->get(id)) {
        respond(json_response(200, *wo));
        return;
    }
    respond(problem(404, "not-found", "Work order not found", "no work order " + id));
}

void Router::find_work_orders(const http::Request& request, http::Respond& respond) {
    const auto crm_case_id = request.query_param("crm_case_id");
    if (!crm_case_id || crm_case_id->empty()) {
        respond(problem(400, "missing-field", "Missing query parameter",
                        "give ?crm_case_id=<service request number>", "crm_case_id"));
        return;
    }
    nlohmann::json items = nlohmann::json::array();
    if (auto wo = parts_.work_orders->find_by_case(*crm_case_id)) items.push_back(*wo);
    respond(json_response(200, {{"items", items}}));
}

}  // namespace fieldgate
