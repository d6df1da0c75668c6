// Request parsing shared by the operations routes (ops_routes.cpp, ops_quarantine_routes.cpp):
// ids in paths, time bounds in queries, JSON object bodies, and the 400 that names a parameter.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "types.h"

namespace fieldgate::ops_params {

// A non-negative integer, all of `s`; nullopt otherwise.
std::optional<std::int64_t> to_int(std::string_view s);
http::Response bad_parameter(const std::string& name, const std::string& detail);
// A time bound from the query: RFC 3339 (any offset), as stored (UTC, milliseconds); sets `bad`
// when present but not a time.
std::optional<std::string> time_param(const http::Request& r, const char* name, bool& bad);
// The body as a JSON object ("" is {}); otherwise answers the problem and returns nullopt.
std::optional<nlohmann::json> json_body(const http::Request& request, http::Respond& respond);

}  // namespace fieldgate::ops_params
