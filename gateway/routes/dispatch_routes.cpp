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

constexpr std::string_view kPrefix = "/v1/vendors/";
constexpr std::string_view kCollection = "/work-orders";

struct Target {
    std::string vendor;
    std::string id;  // empty: the feed
};

// "/v1/vendors/<vendor>/work-orders[/<id>]"; nullopt for any other path.
std::optional<Target> parse_target(std::string_view path) {
    if (path.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
    path.remove_prefix(kPrefix.size());
    const auto slash = path.find('/');
    if (slash == 0 || slash == std::string_view::npos) return std::nullopt;
    Target t{std::string(path.substr(0, slash)), {}};
    path.remove_prefix(slash);
    if (path.substr(0, kCollection.size()) != kCollection) return std::nullopt;
    path.remove_prefix(kCollection.size());
    if (path.empty()) return t;
    if (path.front() != '/' || path.size() == 1 || path.find('/', 1) != std::string_view::npos)
        return std::nullopt;
    t.id = std::string(path.substr(1));
    return t;
}

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

bool DispatchRoutes::handle(const http::Request& request, http::Respond& respond) {
    const auto target = parse_target(request.path);
    if (!target) return false;
    if (request.method != "GET") {
        respond(problem_response(ApiError{405, "method-not-allowed", "Method not allowed",
                                          "use GET to read dispatched work orders", "",
                                          nlohmann::json::object()}));
        return true;
    }
    auto registry = vendors_();
    const VendorEntry* entry = registry ? registry->find(target->vendor) : nullptr;
    if (!entry) {
        respond(problem_response(ApiError{404, "unknown-vendor", "Unknown vendor",
                                          "no vendor '" + target->vendor + "' is configured", "",
                                          nlohmann::json::object()}));
        return true;
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
        return true;
    }
    if (auto limited = take_vendor_request(limits_, spec)) {
        auto r = problem_response(limited->error);
        r.headers.push_back({"retry-after", std::to_string(limited->retry_after_s)});
        respond(std::move(r));
        return true;
    }

    if (!target->id.empty()) {
        auto db = reads_.acquire();
        if (auto view = read_vendor_order(*db, spec, target->id)) {
            respond(json_response(200, *view));
        } else {
            respond(problem_response(
                ApiError{404, "not-found", "Work order not found",
                         "no work order " + target->id + " is assigned to " + spec.id, "",
                         nlohmann::json::object()}));
        }
        return true;
    }

    const auto cursor =
        integer_param(request, "cursor", 0, 0, std::numeric_limits<std::int64_t>::max());
    const auto limit = integer_param(request, "limit", kFeedDefaultLimit, 1, kFeedMaxLimit);
    for (const auto* p : {&cursor, &limit}) {
        if (const auto* error = std::get_if<ApiError>(p)) {
            respond(problem_response(*error));
            return true;
        }
    }
    auto db = reads_.acquire();
    respond(json_response(200, read_feed(*db, spec, std::get<std::int64_t>(cursor),
                                         static_cast<int>(std::get<std::int64_t>(limit)))));
    return true;
}

}  // namespace fieldgate
