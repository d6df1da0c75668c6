#include "ops_routes.h"

#include <nlohmann/json.hpp>

#include "api_error.h"
#include "metrics_registry.h"
#include "ops_params.h"
#include "time_util.h"
#include "vendor_health.h"
#include "vendor_report.h"
#include "vendor_responses.h"

namespace fieldgate {

using namespace ops_params;

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

}  // namespace

OpsRoutes::OpsRoutes(OpsParts parts) : parts_(std::move(parts)) {
    replayer_ = std::make_unique<ops::QuarantineReplayer>(
        *parts_.writer, *parts_.reads, parts_.vendors, *parts_.ingest, parts_.mqtt_replay);
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
