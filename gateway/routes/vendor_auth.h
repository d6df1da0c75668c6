// Who is calling: a vendor's credentials checked as its folder declares (bearer key, API key
// header, WS-Security UsernameToken), plus an optional HMAC over "<timestamp>.<body>" with a
// replay window. Failures name what is wrong without echoing any secret.
#pragma once

#include <chrono>
#include <optional>

#include "api_error.h"
#include "ids.h"
#include "secrets.h"
#include "types.h"
#include "vendor_spec.h"

namespace fieldgate {

std::optional<ApiError> authenticate_vendor(const VendorSpec& spec, const http::Request& request,
                                            const SecretStore& secrets,
                                            std::chrono::system_clock::time_point now);

// For the vendor's GET routes (its dispatch feed): the same credentials as for its results,
// except that a WS-Security vendor, which has no SOAP envelope on a GET, sends HTTP Basic with
// the same user name and password. A required HMAC signature signs the empty body.
std::optional<ApiError> authenticate_vendor_read(const VendorSpec& spec,
                                                 const http::Request& request,
                                                 const SecretStore& secrets,
                                                 std::chrono::system_clock::time_point now);

// Whether the vendor's credential travels in the body (WS-Security): then the caller is known
// only once the body is read, so admission reads at most a small pre-auth body.
bool credentials_in_body(const VendorSpec& spec);

// The part of authenticate_vendor a request's head can show: the client certificate the folder
// requires (auth.client_certificate), then the key of a bearer or API-key scheme unless the
// certificate alone authenticates (a body signature is checked once the body is read). nullopt
// when these are right or the credential is in the body.
std::optional<ApiError> authenticate_vendor_head(const VendorSpec& spec, const http::Request& head,
                                                 const SecretStore& secrets);

// The raw body with WS-Security passwords blanked, for storage.
std::string redact_credentials(const VendorSpec& spec, const std::string& body);

// Request headers worth keeping with a raw payload (never credentials), as a JSON object.
std::string safe_headers_json(const http::Request& request);

}  // namespace fieldgate
