// Assignment rules: service type, postal code, zone (polygon) and weekday; first match wins.
#include <gtest/gtest.h>

#include "assignment.h"
#include "config.h"
#include "support/temp_dir.h"

namespace fieldgate {
namespace {

// Downtown San Jose, roughly: a square around City Hall (200 E Santa Clara St).
const std::vector<GeoPoint> kDowntown = {
    {-121.900, 37.325}, {-121.880, 37.325}, {-121.880, 37.345}, {-121.900, 37.345}};

AssignmentFacts facts(const std::string& service_type = "bulky_item",
                      std::optional<std::string> zip = std::nullopt, double lat = 37.33452,
                      double lon = -121.88861, const std::string& date = "2026-02-03") {
    return AssignmentFacts{service_type, std::move(zip), lat, lon, date};
}

AssignmentRule rule(const std::string& service_type, const std::string& vendor) {
    AssignmentRule r;
    r.service_type = service_type;
    r.vendor = vendor;
    return r;
}

std::string vendor_of(const std::vector<AssignmentRule>& rules, const AssignmentFacts& f) {
    const auto* r = match_rule(rules, f);
    return r ? r->vendor : "";
}

TEST(Assignment, ServiceTypeAndTheWildcard) {
    const std::vector<AssignmentRule> rules = {rule("illegal_dumping", "valley"), rule("*", "bay")};
    EXPECT_EQ(vendor_of(rules, facts("illegal_dumping")), "valley");
    EXPECT_EQ(vendor_of(rules, facts("bulky_item")), "bay");
    EXPECT_EQ(vendor_of({rule("illegal_dumping", "valley")}, facts("bulky_item")), "");
}

TEST(Assignment, PostalCodeMatchesOnTheFiveDigitZip) {
    auto by_zip = rule("bulky_item", "curbside");
    by_zip.postal_codes = {"95112", "95116"};
    const std::vector<AssignmentRule> rules = {by_zip, rule("bulky_item", "bay")};
    EXPECT_EQ(vendor_of(rules, facts("bulky_item", "95116")), "curbside");
    EXPECT_EQ(vendor_of(rules, facts("bulky_item", "95112-4401")), "curbside");  // ZIP+4
    EXPECT_EQ(vendor_of(rules, facts("bulky_item", "95113")), "bay");
    EXPECT_EQ(vendor_of(rules, facts("bulky_item", std::nullopt)), "bay");  // no code: no match
}

TEST(Assignment, PolygonInsideAndOutside) {
    auto zone = rule("*", "valley");
    zone.polygon = kDowntown;
    const std::vector<AssignmentRule> rules = {zone, rule("*", "bay")};
    EXPECT_EQ(vendor_of(rules, facts("bulky_item", std::nullopt, 37.33452, -121.88861)),
              "valley");  // City Hall
    EXPECT_EQ(vendor_of(rules, facts("bulky_item", std::nullopt, 37.30121, -121.85112)),
              "bay");  // south-east of downtown
    EXPECT_EQ(vendor_of(rules, facts("bulky_item", std::nullopt, 37.335, -121.95)), "bay");  // west
}

TEST(Assignment, PointInAConcavePolygon) {
    // A "U": the notch between the arms is outside.
    const std::vector<GeoPoint> u = {{0, 0}, {3, 0}, {3, 3}, {2, 3},
                                     {2, 1}, {1, 1}, {1, 3}, {0, 3}};
    EXPECT_TRUE(point_in_polygon(0.5, 2.5, u));   // left arm
    EXPECT_TRUE(point_in_polygon(2.5, 2.5, u));   // right arm
    EXPECT_TRUE(point_in_polygon(1.5, 0.5, u));   // base
    EXPECT_FALSE(point_in_polygon(1.5, 2.0, u));  // the notch
    EXPECT_FALSE(point_in_polygon(4, 1, u));
    // A closed ring (first vertex repeated) gives the same answers.
    auto closed = kDowntown;
    closed.push_back(closed.front());
    EXPECT_TRUE(point_in_polygon(-121.89, 37.335, closed));
    EXPECT_FALSE(point_in_polygon(-121.87, 37.335, closed));
}

TEST(Assignment, WeekdayOfTheScheduledDate) {
    EXPECT_EQ(weekday_of("2026-02-03"), "tue");
    EXPECT_EQ(weekday_of("2026-02-08"), "sun");
    EXPECT_EQ(weekday_of("2024-02-29"), "thu");
    EXPECT_EQ(weekday_of("2026-02-30"), std::nullopt);

    auto weekend = rule("bulky_item", "curbside");
    weekend.weekdays = {"sat", "sun"};
    const std::vector<AssignmentRule> rules = {weekend, rule("bulky_item", "bay")};
    EXPECT_EQ(vendor_of(rules, facts("bulky_item", std::nullopt, 37.3, -121.8, "2026-02-07")),
              "curbside");  // a Saturday
    EXPECT_EQ(vendor_of(rules, facts("bulky_item", std::nullopt, 37.3, -121.8, "2026-02-03")),
              "bay");  // a Tuesday
}

TEST(Assignment, FirstMatchWinsAndEveryConditionOfARuleMustHold) {
    auto zone_on_tuesday = rule("bulky_item", "valley");
    zone_on_tuesday.polygon = kDowntown;
    zone_on_tuesday.weekdays = {"tue"};
    auto zip = rule("bulky_item", "curbside");
    zip.postal_codes = {"95113"};
    const std::vector<AssignmentRule> rules = {zone_on_tuesday, zip, rule("*", "bay")};
    // Downtown, 95113, a Tuesday: the first rule, though the second matches too.
    EXPECT_EQ(vendor_of(rules, facts("bulky_item", "95113")), "valley");
    // Same place on a Wednesday: the zone rule fails on its weekday, the ZIP rule takes it.
    EXPECT_EQ(vendor_of(rules, facts("bulky_item", "95113", 37.33452, -121.88861, "2026-02-04")),
              "curbside");
    // Neither: the catch-all.
    EXPECT_EQ(vendor_of(rules, facts("bulky_item", "95120", 37.2, -121.8, "2026-02-04")), "bay");
    EXPECT_EQ(match_rule({}, facts()), nullptr);
}

TEST(Assignment, ZipFromTheEndOfTheAddress) {
    EXPECT_EQ(zip_from_address("200 E Santa Clara St, San Jose, CA 95113"), "95113");
    EXPECT_EQ(zip_from_address("200 E Santa Clara St, San Jose, CA 95113-1905"), "95113-1905");
    EXPECT_EQ(zip_from_address("200 E Santa Clara St, San Jose, CA 95113. "), "95113");
    EXPECT_EQ(zip_from_address("200 E Santa Clara St,95113"), "95113");
    EXPECT_EQ(zip_from_address("200 E Santa Clara St, San Jose, CA"), std::nullopt);
    EXPECT_EQ(zip_from_address("95113 Santa Clara St"), std::nullopt);  // not at the end
    EXPECT_EQ(zip_from_address("12345"), std::nullopt);                 // only a number
    EXPECT_EQ(zip_from_address("Unit 1234"), std::nullopt);             // four digits
    EXPECT_EQ(zip_from_address("PO Box 951130"), std::nullopt);         // six digits
    EXPECT_EQ(zip_from_address("Main St, CA 95113-19"), std::nullopt);  // broken ZIP+4
    EXPECT_EQ(zip_from_address(""), std::nullopt);
}

TEST(Assignment, RulesAreReadFromTheConfigAndCheckedByItsSchema) {
    test::TempDir dir;
    const auto c = load_config(dir.write("gateway.json", R"({"assignment":{"rules":[
        {"service_type":"bulky_item","vendor":"curbside-coop","postal_codes":["95112"],
         "weekdays":["sat","sun"]},
        {"service_type":"*","vendor":"valley-disposal",
         "polygon":[[-121.9,37.325],[-121.88,37.325],[-121.88,37.345],[-121.9,37.345]]}]}})"));
    ASSERT_EQ(c.assignment_rules.size(), 2u);
    EXPECT_EQ(c.assignment_rules[0].postal_codes, std::vector<std::string>{"95112"});
    EXPECT_EQ(c.assignment_rules[0].weekdays, (std::vector<std::string>{"sat", "sun"}));
    ASSERT_EQ(c.assignment_rules[1].polygon.size(), 4u);
    EXPECT_DOUBLE_EQ(c.assignment_rules[1].polygon[0].lon, -121.9);
    EXPECT_DOUBLE_EQ(c.assignment_rules[1].polygon[0].lat, 37.325);

    auto refused = [&dir](const std::string& rule) {
        const auto path = dir.write("bad.json", R"({"assignment":{"rules":[)" + rule + "]}}");
        try {
            load_config(path);
        } catch (const std::runtime_error& e) {
            return std::string(e.what()).find("#/assignment/rules/0") != std::string::npos;
        }
        return false;
    };
    EXPECT_TRUE(refused(R"({"service_type":"*","vendor":"v","weekdays":["monday"]})"));
    EXPECT_TRUE(refused(R"({"service_type":"*","vendor":"v","postal_codes":["9511"]})"));
    EXPECT_TRUE(refused(R"({"service_type":"*","vendor":"v","polygon":[[0,0],[1,1]]})"));
    EXPECT_TRUE(refused(R"({"service_type":"*","vendor":"v","polygon":[[0,0],[1,1],[200,1]]})"));
    EXPECT_TRUE(refused(R"({"service_type":"*","vendor":"v","zone":"downtown"})"));
}

}  // namespace
}  // namespace fieldgate
