// Curbside Co-op Daily Route Results: one CSV file per route and day. Quirks: a UTF-8 BOM and
// CRLF line ends from Excel, reason codes with extra spaces, quoted fields with commas (and
// quotes, and line breaks), "1900-01-01 00:00:00" for an unrecorded time, empty lat/lon, and
// route-level '*' rows applying to every stop of the route without a row of its own.
#pragma once

#include <string>

#include "civil_time.h"
#include "payload.h"
#include "rng.h"
#include "scenario.h"

namespace fieldgate::sim::curbside {

// Expresses o.intent as result (vendor_status) and reason (vendor_code).
void assign_codes(Order& o, Rng& rng);
// A route-level event: no access (parked cars) or truck down.
RouteEvent route_event(Rng& rng);

// The route's file: a row per stop that has its own result, plus the '*' row if any.
std::string route_file(const VendorPlan& plan, const Route& route, const CivilDate& date, Rng& rng);
// How many records route_file() holds.
std::size_t route_file_records(const VendorPlan& plan, const Route& route);
// A bad file about `o` (a stop with a row of its own); wrong_credentials and
// wrong_content_type carry the real route file.
std::string bad_file(BadKind kind, const VendorPlan& plan, const Route& route, const Order& o,
                     const CivilDate& date, Rng& rng);

}  // namespace fieldgate::sim::curbside
