// Which vendor a work order goes to when the CRM names none: the configured rules, first match
// wins. Pure functions, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config.h"

namespace fieldgate {

// What the rules look at.
struct AssignmentFacts {
    std::string service_type;
    std::optional<std::string> postal_code;  // ZIP or ZIP+4
    double lat = 0;
    double lon = 0;
    std::string scheduled_date;  // YYYY-MM-DD
};

// The first rule whose every condition holds; nullptr when none does.
const AssignmentRule* match_rule(const std::vector<AssignmentRule>& rules,
                                 const AssignmentFacts& facts);

// A US ZIP (5 digits, or ZIP+4) at the end of an address ("..., San Jose, CA 95113-1905"),
// after trailing spaces, commas and periods; nullopt when the address does not end in one.
std::optional<std::string> zip_from_address(std::string_view address);

// "mon".."sun" for a YYYY-MM-DD date; nullopt when it is not a real date.
std::optional<std::string> weekday_of(std::string_view iso_date);

// Even-odd ray casting; the polygon may or may not repeat its first vertex at the end.
bool point_in_polygon(double lon, double lat, const std::vector<GeoPoint>& polygon);

}  // namespace fieldgate
