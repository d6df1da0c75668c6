// The credentials a poll request carries, from the `auth` block of a polled vendor and the
// secret store. Values are read at each request (a rotated secret is picked up) and never logged.
#pragma once

#include <string>

#include "http_client.h"
#include "secrets.h"
#include "vendor_spec.h"

namespace fieldgate::poll {

struct PollCredentials {
    http::HeaderList headers;    // to add to the request (none for scheme none and oauth2)
    std::string missing_secret;  // set: this secret is not configured, nothing may be sent
};

// Headers of schemes bearer, api_key_header, headers and basic; oauth2's token is added per
// request by its token source. Reports the first secret the block names that has no value.
PollCredentials poll_credentials(const PollSpec& spec, const SecretStore& secrets);

}  // namespace fieldgate::poll
