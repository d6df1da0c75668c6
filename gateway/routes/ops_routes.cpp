#include "ops_routes.h"

#include <charconv>

#include <nlohmann/json.hpp>

#include "api_error.h"
#include "input_limits.h"
#include "metrics_registry.h"
#include "quarantine_repository.h"
#include "time_util.h"
#include "vendor_health.h"
#include "vendor_report.h"
#include "vendor_responses.h"

namespace fieldgate {

namespace {

std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t start = 1;
    while (start <= path.size()) {
        const auto end = path.find('/', start);
        out.push_back(path.substr(start, end == std::string_view::npos ? path.npos : end - start));
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return out;
}

std::optional<std::int64_t> to_int(std::string_view s) {
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || end != s.data() + s.size() || n < 0) return std::nullopt;
    return n;
}

nlohmann::json optional_json(const auto& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json parse_or_null(const std::optional<std::string>& text) {
    if (!text) return nullptr;
    return nlohmann::json::parse(*text, nullptr, false);
}

nlohmann::json quarantine_json(const store::QuarantineRow& row) {
    const auto& e = row.entry;
    return {{"id", e.id},
            {"vendor", optional_json(e.vendor)},
            {"channel", e.channel},
            {"record_pointer", optional_json(e.record_pointer)},
            {"received_at", e.received_at},
            {"last_seen_at", e.last_seen_at},
            {"attempts", e.attempts},
            {"http_status", e.http_status},
            {"problem_type", e.problem_type},
            {"problem", nlohmann::json::parse(e.problem_json, nullptr, false)},
            {"state", e.state},
            {"replay_count", row.replay_count},
            {"replayed_at", optional_json(row.replayed_at)},
            {"replay_verdict", optional_json(row.replay_verdict)},
            {"replay_detail", parse_or_null(row.replay_detail)},
            {"discarded_at", optional_json(row.discarded_at)},
            {"discard_reason", optional_json(row.discard_reason)}};
}

http::Response bad_parameter(const std::string& name, const std::string& detail) {
    return problem(400, "invalid-parameter", "Invalid query parameter", detail, name);
}

// A time bound from the query: RFC 3339 (any offset), compared as stored (UTC, milliseconds).
std::optional<std::string> time_param(const http::Request& r, const char* name, bool& bad) {
    const auto v = r.query_param(name);
    if (!v) return std::nullopt;
    const auto t = parse_rfc3339(*v);
    if (!t) {
        bad = true;
        return std::nullopt;
    }
    return format_utc(*t);
}

std::optional<nlohmann::json> json_body(const http::Request& request, http::Respond& respond) {
    if (auto refused = json_body_problem(request.body)) {
        respond(problem(400, "malformed", "Malformed JSON", *refused));
        return std::nullopt;
    }
    auto body = nlohmann::json::parse(request.body.empty() ? "{}" : request.body, nullptr, false);
    if (body.is_discarded()) {
        respond(problem(400, "malformed", "Malformed JSON", "the body is not valid JSON"));
        return std::nullopt;
    }
    if (!body.is_object()) {
        respond(
            problem(422, "invalid-field", "Invalid body", "the body must be a JSON object", ""));
        return std::nullopt;
    }
    return body;
}

}  // namespace

OpsRoutes::OpsRoutes(OpsParts parts) : parts_(std::move(parts)) {
    ingest_context_.catalog = parts_.catalog;
    ingest_context_.events =
        EventContext{parts_.config->event_type_prefix, parts_.config->event_source};
    ingest_context_.city_zone = parts_.config->city_time_zone;
    replayer_ = std::make_unique<ops::QuarantineReplayer>(
        *parts_.writer, *parts_.reads, parts_.vendors, ingest_context_, parts_.mqtt_replay);
}

bool OpsRoutes::bearer(const http::Request& request,
                       std::initializer_list<const char*> secrets) const {
    const auto header = request.header("authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (!header || header->size() <= kBearer.size() || header->substr(0, kBearer.size()) != kBearer)
        return false;
    for (const char* name : secrets)
        if (parts_.secrets->matches(name, header->substr(kBearer.size()))) return true;
    return false;
}

bool OpsRoutes::handle(http::Request& request, http::Respond& respond) {
    const auto s = segments(request.path);
    const auto& method = request.method;
    if (request.path == "/metrics") {
        metrics(request, respond);
        return true;
    }
    if (s.size() == 3 && s[0] == "v1" && s[1] == "reports") {
        report(std::string(s[2]), request, respond);
        return true;
    }
    const bool quarantine =
        s.size() >= 3 && s[0] == "v1" && s[1] == "admin" && s[2] == "quarantine";
    const bool dead_letter_discard = s.size() == 5 && s[0] == "v1" && s[1] == "admin" &&
                                     s[2] == "dead-letters" && s[4] == "discard";
    const bool health = s.size() >= 4 && s[0] == "v1" && s[1] == "admin" && s[2] == "vendors" &&
                        s.back() == "health" && s.size() <= 5;
    if (!quarantine && !dead_letter_discard && !health) return false;

    if (!bearer(request, {"admin/api-token"})) {
        auto r = problem(401, "unauthorized", "Unauthorized",
                         "a valid staff (admin) bearer token is required", "Authorization");
        r.headers.push_back({"www-authenticate", "Bearer"});
        respond(std::move(r));
        return true;
    }
    if (request.body_too_large) {
        respond(problem(413, "payload-too-large", "Payload too large", "the body is too large"));
        return true;
    }
    auto not_allowed = [&](const char* allowed) {
        respond(problem(405, "method-not-allowed", "Method not allowed",
                        std::string("use ") + allowed + " on " + request.path));
        return true;
    };
    if (health) {
        if (method != "GET") return not_allowed("GET");
        vendor_health(s.size() == 5 ? std::string(s[3]) : std::string(), request, respond);
        return true;
    }
    if (dead_letter_discard) {
        const auto id = to_int(s[3]);
        if (!id) {
            respond(problem(404, "not-found", "Not found", "no dead letter " + std::string(s[3])));
            return true;
        }
        if (method != "POST") return not_allowed("POST");
        discard("dead-letter", *id, request, respond);
        return true;
    }
    if (s.size() == 3) {
        if (method != "GET") return not_allowed("GET");
        list_quarantine(request, respond);
        return true;
    }
    if (s.size() == 4 && s[3] == "replay") {
        if (method != "POST") return not_allowed("POST");
        replay_quarantine(request, respond);
        return true;
    }
    const auto id = s.size() >= 4 ? to_int(s[3]) : std::nullopt;
    if (id && s.size() == 4) {
        if (method != "GET") return not_allowed("GET");
        show_quarantine(*id, respond);
        return true;
    }
    if (id && s.size() == 5 && s[4] == "discard") {
        if (method != "POST") return not_allowed("POST");
        discard("quarantine", *id, request, respond);
        return true;
    }
    respond(problem(404, "not-found", "Not found", "no route for " + method + " " + request.path));
    return true;
}

void OpsRoutes::list_quarantine(const http::Request& request, http::Respond& respond) {
    store::QuarantineFilter f;
    if (auto v = request.query_param("vendor"); v && !v->empty()) f.vendor = *v;
    if (auto v = request.query_param("state"); v && !v->empty()) {
        if (*v != "open" && *v != "replayed" && *v != "discarded")
            return respond(bad_parameter("state", "state must be open, replayed or discarded"));
        f.state = *v;
    }
    bool bad = false;
    f.from = time_param(request, "from", bad);
    if (bad) return respond(bad_parameter("from", "from must be an RFC 3339 time"));
    f.to = time_param(request, "to", bad);
    if (bad) return respond(bad_parameter("to", "to must be an RFC 3339 time"));
    if (auto v = request.query_param("cursor"); v && !v->empty()) {
        const auto n = to_int(*v);
        if (!n) return respond(bad_parameter("cursor", "cursor must be a next_cursor value"));
        f.after_id = *n;
    }
    if (auto v = request.query_param("limit")) {
        const auto n = to_int(*v);
        if (!n || *n < 1 || *n > 1000)
            return respond(bad_parameter("limit", "limit must be an integer from 1 to 1000"));
        f.limit = static_cast<int>(*n);
    }
    auto db = parts_.reads->acquire();
    const auto rows = store::list_quarantine(*db, f);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& row : rows) items.push_back(quarantine_json(row));
    nlohmann::json body = {{"items", items}};
    body["next_cursor"] = static_cast<int>(rows.size()) == f.limit
                              ? nlohmann::json(std::to_string(rows.back().entry.id))
                              : nlohmann::json(nullptr);
    respond(json_response(200, body));
}

void OpsRoutes::show_quarantine(std::int64_t id, http::Respond& respond) {
    auto db = parts_.reads->acquire();
    const auto stored = store::find_quarantined_payload(*db, id);
    if (!stored)
        return respond(
            problem(404, "not-found", "Not found", "no quarantine entry " + std::to_string(id)));
    auto body = quarantine_json(stored->row);
    const auto& raw = stored->raw;
    // Headers were redacted when stored (no credentials); the body is returned as text when it
    // is valid UTF-8 JSON/XML/CSV, which is every format the adapters read.
    body["raw"] = {{"id", stored->row.entry.raw_payload_id},
                   {"received_at", raw.received_at},
                   {"content_type", raw.content_type},
                   {"request_id", raw.request_id},
                   {"headers", nlohmann::json::parse(raw.headers_json, nullptr, false)},
                   {"body_sha256", raw.body_sha256},
                   {"truncated", raw.truncated},
                   {"body", raw.body}};
    http::Response r;
    try {
        r = json_response(200, body);
    } catch (const nlohmann::json::type_error&) {
        // Not UTF-8: hand back the bytes as hex rather than fail the inspection.
        std::string hex;
        static constexpr char kDigits[] = "0123456789abcdef";
        for (unsigned char c : raw.body) {
            hex += kDigits[c >> 4];
            hex += kDigits[c & 15];
        }
        body["raw"]["body"] = nullptr;
        body["raw"]["body_hex"] = hex;
        r = json_response(200, body);
    }
    respond(std::move(r));
}

void OpsRoutes::replay_quarantine(const http::Request& request, http::Respond& respond) {
    auto body = json_body(request, respond);
    if (!body) return;
    std::vector<std::int64_t> ids;
    if (body->contains("ids")) {
        const auto& list = (*body)["ids"];
        if (!list.is_array() || list.empty() || list.size() > 1000)
            return respond(problem(422, "invalid-field", "Invalid field",
                                   "ids must be an array of 1 to 1000 quarantine ids", "/ids"));
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (!list[i].is_number_integer())
                return respond(problem(422, "invalid-field", "Invalid field",
                                       "every id must be an integer", "/ids/" + std::to_string(i)));
            ids.push_back(list[i].get<std::int64_t>());
        }
    } else if (body->contains("filter")) {
        const auto& filter = (*body)["filter"];
        if (!filter.is_object())
            return respond(problem(422, "invalid-field", "Invalid field",
                                   "filter must be an object {vendor, from, to}", "/filter"));
        store::QuarantineFilter f;
        f.state = "open";
        f.limit = 1000;
        for (const char* key : {"vendor", "from", "to"}) {
            if (!filter.contains(key)) continue;
            if (!filter[key].is_string())
                return respond(problem(422, "invalid-field", "Invalid field",
                                       std::string(key) + " must be a string",
                                       std::string("/filter/") + key));
            const auto v = filter[key].get<std::string>();
            if (std::string_view(key) == "vendor") {
                f.vendor = v;
                continue;
            }
            const auto t = parse_rfc3339(v);
            if (!t)
                return respond(problem(422, "invalid-field", "Invalid field",
                                       std::string(key) + " must be an RFC 3339 time",
                                       std::string("/filter/") + key));
            (std::string_view(key) == "from" ? f.from : f.to) = format_utc(*t);
        }
        if (body->contains("limit")) {
            const auto& l = (*body)["limit"];
            if (!l.is_number_integer() || l.get<std::int64_t>() < 1 || l.get<std::int64_t>() > 1000)
                return respond(problem(422, "invalid-field", "Invalid field",
                                       "limit must be an integer from 1 to 1000", "/limit"));
            f.limit = l.get<int>();
        }
        auto db = parts_.reads->acquire();
        for (const auto& row : store::list_quarantine(*db, f)) ids.push_back(row.entry.id);
    } else {
        return respond(problem(422, "missing-field", "Missing field",
                               "name the entries with ids: [..], or give a filter: {vendor, from, "
                               "to}",
                               "/ids"));
    }
    replayer_->replay(ids, [respond](std::vector<ops::ReplayItem> items, std::exception_ptr error) {
        if (error) {
            respond(problem_response(store_unavailable(error)));
            return;
        }
        nlohmann::json out = nlohmann::json::array();
        std::map<std::string, int> counts;
        for (const auto& i : items) {
            ++counts[i.result];
            out.push_back({{"id", i.id},
                           {"result", i.result},
                           {"verdict", i.verdict.empty() ? nlohmann::json(nullptr)
                                                         : nlohmann::json(i.verdict)},
                           {"state", i.state},
                           {"detail", i.detail}});
        }
        respond(json_response(200, {{"items", out}, {"counts", counts}}));
    });
}

