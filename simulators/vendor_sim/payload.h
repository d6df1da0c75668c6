// One HTTP request the simulator sends for a vendor, and what it expects back.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "http_client.h"

namespace fieldgate::sim {

// Payloads the gateway must refuse. Each is sent in addition to the real result of its job.
enum class BadKind {
    malformed,
    unmapped_code,
    missing_field,
    wrong_credentials,
    wrong_content_type,
    unknown_sr
};
inline constexpr BadKind kBadKinds[] = {BadKind::malformed,          BadKind::unmapped_code,
                                        BadKind::missing_field,      BadKind::wrong_credentials,
                                        BadKind::wrong_content_type, BadKind::unknown_sr};
inline const char* to_string(BadKind k) {
    switch (k) {
        case BadKind::malformed:
            return "malformed";
        case BadKind::unmapped_code:
            return "unmapped_code";
        case BadKind::missing_field:
            return "missing_field";
        case BadKind::wrong_credentials:
            return "wrong_credentials";
        case BadKind::wrong_content_type:
            return "wrong_content_type";
        case BadKind::unknown_sr:
            return "unknown_sr";
    }
    return "?";
}

// Bay Hauling's headers depend on the moment of sending: a fresh Request-Tracking-Id per HTTP
// request and, when a secret is configured, a fresh X-BH-Timestamp and signature.
enum class AuthStyle { in_payload, bay };

struct Payload {
    // single, batch (Bay); progress, close, renotify, late_progress (Valley); route_csv
    // (Curbside); retry (an identical re-send of the previous payload); bad.
    std::string kind;
    std::optional<BadKind> bad;
    std::string label;  // what it concerns: a service request number or a route id
    std::string content_type;
    HeaderList headers;  // fixed headers (SOAPAction, X-Api-Key)
    AuthStyle auth = AuthStyle::in_payload;
    std::string bay_key;  // AuthStyle::bay: the key to present (a wrong one for wrong_credentials)
    std::string body;
    // Good payloads: the verdict expected for each record of the answer, in order (accepted,
    // duplicate, late); "ok" for Valley, whose SOAP answer carries no verdict.
    std::vector<std::string> expect;
    std::size_t results = 1;  // job results it carries
};

}  // namespace fieldgate::sim
