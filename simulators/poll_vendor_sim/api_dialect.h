// How the simulated vendor's list API is spelled: Riverbend's Pickups API v2
// (vendor_schemas/riverbend-recycling/README.md) or Lakeside Haulers' Jobs API v1
// (docs/vendors/lakeside-haulers.md). Both page the same pickups by time window; they differ in
// the path, the query parameter names and the JSON of a page.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pickup_book.h"

namespace fieldgate::poll_sim {

struct ApiDialect {
    std::string name;
    std::string list_path;
    std::string since_param, until_param, size_param, token_param;
    // One page of pickups and the path of the next page (nullopt on the last).
    nlohmann::json (*page)(const std::vector<Pickup>& pickups,
                           const std::optional<std::string>& next);
};

// "riverbend" or "lakeside"; nullopt for any other name.
std::optional<ApiDialect> api_dialect(const std::string& name);

// A Lakeside job: integer status and reason, closing time in epoch milliseconds, the position
// as one "lat,lon" string, photos as objects with an href.
nlohmann::json lakeside_job(const Pickup& p);

}  // namespace fieldgate::poll_sim
