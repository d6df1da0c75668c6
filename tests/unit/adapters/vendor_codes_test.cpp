// Every code in each vendor's document is mapped, to the standard code the onboarding chose.
// The tables are copied from the vendors' interface documents (their own words), not from the
// mappings, so a code dropped from a mapping fails here.
#include "result_json.h"
#include "test_support.h"

namespace fieldgate::testing {
namespace {

using Table = std::vector<std::pair<std::string, std::string>>;

std::shared_ptr<const VendorAdapter> vendor(const std::string& id) {
    static const auto load = loader().load_all(vendor_schemas_dir());
    EXPECT_TRUE(load.ok()) << all_errors(load.errors);
    const auto* e = load.registry->find(id);
    EXPECT_NE(e, nullptr) << id;
    return e ? e->adapter : nullptr;
}

std::optional<NormalizedResult> ok(const NormalizeOutput& out, const std::string& what) {
    if (out.records.size() != 1 || !out.records[0].ok()) {
        ADD_FAILURE() << what << ": " << error_lines(out);
        return std::nullopt;
    }
    return out.records[0].result;
}

std::string bay(const std::string& status, const std::string& code) {
    return R"({"ticket_number":"T","service_request":"SR","status":")" + status +
           R"(","exception":{"code":")" + code + R"(","description":"d"}})";
}

TEST(adapters_VendorCodes, BayHaulingStatusesAndExceptionCodes) {
    auto a = vendor("bay-hauling");
    ASSERT_TRUE(a);
    const Table statuses = {{"Confirmed Positive", "COMPLETED"},
                            {"Partially Collected", "PARTIALLY_COMPLETED"},
                            {"Confirmed Negative", "NOT_COLLECTED"},
                            {"Cancelled", "NOT_COLLECTED"}};
    for (const auto& [code, expected] : statuses) {
        if (auto r = ok(a->normalize(bay(code, "NSO")), code)) {
            EXPECT_EQ(r->outcome, expected) << code;
        }
    }
    const Table reasons = {{"NSO", "NOT_SET_OUT"},
                           {"INF", "INSTRUCTIONS_NOT_FOLLOWED"},
                           {"CXL", "CUSTOMER_CANCELLED"},
                           {"NLI", "ITEMS_NOT_LISTED"},
                           {"OVS", "OVER_SIZE_LIMIT"},
                           {"UNA", "UNACCEPTABLE_ITEMS"},
                           {"HAZ", "SAFETY_HAZARD"},
                           {"WWO", "WRONG_WORK_ORDER_TYPE"},
                           {"BAD", "INACCURATE_INFO"},
                           {"BLK", "ACCESS_BLOCKED"},
                           {"MEC", "VEHICLE_ISSUE"},
                           {"RTE", "VENDOR_MISSED"},
                           {"MISC", "OTHER"}};
    for (const auto& [code, expected] : reasons) {
        if (auto r = ok(a->normalize(bay("Confirmed Negative", code)), code)) {
            EXPECT_EQ(r->reason, expected) << code;
        }
    }
}

std::string valley(const std::string& state, const std::string& resolution) {
    return "<soap:Envelope xmlns:soap='http://schemas.xmlsoap.org/soap/envelope/' "
           "xmlns:ens='http://valleydisposal.example/"
           "ens'><soap:Body><ens:NotifyEventUpdated><ens:event>"
           "<ens:Guid>G</ens:Guid><ens:ClientReference>SR</"
           "ens:ClientReference><ens:EventTypeId>943</ens:EventTypeId>"
           "<ens:EventStateId>" +
           state + "</ens:EventStateId><ens:ResolutionCodeId>" + resolution +
           "</ens:ResolutionCodeId></ens:event></ens:NotifyEventUpdated></soap:Body></"
           "soap:Envelope>";
}

TEST(adapters_VendorCodes, ValleyDisposalStatesAndResolutionCodes) {
    auto a = vendor("valley-disposal");
    ASSERT_TRUE(a);
    const Table states = {{"7668", "acknowledged"},  {"7669", "en_route"},
                          {"7670", "COMPLETED"},     {"7671", "NOT_COLLECTED"},
                          {"7672", "NOT_COLLECTED"}, {"7673", "PARTIALLY_COMPLETED"}};
    for (const auto& [code, expected] : states) {
        if (auto r = ok(a->normalize(valley(code, "12")), code)) {
            EXPECT_EQ(r->outcome.empty() ? r->progress : r->outcome, expected) << code;
        }
    }
    const Table reasons = {{"12", "NOT_SET_OUT"},       {"13", "INSTRUCTIONS_NOT_FOLLOWED"},
                           {"14", "WEATHER"},           {"21", "UNACCEPTABLE_ITEMS"},
                           {"22", "SAFETY_HAZARD"},     {"23", "ITEMS_NOT_LISTED"},
                           {"24", "OVER_SIZE_LIMIT"},   {"25", "WRONG_WORK_ORDER_TYPE"},
                           {"26", "INACCURATE_INFO"},   {"31", "VEHICLE_ISSUE"},
                           {"48", "DUPLICATE_REQUEST"}, {"67", "NOTHING_FOUND"},
                           {"100", "ACCESS_BLOCKED"},   {"101", "CUSTOMER_CANCELLED"}};
    for (const auto& [code, expected] : reasons) {
        if (auto r = ok(a->normalize(valley("7671", code)), code)) {
            EXPECT_EQ(r->reason, expected) << code;
        }
    }
}

