// Bay Hauling Job Result Webhook v3.2: a JSON result per job, and a batch per route that
// repeats them. Quirks: firmware before 5.0 sends closed_at without offset and no
// items_collected; gps absent without a fix; zero or more photos.
#pragma once

#include <string>

#include "civil_time.h"
#include "payload.h"
#include "rng.h"
#include "scenario.h"

namespace fieldgate::sim::bay {

// Expresses o.intent as a Bay status and exception code (a customer cancellation is sometimes
// status "Cancelled": the gateway counts it as NOT_COLLECTED all the same).
void assign_codes(Order& o, Rng& rng);

std::string single_body(const Order& o, const Route& route, const CivilDate& date);
std::string batch_body(const VendorPlan& plan, const Route& route, const CivilDate& date);
// A payload of the given bad kind about `o`; wrong_credentials and wrong_content_type carry the
// real single result.
std::string bad_body(BadKind kind, const Order& o, const Route& route, const CivilDate& date,
                     Rng& rng);

}  // namespace fieldgate::sim::bay
