// Does an outcome carry the evidence its reason expects (photo, GPS near the address, time in
// the scheduled window)? Missing evidence never refuses an outcome; it is recorded and flagged.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "catalog.h"
#include "model.h"
#include "records.h"

namespace fieldgate {

struct EvidenceVerdict {
    nlohmann::json detail;  // {"photo": ..., "gps": ..., "time": ..., "complete": bool}
    bool complete = true;
};

EvidenceVerdict check_evidence(const NormalizedResult& r, const ReasonInfo* reason,
                               const store::WorkOrder& wo, const std::string& city_zone);

double distance_m(double lat1, double lon1, double lat2, double lon2);

}  // namespace fieldgate
