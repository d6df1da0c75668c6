// What a request must show before its body is read (Router::admit, admission.cpp). Every route
// declares its credential (route_catalog.h); one carried in a header is checked from the head,
// and a request that fails is answered at once: its body is never read, buffered or stored.
// Where the credential travels in the body (Valley's WS-Security token, a crew enrollment
// token) the body is read only up to a small pre-auth limit.
#pragma once

#include <cstddef>

namespace fieldgate {

// A vendor whose credential is in the body (WS-Security) may send at most this much: one SOAP
// event is a few KB, and a stranger may make the gateway hold this much per connection.
inline constexpr std::size_t kPreAuthVendorBodyBytes = 64 * 1024;
// A crew enrollment ({"device_id", "enrollment_token", "app_version"}).
inline constexpr std::size_t kPreAuthEnrollBodyBytes = 4 * 1024;

// A vendor payload at least this large is normalized on the ingest threads (config
// `ingest.threads`), not on the HTTP I/O thread; a single result is a few hundred bytes.
inline constexpr std::size_t kInlineBodyBytes = 8 * 1024;

}  // namespace fieldgate