void OpsRoutes::discard(const std::string& what, std::int64_t id, const http::Request& request,
                        http::Respond& respond) {
    auto body = json_body(request, respond);
    if (!body) return;
    if (!body->contains("reason") || !(*body)["reason"].is_string() ||
        (*body)["reason"].get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos)
        return respond(problem(422, "missing-field", "Missing field",
                               "say why with a non-empty reason", "/reason"));
    const auto reason = (*body)["reason"].get<std::string>();
    auto found = std::make_shared<bool>(false);
    const bool queued = parts_.writer->submit(
        [what, id, reason, found](sqlite::Connection& db) {
            const auto at = now_utc();
            *found = what == "quarantine" ? store::discard_quarantine(db, id, reason, at)
                                          : store::discard_dead_letter(db, id, reason, at);
        },
        [respond, found, what, id, reason](std::exception_ptr error) {
            if (error) return respond(problem_response(store_unavailable(error)));
            if (!*found)
                return respond(problem(
                    409, "not-discardable", "Cannot discard",
                    "no " +
                        std::string(what == "quarantine" ? "open quarantine entry"
                                                         : "dead letter") +
                        " " + std::to_string(id) + " (unknown, replayed or already discarded)"));
            respond(json_response(200, {{"id", id}, {"state", "discarded"}, {"reason", reason}}));
        });
    if (!queued)
        respond(problem(503, "overloaded", "Gateway overloaded", "the write queue is full"));
}

