// What the resident is told matches what happened, as the CRM receives it: the real gateway,
// the real CRM simulator, payloads as the vendors' documents write them.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "catalog.h"
#include "support/crm_delivery_rig.h"
#include "support/vendor_payloads.h"
#include "support/wait.h"
#include "time_util.h"

namespace fieldgate::test {
namespace {

using namespace std::chrono_literals;

const Catalog& shipped_catalog() {
    static const Catalog catalog =
        Catalog::load(source_path("gateway/catalog/standard-codes.json"),
                      source_path("gateway/catalog/standard-codes.schema.json"));
    return catalog;
}

nlohmann::json closing_event(CrmDeliveryRig& rig, const std::string& sr) {
    const auto subjects = by_subject(rig.events());
    const auto it = subjects.find(sr);
    if (it == subjects.end() || it->second.size() < 2) return nullptr;
    return it->second.back()["body"];
}

// "Partially Collected" because the pile was over the size limit: the resident hears that some
// items were collected and what to do with the rest, in both CRM profiles.
TEST(CrmMessages, APartialPickupReachesTheCrmWithThePartialMessageForItsReason) {
    const auto partial = shipped_catalog().message_for("PARTIALLY_COMPLETED", "OVER_SIZE_LIMIT");
    const auto missed = shipped_catalog().message_for("NOT_COLLECTED", "OVER_SIZE_LIMIT");
    ASSERT_TRUE(partial && missed);
    for (const std::string profile : {"cloudevents", "open311"}) {
        CrmDeliveryRig rig(nlohmann::json{{"crm", {{"profile", profile}}}});
        auto c = rig.gw().client();
        rig.create(c, "SR-PART");
        rig.create(c, "SR-MISS");
        rig.post_result(c, "BH-PART", "SR-PART", "Partially Collected", "OVS");
        rig.post_result(c, "BH-MISS", "SR-MISS", "Confirmed Negative", "OVS");
        ASSERT_TRUE(wait_until([&] { return rig.stored() == 4; }, 15s)) << rig.report();
        const auto part = closing_event(rig, "SR-PART");
        const auto miss = closing_event(rig, "SR-MISS");
        if (profile == "cloudevents") {
            const auto& outcome = part["data"]["outcome"];
            EXPECT_EQ(outcome["code"], "PARTIALLY_COMPLETED");
            EXPECT_EQ(outcome["customer_message"], partial->text);
            EXPECT_EQ(outcome["customer_message_version"], partial->id);
            EXPECT_EQ(miss["data"]["outcome"]["customer_message"], missed->text);
        } else {
            EXPECT_EQ(part["status_notes"], partial->text);
            EXPECT_EQ(part["status_notes_version"], partial->id);
            EXPECT_EQ(part["external_status_code"], "PARTIALLY_COMPLETED/OVER_SIZE_LIMIT");
            EXPECT_EQ(miss["status_notes"], missed->text);
            EXPECT_EQ(miss["external_status_code"], "NOT_COLLECTED/OVER_SIZE_LIMIT");
        }
    }
}

SysMillis instant(const std::string& text) {
    const auto t = parse_rfc3339(text);
    EXPECT_TRUE(t) << text;
    return t.value_or(SysMillis{});
}

// A day of one route: each order is dispatched, Valley's crew acknowledges it and is on its way,
// then closes it, with field times of the service day (earlier than the gateway's clock, as a
// day's backlog is). A CRM that orders a request's updates by updated_datetime must see them in
// the order they happened: it never decreases, and the field time travels in its own field.
TEST(CrmMessages, Open311UpdatedDatetimeNeverDecreasesForARequestAcrossADay) {
    CrmDeliveryRig rig(nlohmann::json{{"crm", {{"profile", "open311"}}}});
    auto c = rig.gw().client();
    const auto& pw = rig.gw().secrets.valley;
    constexpr int kOrders = 12;
    const int closing[] = {7670, 7671, 7673};
    const int reasons[] = {0, 12, 24};
    for (int i = 0; i < kOrders; ++i) {
        const std::string sr = "SR-DAY-" + std::to_string(i);
        const auto created = rig.gw().create_order(c, work_order_body(sr, "valley-disposal"));
        ASSERT_EQ(created.status, 201) << created.body;
    }
    auto post_valley = [&](const std::string& sr, int state, int reason, const std::string& at) {
        const auto r =
            c.post("/v1/vendors/valley-disposal/results",
                   valley_event("G-" + sr, sr, state, reason, "city-of-sj", pw, at),
                   "text/xml; charset=utf-8",
                   {{"SOAPAction", "\"http://valleydisposal.example/ens/NotifyEventUpdated\""}});
        EXPECT_EQ(r.status, 200) << r.body;
    };
    for (int i = 0; i < kOrders; ++i) {
        const std::string sr = "SR-DAY-" + std::to_string(i);
        const std::string hour = (i < 3 ? "0" : "") + std::to_string(7 + i);
        post_valley(sr, 7668, 0, "2026-02-03T" + hour + ":05:00");
        post_valley(sr, 7669, 0, "2026-02-03T" + hour + ":20:00");
        post_valley(sr, closing[i % 3], reasons[i % 3], "2026-02-03T" + hour + ":41:00");
    }
    ASSERT_TRUE(wait_until([&] { return rig.stored() == 4 * kOrders; }, 20s)) << rig.report();
    EXPECT_EQ(rig.report()["out_of_order"], 0);

    std::map<std::string, std::vector<nlohmann::json>> updates;
    for (const auto& e : rig.events())
        updates[e["body"]["service_request_id"].get<std::string>()].push_back(e["body"]);
    ASSERT_EQ(updates.size(), static_cast<std::size_t>(kOrders));
    for (const auto& [sr, list] : updates) {
        ASSERT_EQ(list.size(), 4u) << sr;  // dispatched, acknowledged, en_route, closed
        for (std::size_t k = 1; k < list.size(); ++k) {
            EXPECT_LE(instant(list[k - 1]["updated_datetime"].get<std::string>()),
                      instant(list[k]["updated_datetime"].get<std::string>()))
                << sr << " update " << k << ": " << list[k - 1] << " then " << list[k];
        }
        EXPECT_EQ(list.back()["status"], "closed") << sr;
        ASSERT_TRUE(list.back()["occurred_datetime"].is_string()) << list.back();
        EXPECT_EQ(list.back()["occurred_datetime"].get<std::string>().substr(0, 11), "2026-02-03T");
    }
}

}  // namespace
}  // namespace fieldgate::test
