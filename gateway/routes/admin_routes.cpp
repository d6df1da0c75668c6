#include "admin_routes.h"

#include <charconv>

#include <nlohmann/json.hpp>

#include "api_error.h"
#include "delivery_worker.h"
#include "input_limits.h"
#include "time_util.h"
#include "transaction.h"
#include "vendor_responses.h"

namespace fieldgate {

namespace {

std::optional<std::int64_t> integer_param(const http::Request& r, std::string_view name,
                                          std::int64_t fallback, std::int64_t lo, std::int64_t hi,
                                          bool& bad) {
    const auto v = r.query_param(name);
    if (!v) return fallback;
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || end != v->data() + v->size() || n < lo || n > hi) {
        bad = true;
        return std::nullopt;
    }
    return n;
}

nlohmann::json optional_json(const auto& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

AdminRoutes::AdminRoutes(store::Writer& writer, store::ReadPool& reads,
                         delivery::DeliveryWorker* worker)
    : writer_(writer), reads_(reads), worker_(worker) {}

void AdminRoutes::add_routes(RouteTable& table) {
    table.on("GET", "/v1/admin/dead-letters",
             [this](http::Request& request, const PathParams&, http::Respond& respond) {
                 list_dead_letters(request, respond);
             });
    table.on("POST", "/v1/admin/dead-letters/replay",
             [this](http::Request& request, const PathParams&, http::Respond& respond) {
                 replay_dead_letters(request, respond);
             });
    table.on("GET", "/v1/admin/endpoints",
             [this](http::Request&, const PathParams&, http::Respond& respond) {
                 list_endpoints(respond);
             });
    table.on("POST", "/v1/admin/endpoints/{name}/enable",
             [this](http::Request&, const PathParams& params, http::Respond& respond) {
                 enable_endpoint(params["name"], respond);
             });
}

void AdminRoutes::list_dead_letters(const http::Request& request, http::Respond& respond) {
    bool bad = false;
    const auto after = integer_param(request, "after", 0, 0, INT64_MAX, bad);
    if (bad)
        return respond(problem(400, "invalid-parameter", "Invalid query parameter",
                               "after must be a non-negative integer", "after"));
    const auto limit = integer_param(request, "limit", 100, 1, 1000, bad);
    if (bad)
        return respond(problem(400, "invalid-parameter", "Invalid query parameter",
                               "limit must be an integer from 1 to 1000", "limit"));
    const auto destination = request.query_param("destination");
    auto db = reads_.acquire();
    const auto rows = db->dead_letters(destination, *after, static_cast<int>(*limit));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& d : rows) {
        items.push_back({{"id", d.id},
                         {"event_id", "evt_" + std::to_string(d.id)},
                         {"destination", d.destination},
                         {"work_order_id", d.work_order_id},
                         {"crm_case_id", d.crm_case_id},
                         {"event_type", d.event_type},
                         {"attempts", d.attempts},
                         {"last_status", optional_json(d.last_status)},
                         {"last_error", optional_json(d.last_error)},
                         {"created_at", d.created_at},
                         {"dead_at", optional_json(d.dead_at)}});
    }
    nlohmann::json body = {{"items", items}};
    body["next_after"] = rows.empty() ? nlohmann::json(nullptr) : nlohmann::json(rows.back().id);
    respond(json_response(200, body));
}

void AdminRoutes::replay_dead_letters(const http::Request& request, http::Respond& respond) {
    if (auto refused = json_body_problem(request.body))
        return respond(problem(400, "malformed", "Malformed JSON", *refused));
    nlohmann::json body;
    try {
        body = nlohmann::json::parse(request.body.empty() ? "{}" : request.body);
    } catch (const nlohmann::json::exception& e) {
        return respond(problem(400, "malformed", "Malformed JSON",
                               std::string("the body is not valid JSON: ") + e.what()));
    }
    if (!body.is_object())
        return respond(problem(422, "invalid-field", "Invalid body",
                               "send {\"ids\": [..]} or {\"all\": true}", ""));
    std::vector<std::int64_t> ids;
    if (body.contains("ids")) {
        if (!body["ids"].is_array() || body["ids"].empty())
            return respond(problem(422, "invalid-field", "Invalid field",
                                   "ids must be a non-empty array of dead letter ids", "/ids"));
        for (std::size_t i = 0; i < body["ids"].size(); ++i) {
            const auto& v = body["ids"][i];
            if (!v.is_number_integer())
                return respond(problem(422, "invalid-field", "Invalid field",
                                       "every id must be an integer", "/ids/" + std::to_string(i)));
            ids.push_back(v.get<std::int64_t>());
        }
    } else if (!(body.contains("all") && body["all"] == true)) {
        return respond(problem(422, "missing-field", "Missing field",
                               "name the dead letters to replay with ids, or send all: true",
                               "/ids"));
    }
    std::optional<std::string> destination;
    if (body.contains("destination")) {
        if (!body["destination"].is_string())
            return respond(problem(422, "invalid-field", "Invalid field",
                                   "destination must be a string such as \"crm\"", "/destination"));
        destination = body["destination"].get<std::string>();
    }
    auto replayed = std::make_shared<int>(0);
    auto* worker = worker_;
    const bool queued = writer_.submit(
        [ids, destination, replayed](store::Transaction& db) {
            *replayed = db.replay_dead_letters(ids, destination);
        },
        [respond, replayed, worker](std::exception_ptr error) {
            if (error) {
                respond(problem_response(store_unavailable(error)));
                return;
            }
            if (worker) worker->notify();
            respond(json_response(200, {{"replayed", *replayed}}));
        });
    if (!queued)
        respond(problem(503, "overloaded", "Gateway overloaded", "the write queue is full"));
}

void AdminRoutes::list_endpoints(http::Respond& respond) {
    nlohmann::json items = nlohmann::json::array();
    if (worker_) {
        auto db = reads_.acquire();
        for (const auto& s : worker_->status()) {
            const auto counts = db->outbox_counts(s.name);
            items.push_back({{"name", s.name},
                             {"url", s.url},
                             {"state", s.state},
                             {"disabled_reason", optional_json(s.disabled_reason)},
                             {"in_flight", s.in_flight},
                             {"pending", counts.pending},
                             {"oldest_pending_at", optional_json(counts.oldest_pending_at)},
                             {"dead_letters", counts.dead},
                             {"delivered", s.delivered},
                             {"failed_attempts", s.failed_attempts},
                             {"dead_lettered", s.dead_lettered},
                             {"consecutive_failures", s.consecutive_failures},
                             {"last_error", s.last_error},
                             {"certificate_problem", s.certificate_problem.empty()
                                                         ? nlohmann::json(nullptr)
                                                         : nlohmann::json(s.certificate_problem)},
                             {"lag_p50_ms", s.lag_p50_ms},
                             {"lag_p99_ms", s.lag_p99_ms}});
        }
    }
    respond(json_response(200, {{"items", items}}));
}

void AdminRoutes::enable_endpoint(const std::string& name, http::Respond& respond) {
    if (!worker_ || !worker_->enable(name))
        return respond(
            problem(404, "not-found", "Unknown endpoint", "no delivery endpoint '" + name + "'"));
    auto* worker = worker_;
    const bool queued = writer_.submit(
        [name](store::Transaction& db) {
            db.set_endpoint_state(name, "active", std::nullopt, now_utc());
        },
        [respond, name, worker](std::exception_ptr error) {
            if (error) {
                respond(problem_response(store_unavailable(error)));
                return;
            }
            worker->notify();
            respond(json_response(200, {{"name", name}, {"state", "active"}}));
        });
    if (!queued)
        respond(problem(503, "overloaded", "Gateway overloaded", "the write queue is full"));
}

}  // namespace fieldgate
