// The CRM side: the POST /v1/work-orders body for a planned order.
#pragma once

#include <string>

#include "civil_time.h"
#include "scenario.h"

namespace fieldgate::sim {

std::string work_order_body(const Order& o, VendorId vendor, const CivilDate& date);

}  // namespace fieldgate::sim
