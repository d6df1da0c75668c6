// Value maps (engine/value_map.h): trim, case-insensitive and space collapsing, each on request.
#include <gtest/gtest.h>

#include "engine/text.h"
#include "engine/value_map.h"

namespace fieldgate::engine {
namespace {

TEST(adapters_ValueMap, TrimsByDefault) {
    ValueMap m;
    m.add("Completed ", MapTarget{"COMPLETED"});
    EXPECT_EQ(m.lookup("  Completed").value().code, "COMPLETED");
    ValueMap strict(MatchRules{false, false, false});
    strict.add("Completed", MapTarget{"COMPLETED"});
    EXPECT_FALSE(strict.lookup("Completed "));
}

TEST(adapters_ValueMap, CaseInsensitiveOnlyWhenAsked) {
    ValueMap exact;
    exact.add("NOT OUT", MapTarget{"NOT_SET_OUT"});
    EXPECT_FALSE(exact.lookup("not out"));
    ValueMap folded(MatchRules{true, true, false});
    folded.add("NOT OUT", MapTarget{"NOT_SET_OUT"});
    EXPECT_EQ(folded.lookup("Not Out").value().code, "NOT_SET_OUT");
}

TEST(adapters_ValueMap, CollapsesInternalSpacesOnlyWhenAsked) {
    ValueMap plain;
    plain.add("NO ACCESS GATE", MapTarget{"ACCESS_BLOCKED"});
    EXPECT_FALSE(plain.lookup("NO  ACCESS   GATE"));
    ValueMap collapsing(MatchRules{true, false, true});
    collapsing.add("NO ACCESS GATE", MapTarget{"ACCESS_BLOCKED"});
    EXPECT_EQ(collapsing.lookup(" NO  ACCESS \t GATE ").value().code, "ACCESS_BLOCKED");
}

TEST(adapters_ValueMap, EntriesThatCollideUnderTheRulesAreReported) {
    ValueMap m(MatchRules{true, true, true});
    EXPECT_FALSE(m.add("NOT OUT", MapTarget{"NOT_SET_OUT"}));
    EXPECT_EQ(m.add("not  out", MapTarget{"NOT_SET_OUT"}), "NOT OUT");
}

TEST(adapters_ValueMap, UnknownValuesAreNotMapped) {
    ValueMap m;
    m.add("NSO", MapTarget{"NOT_SET_OUT"});
    EXPECT_FALSE(m.lookup("XYZ"));
    EXPECT_EQ(m.vendor_codes(), std::vector<std::string>{"NSO"});
}

}  // namespace
}  // namespace fieldgate::engine

namespace fieldgate::engine {
namespace {

TEST(adapters_TextRules, TrimCollapseAndFold) {
    EXPECT_EQ(trim("  a b \t\r\n"), "a b");
    EXPECT_EQ(collapse_spaces(" NO  ACCESS \t GATE "), "NO ACCESS GATE");
    EXPECT_EQ(to_lower_ascii("Not OUT"), "not out");
}

}  // namespace
}  // namespace fieldgate::engine
