// The delivery endpoints the configuration names: the CRM (crm.*) and every vendor that takes
// dispatch pushes (its folder's dispatch block), with TLS, proxy and credentials resolved.
// Throws std::runtime_error naming the setting when one cannot be used (a signing secret not
// configured, plain HTTP to another machine without allow_insecure_http).
#pragma once

#include <vector>

#include "config.h"
#include "endpoint.h"
#include "registry.h"
#include "secrets.h"

namespace fieldgate::delivery {

std::vector<Endpoint> delivery_endpoints(const GatewayConfig& config, const VendorRegistry& vendors,
                                         const SecretStore& secrets);

// The proxy and CA bundle of outbound.* (no origin yet).
http::ClientOptions outbound_options(const GatewayConfig& config);

// The token source of an `oauth2` block (crm.oauth2, a vendor's dispatch or poll block),
// reached with `client` (proxy, CA bundle). The client secret is read from the secret store on
// each fetch, so a rotated secret is picked up. Throws std::runtime_error when the secret is
// not configured or the token URL is plain HTTP to another machine.
std::shared_ptr<http::OAuth2TokenSource> oauth2_source(const OAuth2Spec& oauth2,
                                                       http::ClientOptions client,
                                                       const SecretStore& secrets);

}  // namespace fieldgate::delivery
