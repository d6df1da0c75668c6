// What a vendor sees of a work order: the job, and only the resident fields its folder allows.
#include <gtest/gtest.h>

#include "vendor_view.h"

namespace fieldgate {
namespace {

store::WorkOrder order(const std::string& vendor = "bay-hauling") {
    store::WorkOrder wo;
    wo.id = "wo_0001";
    wo.crm_case_id = "SR-2026-118734";
    wo.service_type = "bulky_item";
    wo.address = "200 E Santa Clara St, San Jose, CA 95113";
    wo.postal_code = "95113";
    wo.lat = 37.33452;
    wo.lon = -121.88861;
    wo.scheduled_date = "2026-02-03";
    wo.window_start = "07:00";
    wo.window_end = "17:00";
    wo.items_json = R"(["sofa","mattress"])";
    wo.instructions = "at the curb";
    wo.customer_json =
        R"({"name":"Ana Resident","phone":"408-555-0100","email":"ana@example.org"})";
    wo.vendor = vendor;
    wo.route_id = "R-0412";
    wo.route_date = "2026-02-03";
    wo.stop_seq = "4";
    wo.status = "dispatched";
    return wo;
}

VendorSpec vendor(std::vector<std::string> allowed = {}) {
    VendorSpec v;
    v.id = "bay-hauling";
    v.customer_fields_allowed = std::move(allowed);
    return v;
}

TEST(VendorView, CarriesTheJob) {
    const auto j = vendor_view(order(), vendor());
    EXPECT_EQ(j["id"], "wo_0001");
    EXPECT_EQ(j["crm_case_id"], "SR-2026-118734");
    EXPECT_EQ(j["service_type"], "bulky_item");
    EXPECT_EQ(j["address"], "200 E Santa Clara St, San Jose, CA 95113");
    EXPECT_EQ(j["location"]["lat"], 37.33452);
    EXPECT_EQ(j["scheduled_date"], "2026-02-03");
    EXPECT_EQ(j["window"]["end"], "17:00");
    EXPECT_EQ(j["items"], nlohmann::json({"sofa", "mattress"}));
    EXPECT_EQ(j["instructions"], "at the curb");
    EXPECT_EQ(j["route"]["stop_seq"], "4");
    EXPECT_EQ(j["status"], "dispatched");
    EXPECT_FALSE(j.contains("vendor"));  // nothing about other parties or the CRM's bookkeeping
    EXPECT_FALSE(j.contains("history"));
}

TEST(VendorView, ByDefaultNoResidentDetailAtAll) {
    const auto j = vendor_view(order(), vendor());
    EXPECT_EQ(j["customer"], nlohmann::json::object());
    const auto text = j.dump();
    EXPECT_EQ(text.find("408-555-0100"), std::string::npos) << text;
    EXPECT_EQ(text.find("ana@example.org"), std::string::npos) << text;
    EXPECT_EQ(text.find("Ana Resident"), std::string::npos) << text;
}

TEST(VendorView, AllowedFieldsAndOnlyThoseAreShown) {
    auto j = vendor_view(order(), vendor({"name"}));
    EXPECT_EQ(j["customer"], nlohmann::json({{"name", "Ana Resident"}}));
    EXPECT_EQ(j.dump().find("408-555-0100"), std::string::npos);
    EXPECT_EQ(j.dump().find("ana@example.org"), std::string::npos);

    j = vendor_view(order(), vendor({"name", "phone"}));
    EXPECT_EQ(j["customer"]["phone"], "408-555-0100");
    EXPECT_FALSE(j["customer"].contains("email"));

    j = vendor_view(order(), vendor({"name", "phone", "email"}));
    EXPECT_EQ(j["customer"]["email"], "ana@example.org");

    // Allowed but not given by the CRM: absent, not null.
    auto wo = order();
    wo.customer_json = R"({"name":"Ana Resident"})";
    j = vendor_view(wo, vendor({"phone"}));
    EXPECT_EQ(j["customer"], nlohmann::json::object());
}

TEST(VendorView, AnotherVendorsOrderShowsOnlyItsIds) {
    const auto j = vendor_view(order("valley-disposal"), vendor({"name", "phone", "email"}));
    EXPECT_EQ(j, nlohmann::json({{"id", "wo_0001"}, {"crm_case_id", "SR-2026-118734"}}));
}

TEST(VendorView, APushCarriesTheChangeTheEventIdAndTheView) {
    store::OutboxEvent event;
    event.id = 42;
    event.work_order_id = "wo_0001";
    event.event_type = "workorder.rescheduled";
    event.status = "dispatched";
    event.created_at = "2026-02-01T10:00:00.000Z";
    const auto j = render_vendor_dispatch(event, order(), vendor());
    EXPECT_EQ(j["change"], "rescheduled");
    EXPECT_EQ(j["event_id"], "evt_42");
    EXPECT_EQ(j["at"], "2026-02-01T10:00:00.000Z");
    EXPECT_EQ(j["work_order"], vendor_view(order(), vendor()));
    EXPECT_EQ(j.dump().find("408-555-0100"), std::string::npos);
}

}  // namespace
}  // namespace fieldgate
