#include "ops_params.h"

#include <charconv>

#include "api_error.h"
#include "input_limits.h"
#include "time_util.h"
#include "vendor_responses.h"

namespace fieldgate::ops_params {

std::optional<std::int64_t> to_int(std::string_view s) {
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || end != s.data() + s.size() || n < 0) return std::nullopt;
    return n;
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

}  // namespace fieldgate::ops_params
