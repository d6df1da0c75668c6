#include "route_auth.h"

#include <algorithm>
#include <initializer_list>

#include "accounts.h"
#include "secrets.h"
#include "sync_route_support.h"
#include "vendor_responses.h"

namespace fieldgate {

namespace {

bool token_is(const SecretStore& secrets, const http::Request& request,
              std::initializer_list<const char*> names) {
    const auto token = bearer_token(request);
    return token && std::any_of(names.begin(), names.end(),
                                [&](const char* name) { return secrets.matches(name, *token); });
}

}  // namespace

std::optional<http::Response> refuse_bearer(Credential credential, const SecretStore& secrets,
                                            const http::Request& request) {
    switch (credential) {
        case Credential::crm:
            if (token_is(secrets, request, {"crm/api-token"})) return std::nullopt;
            return unauthorized("a valid CRM bearer token is required");
        case Credential::staff:
            if (token_is(secrets, request, {"admin/api-token"})) return std::nullopt;
            return unauthorized("a valid staff (admin) bearer token is required");
        case Credential::crm_or_staff:
            if (token_is(secrets, request, {"crm/api-token", "admin/api-token"}))
                return std::nullopt;
            return unauthorized("a valid CRM or staff (admin) bearer token is required");
        case Credential::metrics:
            if (token_is(secrets, request, {"metrics/scrape-token", "admin/api-token"}))
                return std::nullopt;
            return unauthorized("a valid metrics scrape token or staff (admin) token is required");
        case Credential::none:
        case Credential::vendor:
        case Credential::device:
        case Credential::in_body:
            return std::nullopt;
    }
    return std::nullopt;
}

bool is_change(std::string_view method) {
    return method != "GET" && method != "HEAD";
}

namespace {

bool takes_session(Credential credential) {
    return credential == Credential::staff || credential == Credential::crm_or_staff ||
           credential == Credential::metrics;
}

// A session's request: refused unless a change carries the CSRF token and an operator's role.
std::optional<http::Response> refuse_session_change(const RouteSpec& route,
                                                    const console::Caller& caller,
                                                    const http::Request& request) {
    if (!is_change(request.method)) return std::nullopt;
    const auto token = request.header(console::kCsrfHeader);
    if (!token || !constant_time_equal(*token, console::Sessions::csrf_token(caller.session_id)))
        return problem(403, "csrf-token-missing", "CSRF token missing or wrong",
                       "a change made with a console session must carry the session's CSRF token "
                       "in the X-CSRF-Token header",
                       "X-CSRF-Token");
    if (!route.changes_nothing && caller.role != console::kOperator)
        return problem(403, "forbidden-role", "Not allowed for this role",
                       "the " + caller.role +
                           " role reads only; replays, discards, reloads and "
                           "enabling endpoints need an operator");
    return std::nullopt;
}

}  // namespace

CredentialCheck check_credential(const RouteSpec& route, const SecretStore& secrets,
                                 const console::Sessions* sessions, const http::Request& request) {
    auto refused = refuse_bearer(route.credential, secrets, request);
    if (!takes_session(route.credential)) return {std::move(refused), std::nullopt};
    if (!refused) {
        const bool admin = token_is(secrets, request, {"admin/api-token"});
        return {std::nullopt,
                console::Caller{admin ? "admin-token" : "bearer-token", "operator", ""}};
    }
    if (!sessions || !console::Sessions::cookie(request)) return {std::move(refused), std::nullopt};
    auto caller = sessions->caller(request);
    if (!caller)
        return {unauthorized("the console session has ended or is unknown: sign in again"),
                std::nullopt};
    if (auto refusal = refuse_session_change(route, *caller, request))
        return {std::move(refusal), std::nullopt};
    return {std::nullopt, std::move(caller)};
}

}  // namespace fieldgate
