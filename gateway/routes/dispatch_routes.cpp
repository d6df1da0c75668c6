#include "dispatch_routes.h"

#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <variant>

#include "vendor_auth.h"
#include "vendor_feed.h"
#include "vendor_responses.h"

namespace fieldgate {

namespace {

// A query parameter that must be an integer in [min, max]; `fallback` when absent.
std::variant<ApiError, std::int64_t> integer_param(const http::Request& request,
                                                   std::string_view name, std::int64_t fallback,
                                                   std::int64_t min, std::int64_t max) {
    const auto text = request.query_param(name);
    if (!text) return fallback;
    std::int64_t value = 0;
    const auto* end = text->data() + text->size();
    const auto [ptr, ec] = std::from_chars(text->data(), end, value);
    if (text->empty() || ec != std::errc() || ptr != end || value < min || value > max) {
        return bad_request("invalid-parameter",
                           std::string(name) + " must be an integer from " + std::to_string(min) +
                               " to " + std::to_string(max) + ", not '" + *text + "'",
                           std::string(name));
    }
    return value;
}

}  // namespace

DispatchRoutes::DispatchRoutes(store::ReadPool& reads, const SecretStore& secrets, Vendors vendors,
                               VendorRateLimits* limits)
    : reads_(reads), secrets_(secrets), vendors_(std::move(vendors)), limits_(limits) {}

void DispatchRoutes::add_routes(RouteTable& table) {
    table.on("GET", "/v1/vendors/{vendor}/work-orders",
             [this](http::Request& request, const PathParams& params, http::Respond& respond) {
                 read(params["vendor"], "", request, respond);
             });
    table.on("GET", "/v1/vendors/{vendor}/work-orders/{id}",
             [this](http::Request& request, const PathParams& params, http::Respond& respond) {
                 read(params["vendor"], params["id"], request, respond);
             });
}

void DispatchRoutes::read(const std::string& vendor, const std::string& id,
                          const http::Request& request, http::Respond& respond) {
    auto registry = vendors_();
    const VendorEntry* entry = registry ? registry->find(vendor) : nullptr;
    if (!entry) {
        respond(problem_response(ApiError{404, "unknown-vendor", "Unknown vendor",
                                          "no vendor '" + vendor + "' is configured", "",
                                          nlohmann::json::object()}));
        return;
    }
    const VendorSpec& spec = entry->spec;
    if (auto denied =
            authenticate_vendor_read(spec, request, secrets_, std::chrono::system_clock::now())) {
        auto r = problem_response(*denied);
        if (spec.auth.scheme == "wsse_username_token")
            r.headers.push_back({"www-authenticate", "Basic realm=\"fieldgate\""});
        else if (spec.auth.scheme == "bearer")
            r.headers.push_back({"www-authenticate", "Bearer"});
        respond(std::move(r));
        return;
    }
    if (auto limited = take_vendor_request(limits_, spec)) {
        auto r = problem_response(limited->error);
        r.headers.push_back({"retry-after", std::to_string(limited->retry_after_s)});
        respond(std::move(r));
        return;
    }

    if (!id.empty()) {
        auto db = reads_.acquire();
        if (auto view = read_vendor_order(*db, spec, id)) {
            respond(json_response(200, *view));
        } else {
            respond(problem_response(ApiError{404, "not-found", "Work order not found",
                                              "no work order " + id + " is assigned to " + spec.id,
                                              "", nlohmann::json::object()}));
        }
        return;
    }

    const auto cursor =
        integer_param(request, "cursor", 0, 0, std::numeric_limits<std::int64_t>::max());
    const auto limit = integer_param(request, "limit", kFeedDefaultLimit, 1, kFeedMaxLimit);
    for (const auto* p : {&cursor, &limit}) {
        if (const auto* error = std::get_if<ApiError>(p)) {
            respond(problem_response(*error));
            return;
        }
    }
    auto db = reads_.acquire();
    respond(json_response(200, read_feed(*db, spec, std::get<std::int64_t>(cursor),
                                         static_cast<int>(std::get<std::int64_t>(limit)))));
}

}  // namespace fieldgate
