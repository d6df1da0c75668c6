// Value maps (engine/value_map.h): trim, case-insensitive and space collapsing, each on request.
#include <gtest/gtest.h>

#include "engine/value_map.h"

namespace fieldgate::engine {
namespace {

TEST(ValueMap, TrimsByDefault) {
    ValueMap m;
    m.add("Completed ", "COMPLETED");
    EXPECT_EQ(m.lookup("  Completed"), "COMPLETED");
    ValueMap strict(MatchRules{false, false, false});
    strict.add("Completed", "COMPLETED");
    EXPECT_FALSE(strict.lookup("Completed "));
}

TEST(ValueMap, CaseInsensitiveOnlyWhenAsked) {
    ValueMap exact;
    exact.add("NOT OUT", "NOT_SET_OUT");
    EXPECT_FALSE(exact.lookup("not out"));
    ValueMap folded(MatchRules{true, true, false});
    folded.add("NOT OUT", "NOT_SET_OUT");
    EXPECT_EQ(folded.lookup("Not Out"), "NOT_SET_OUT");
}

TEST(ValueMap, CollapsesInternalSpacesOnlyWhenAsked) {
    ValueMap plain;
    plain.add("NO ACCESS GATE", "ACCESS_BLOCKED");
    EXPECT_FALSE(plain.lookup("NO  ACCESS   GATE"));
    ValueMap collapsing(MatchRules{true, false, true});
    collapsing.add("NO ACCESS GATE", "ACCESS_BLOCKED");
    EXPECT_EQ(collapsing.lookup(" NO  ACCESS \t GATE "), "ACCESS_BLOCKED");
}

TEST(ValueMap, EntriesThatCollideUnderTheRulesAreReported) {
    ValueMap m(MatchRules{true, true, true});
    EXPECT_FALSE(m.add("NOT OUT", "NOT_SET_OUT"));
    EXPECT_EQ(m.add("not  out", "NOT_SET_OUT"), "NOT OUT");
}

TEST(ValueMap, UnknownValuesAreNotMapped) {
    ValueMap m;
    m.add("NSO", "NOT_SET_OUT");
    EXPECT_FALSE(m.lookup("XYZ"));
    EXPECT_EQ(m.vendor_codes(), std::vector<std::string>{"NSO"});
}

}  // namespace
}  // namespace fieldgate::engine