void OpsRoutes::metrics(const http::Request& request, http::Respond& respond) {
    // The scraper gets its own read-only token (metrics/scrape-token) so Prometheus never holds
    // the staff token that can replay or discard; the staff token works too.
    if (!bearer(request, {"metrics/scrape-token", "admin/api-token"})) {
        auto r = problem(401, "unauthorized", "Unauthorized",
                         "a valid metrics (metrics/scrape-token) or admin bearer token is required",
                         "Authorization");
        r.headers.push_back({"www-authenticate", "Bearer"});
        return respond(std::move(r));
    }
    if (request.method != "GET")
        return respond(problem(405, "method-not-allowed", "Method not allowed", "use GET"));
    http::Response r;
    r.status = 200;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics::Registry::global().render();
    respond(std::move(r));
}

void OpsRoutes::vendor_health(const std::string& vendor, const http::Request& request,
                              http::Respond& respond) {
    bool bad = false;
    const auto now = now_millis();
    auto since = time_param(request, "since", bad);
    if (bad) return respond(bad_parameter("since", "since must be an RFC 3339 time"));
    if (!since) since = format_utc(now - std::chrono::hours(24));
    const auto registry = parts_.vendors();
    std::vector<std::string> vendors;
    if (!vendor.empty()) {
        if (!registry || !registry->find(vendor))
            return respond(problem(404, "unknown-vendor", "Unknown vendor",
                                   "no vendor '" + vendor + "' is configured"));
        vendors.push_back(vendor);
    } else if (registry) {
        vendors = registry->ids();
    }
    nlohmann::json items = nlohmann::json::array();
    auto db = parts_.reads->acquire();
    for (const auto& id : vendors) {
        auto h = ops::vendor_health(*db, id, *since, now);
        const auto* entry = registry->find(id);
        h["status"] = entry->spec.status;
        h["mapping_version"] = entry->spec.mapping_version;
        if (parts_.rate_limits) h["rate_limit"] = parts_.rate_limits->state(id);
        items.push_back(std::move(h));
    }
    if (!vendor.empty()) return respond(json_response(200, items[0]));
    respond(json_response(200, {{"since", *since}, {"items", items}}));
}

