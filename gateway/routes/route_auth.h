// The one check of the bearer credentials a route declares in the catalog (CRM, staff, either,
// metrics scraper): by admission from the head when a body follows, by the router before the
// handler otherwise. Vendor and device credentials are checked where who called is needed (the
// vendor's adapter settings, the device row); `in_body` by its handler.
#pragma once

#include <optional>

#include "console_sessions.h"
#include "route_catalog.h"
#include "secrets.h"
#include "types.h"

namespace fieldgate {

// The 401 for a request without the bearer token its route needs; nullopt when it has it or the
// route's credential is not a bearer token.
std::optional<http::Response> refuse_bearer(Credential credential, const SecretStore& secrets,
                                            const http::Request& request);

// Staff routes (staff, crm_or_staff, metrics) also take a console session: its cookie, and for a
// change (any method but GET) the session's CSRF token in X-CSRF-Token (403 without it) and the
// operator role (403 for a viewer, unless the route changes nothing: RouteSpec::changes_nothing).
struct CredentialCheck {
    std::optional<http::Response> refusal;
    std::optional<console::Caller> caller;  // who, when a staff credential was accepted
};
CredentialCheck check_credential(const RouteSpec& route, const SecretStore& secrets,
                                 const console::Sessions* sessions, const http::Request& request);

// A method that changes something: everything but GET and HEAD.
bool is_change(std::string_view method);

}  // namespace fieldgate
