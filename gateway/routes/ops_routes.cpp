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

OpsRoutes::OpsRoutes(OpsParts parts) : parts_(std::move(parts)) {
    replayer_ = std::make_unique<ops::QuarantineReplayer>(
        *parts_.writer, *parts_.reads, parts_.vendors, *parts_.ingest, parts_.mqtt_replay);
}

void OpsRoutes::add_routes(RouteTable& table) {
    using Handler = void (OpsRoutes::*)(const http::Request&, http::Respond&);
    auto plain = [this](Handler handler) -> RouteHandler {
        return [this, handler](http::Request& request, const PathParams&, http::Respond& respond) {
            (this->*handler)(request, respond);
        };
    };
    table.on("GET", "/metrics", plain(&OpsRoutes::metrics));
    table.on("GET", "/v1/admin/quarantine", plain(&OpsRoutes::list_quarantine));
    table.on("POST", "/v1/admin/quarantine/replay", plain(&OpsRoutes::replay_quarantine));
    table.on("GET", "/v1/admin/quarantine/{id}",
             with_id("quarantine entry",
                     [this](std::int64_t id, http::Request&, http::Respond& respond) {
                         show_quarantine(id, respond);
                     }));
    table.on("POST", "/v1/admin/quarantine/{id}/discard",
             with_id("quarantine entry",
                     [this](std::int64_t id, http::Request& request, http::Respond& respond) {
                         discard("quarantine", id, request, respond);
                     }));
    table.on("POST", "/v1/admin/dead-letters/{id}/discard",
             with_id("dead letter",
                     [this](std::int64_t id, http::Request& request, http::Respond& respond) {
                         discard("dead-letter", id, request, respond);
                     }));
    table.on("GET", "/v1/admin/vendors/health",
             [this](http::Request& request, const PathParams&, http::Respond& respond) {
                 vendor_health("", request, respond);
             });
    table.on("GET", "/v1/admin/vendors/{vendor}/health",
             [this](http::Request& request, const PathParams& params, http::Respond& respond) {
                 vendor_health(params["vendor"], request, respond);
             });
    for (const char* name : {"vendors", "reasons"})
        table.on("GET", std::string("/v1/reports/") + name,
                 [this, name](http::Request& request, const PathParams&, http::Respond& respond) {
                     report(name, request, respond);
                 });
}

RouteHandler OpsRoutes::with_id(
    const char* what, std::function<void(std::int64_t, http::Request&, http::Respond&)> run) {
    return [what, run = std::move(run)](http::Request& request, const PathParams& params,
                                        http::Respond& respond) {
        const auto text = params["id"];
        if (const auto id = to_int(text)) return run(*id, request, respond);
        respond(problem(404, "not-found", "Not found", "no " + std::string(what) + " " + text));
    };
}

void OpsRoutes::metrics(const http::Request&, http::Respond& respond) {
    // The scraper has its own read-only token (metrics/scrape-token) so Prometheus never holds
    // the staff token that can replay or discard; the staff token works too (route_catalog).
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