void OpsRoutes::report(const std::string& name, const http::Request& request,
                       http::Respond& respond) {
    // The city's CRM may pull the council figures with its own token; staff with theirs.
    if (!bearer(request, {"admin/api-token", "crm/api-token"})) {
        auto r = problem(401, "unauthorized", "Unauthorized",
                         "a valid admin or CRM bearer token is required", "Authorization");
        r.headers.push_back({"www-authenticate", "Bearer"});
        return respond(std::move(r));
    }
    if (name != "vendors" && name != "reasons")
        return respond(problem(404, "not-found", "Not found",
                               "no report '" + name + "'; there are vendors and reasons"));
    if (request.method != "GET")
        return respond(problem(405, "method-not-allowed", "Method not allowed", "use GET"));
    reports::ReportQuery query;
    for (const char* key : {"from", "to"}) {
        const auto v = request.query_param(key);
        if (!v || !is_iso_date(*v))
            return respond(bad_parameter(key, std::string(key) +
                                                  " must be a date YYYY-MM-DD (the scheduled "
                                                  "date, inclusive)"));
        (std::string_view(key) == "from" ? query.from : query.to) = *v;
    }
    if (query.from > query.to) return respond(bad_parameter("to", "to must not be before from"));
    if (auto v = request.query_param("vendor"); v && !v->empty()) query.vendor = *v;
    const auto format = request.query_param("format").value_or("json");
    if (format != "json" && format != "csv")
        return respond(bad_parameter("format", "format must be json or csv"));
    std::vector<reports::VendorFigures> figures;
    {
        auto db = parts_.reads->acquire();
        figures = reports::vendor_report(*db, *parts_.catalog, query);
    }
    if (format == "json") {
        auto body = reports::to_json(query, figures);
        if (name == "reasons") {
            nlohmann::json rows = nlohmann::json::array();
            for (const auto& v : body["vendors"])
                for (auto r : v["reasons"]) {
                    r["vendor"] = v["vendor"];
                    rows.push_back(r);
                }
            body.erase("vendors");
            body["reasons"] = rows;
        }
        return respond(json_response(200, body));
    }
    http::Response r;
    r.status = 200;
    r.content_type = "text/csv; charset=utf-8; header=present";
    r.body = name == "vendors" ? reports::vendors_csv(figures) : reports::reasons_csv(figures);
    r.headers.push_back({"content-disposition", "attachment; filename=\"" + name + "-" +
                                                    query.from + "-" + query.to + ".csv\""});
    respond(std::move(r));
}

}  // namespace fieldgate
