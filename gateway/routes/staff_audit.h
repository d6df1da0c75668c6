// The audit log of staff changes: every request that changes something on a staff route (with a
// console session or the admin token) is written to the store with who made it and what was
// answered, before the answer leaves, so a change staff saw succeed is in the log.
#pragma once

#include "console_sessions.h"
#include "route_catalog.h"
#include "types.h"
#include "writer.h"

namespace fieldgate {

// `respond`, preceded by the audit entry's commit. The request body (cut to 1000 bytes) is the
// entry's detail: staff routes take no credential in their bodies.
http::Respond audited(store::Writer& writer, const console::Caller& caller, const RouteSpec& route,
                      const http::Request& request, http::Respond respond);

}  // namespace fieldgate
