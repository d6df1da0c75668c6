// Turns one vendor's plan into the ordered list of HTTP payloads to send: the real results in
// the vendor's own rhythm, identical re-sends (retries) and bad payloads in between.
#pragma once

#include <vector>

#include "credentials.h"
#include "options.h"
#include "payload.h"
#include "scenario.h"

namespace fieldgate::sim {

// Bay: per route, a single per job then the route's batch re-sending them (all duplicates).
// Valley: per event, sometimes "Allocated to Crew" and "En Route " first, the closing state,
// sometimes the closing state notified again, rarely an "En Route " arriving after closure.
// Curbside: one file per route, some with a route-level '*' row.
// A retry re-sends the previous payload identically; a bad payload comes before the real
// result of the job it is about, never instead of it.
std::vector<Payload> build_script(const Plan& plan, const VendorPlan& vp, const Credentials& creds,
                                  const Options& options);

}  // namespace fieldgate::sim
