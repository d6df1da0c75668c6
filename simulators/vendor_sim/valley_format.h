// Valley Disposal Event Notification Service (SOAP 1.1): one NotifyEventUpdated per event
// state change, WS-Security UsernameToken in the header. Quirks: namespace prefixes differ
// between calls, LastUpdatedDate without offset (OffsetMinutes beside it) or the sentinel
// 1900-01-01T00:00:00, zero/one/many Images.
#pragma once

#include <optional>
#include <string>

#include "civil_time.h"
#include "payload.h"
#include "rng.h"
#include "scenario.h"

namespace fieldgate::sim::valley {

inline constexpr const char* kSoapAction =
    "\"http://valleydisposal.example/ens/NotifyEventUpdated\"";
inline constexpr const char* kUsername = "city-of-sj";
// EventStateId; the names in Valley's system carry trailing spaces.
inline constexpr const char* kAllocatedToCrew = "7668";  // "Allocated to Crew"
inline constexpr const char* kEnRoute = "7669";          // "En Route "
inline constexpr const char* kCompleted = "7670";        // "Completed "
inline constexpr const char* kNotCompleted = "7671";     // "Not Completed"
inline constexpr const char* kRejected = "7672";         // "Rejected "
inline constexpr const char* kPartially = "7673";        // "Partially Completed "

// Expresses o.intent as EventStateId (vendor_status) and ResolutionCodeId (vendor_code).
void assign_codes(Order& o, Rng& rng);

// One state of an event as Valley notifies it.
struct Notice {
    std::string state;       // EventStateId
    std::string resolution;  // ResolutionCodeId; empty = absent
    int minute = 0;          // local minute of the day
    int second = 0;
    bool sentinel_date = false;  // LastUpdatedDate 1900-01-01T00:00:00
    bool images = false;         // attach the order's photos
};

// The closing notice of `o` (its final state).
Notice closing_notice(const Order& o);

// The SOAP envelope. `rng` picks the namespace prefixes and other per-call variations.
std::string envelope(const Order& o, const Notice& n, const CivilDate& date,
                     const std::string& password, Rng& rng);
std::string bad_envelope(BadKind kind, const Order& o, const CivilDate& date,
                         const std::string& password, Rng& rng);

}  // namespace fieldgate::sim::valley
