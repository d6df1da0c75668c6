// The one check of the bearer credentials a route declares in the catalog (CRM, staff, either,
// metrics scraper): by admission from the head when a body follows, by the router before the
// handler otherwise. Vendor and device credentials are checked where who called is needed (the
// vendor's adapter settings, the device row); `in_body` by its handler.
#pragma once

#include <optional>

#include "route_catalog.h"
#include "secrets.h"
#include "types.h"

namespace fieldgate {

// The 401 for a request without the bearer token its route needs; nullopt when it has it or the
// route's credential is not a bearer token.
std::optional<http::Response> refuse_bearer(Credential credential, const SecretStore& secrets,
                                            const http::Request& request);

}  // namespace fieldgate
