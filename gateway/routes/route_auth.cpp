#include "route_auth.h"

#include <algorithm>
#include <initializer_list>

#include "sync_route_support.h"

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

}  // namespace fieldgate