TEST(adapters_VendorCodes, CurbsideCoopResultsAndReasons) {
    auto a = vendor("curbside-coop");
    ASSERT_TRUE(a);
    auto csv = [](const std::string& result, const std::string& reason) {
        return "route_id,route_date,stop_seq,sr_number,result,reason,reason_text,event_time,truck,"
               "lat,lon\n"
               "R1,2026-02-03,1,SR,\"" +
               result + "\",\"" + reason + "\",text,2026-02-03 08:00:00,T,,\n";
    };
    const Table results = {
        {"DONE", "COMPLETED"}, {"PART", "PARTIALLY_COMPLETED"}, {"EXC", "NOT_COLLECTED"}};
    for (const auto& [code, expected] : results) {
        if (auto r = ok(a->normalize(csv(code, "NOT OUT")), code)) {
            EXPECT_EQ(r->outcome, expected) << code;
        }
    }
    const Table reasons = {
        {"NOT OUT", "NOT_SET_OUT"},           {"WRONG PREP", "INSTRUCTIONS_NOT_FOLLOWED"},
        {"CANCELLED", "CUSTOMER_CANCELLED"},  {"EXTRA", "ITEMS_NOT_LISTED"},
        {"TOO BIG", "OVER_SIZE_LIMIT"},       {"NOT ALLOWED", "UNACCEPTABLE_ITEMS"},
        {"UNSAFE", "SAFETY_HAZARD"},          {"WRONG TYPE", "WRONG_WORK_ORDER_TYPE"},
        {"BAD ADDRESS", "INACCURATE_INFO"},   {"NO ACCESS PARKED CAR", "ACCESS_BLOCKED"},
        {"NO ACCESS GATE", "ACCESS_BLOCKED"}, {"TRUCK DOWN", "VEHICLE_ISSUE"},
        {"NOT REACHED", "VENDOR_MISSED"},     {"OTHER", "OTHER"}};
    for (const auto& [code, expected] : reasons) {
        if (auto r = ok(a->normalize(csv("EXC", code)), code)) {
            EXPECT_EQ(r->reason, expected) << code;
        }
        // "upper case, sometimes with extra spaces"
        if (auto r = ok(a->normalize(csv("EXC", "  " + code + " ")), code)) {
            EXPECT_EQ(r->reason, expected) << code;
        }
    }
}

std::string riverbend(const std::string& result, int missed_code) {
    return R"({"pickups": [{"pickup_id": "RB-1", "city_ticket": "SR", "result": ")" + result +
           R"(", "missed_code": )" + std::to_string(missed_code) +
           R"(, "comment": "", "finished_at": 1770144137, "modified_at": "2026-02-03T18:42:20Z"}]})";
}

std::string curbside(const std::string& result, const std::string& reason) {
    return "route_id,route_date,stop_seq,sr_number,result,reason,reason_text,event_time,truck,lat,"
           "lon\nR12,2026-02-03,9,SR," +
           result + "," + reason + ",Resident cancelled at door,2026-02-03 09:00:00,CC-3,,\n";
}

// A resident who cancels at the door is one event: the city counts it among the non-collections,
// whichever vendor reports it and whatever status that vendor's document puts it under.
TEST(adapters_VendorCodes, ACancellationAtTheDoorIsTheSameOutcomeFromEveryVendor) {
    const std::vector<std::pair<std::string, std::string>> door_cancellations = {
        {"bay-hauling", bay("Cancelled", "CXL")},
        {"bay-hauling", bay("Confirmed Negative", "CXL")},
        {"bay-hauling", bay("Partially Collected", "CXL")},
        {"valley-disposal", valley("7671", "101")},
        {"valley-disposal", valley("7672", "101")},
        {"curbside-coop", curbside("EXC", "CANCELLED")},
        {"riverbend-recycling", riverbend("cancelled", 13)},
        {"riverbend-recycling", riverbend("missed", 13)},
    };
    for (const auto& [id, payload] : door_cancellations) {
        auto a = vendor(id);
        ASSERT_TRUE(a) << id;
        if (auto r = ok(a->normalize(payload), id + ": " + payload)) {
            EXPECT_EQ(r->outcome, "NOT_COLLECTED") << id << ": " << payload;
            EXPECT_EQ(r->reason, "CUSTOMER_CANCELLED") << id << ": " << payload;
        }
    }
}

// A reason that cannot go with a partial pickup keeps the outcome it means; one that can keeps
// the vendor's partial, so the resident hears that some items were collected.
TEST(adapters_VendorCodes, APartialPickupKeepsItsOutcomeUnlessItsReasonRulesItOut) {
    auto a = vendor("bay-hauling");
    ASSERT_TRUE(a);
    if (auto r = ok(a->normalize(bay("Partially Collected", "OVS")), "OVS")) {
        EXPECT_EQ(r->outcome, "PARTIALLY_COMPLETED");
        EXPECT_EQ(r->reason, "OVER_SIZE_LIMIT");
    }
    if (auto r = ok(a->normalize(bay("Partially Collected", "BAD")), "BAD")) {
        EXPECT_EQ(r->outcome, "NOT_COLLECTED");
        EXPECT_EQ(r->reason, "INACCURATE_INFO");
    }
    auto valley_adapter = vendor("valley-disposal");
    ASSERT_TRUE(valley_adapter);
    if (auto r = ok(valley_adapter->normalize(valley("7671", "48")), "48")) {
        EXPECT_EQ(r->outcome, "CANCELLED");
        EXPECT_EQ(r->reason, "DUPLICATE_REQUEST");
    }
}

}  // namespace
}  // namespace fieldgate::testing
