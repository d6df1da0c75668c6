#include "xml_escape.h"

#include <gtest/gtest.h>

namespace fieldgate {
namespace {

TEST(XmlEscape, ReplacesTheFourMarkupCharacters) {
    EXPECT_EQ(xml_escape("Paint cans & tires <hydraulics> \"quoted\""),
              "Paint cans &amp; tires &lt;hydraulics&gt; &quot;quoted&quot;");
}

TEST(XmlEscape, KeepsEverythingElse) {
    EXPECT_EQ(xml_escape(""), "");
    EXPECT_EQ(xml_escape("it's ok; a=b, 100% \xc3\xa9t\xc3\xa9\n"),
              "it's ok; a=b, 100% \xc3\xa9t\xc3\xa9\n");
    EXPECT_EQ(xml_escape("&amp;"), "&amp;amp;");
}

}  // namespace
}  // namespace fieldgate
