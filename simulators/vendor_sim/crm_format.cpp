#include "crm_format.h"

#include <nlohmann/json.hpp>

namespace fieldgate::sim {

std::string work_order_body(const Order& o, VendorId vendor, const CivilDate& date) {
    nlohmann::ordered_json j;
    j["crm_case_id"] = o.crm_case_id;
    j["service_type"] = o.service_type;
    j["address"] = o.address;
    j["location"] = {{"lat", o.lat}, {"lon", o.lon}};
    j["scheduled_date"] = iso_date(date);
    if (o.window)
        j["window"] = {{"start", hh_mm(o.window->first)}, {"end", hh_mm(o.window->second)}};
    j["items"] = o.items;
    j["instructions"] = o.instructions;
    j["customer"] = {
        {"name", o.customer_name}, {"phone", o.customer_phone}, {"email", o.customer_email}};
    j["vendor"] = vendor_name(vendor);
    j["route"] = {{"id", o.route_id}, {"date", iso_date(date)}, {"stop_seq", o.stop_seq}};
    return j.dump();
}

}  // namespace fieldgate::sim
