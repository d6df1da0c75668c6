// The RFC 4180 reader (engine/csv_reader.h).
#include <gtest/gtest.h>

#include "engine/csv_reader.h"

namespace fieldgate::engine {
namespace {

TEST(adapters_CsvReader, SkipsAByteOrderMarkAndHandlesCrlf) {
    auto t = read_csv(
        "\xEF\xBB\xBF"
        "a,b\r\n1,2\r\n");
    ASSERT_FALSE(t.error);
    ASSERT_EQ(t.rows.size(), 2u);
    EXPECT_EQ(t.rows[0].fields, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(t.rows[1].fields, (std::vector<std::string>{"1", "2"}));
}

TEST(adapters_CsvReader, QuotedFieldsKeepCommasDoubledQuotesAndNewlines) {
    auto t = read_csv("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\nnext,row,here\n");
    ASSERT_FALSE(t.error) << t.error->detail;
    ASSERT_EQ(t.rows.size(), 3u);
    EXPECT_EQ(t.rows[1].fields, (std::vector<std::string>{"x, y", "say \"hi\"", "two\nlines"}));
    EXPECT_EQ(t.rows[1].line, 2u);
    EXPECT_EQ(t.rows[2].line, 4u);  // the quoted newline moved it down one line
}

TEST(adapters_CsvReader, EmptyFieldsAndBlankLines) {
    auto t = read_csv("a,b,c\n,,\n\n1,,3");
    ASSERT_FALSE(t.error);
    ASSERT_EQ(t.rows.size(), 3u);
    EXPECT_EQ(t.rows[1].fields, (std::vector<std::string>{"", "", ""}));
    EXPECT_EQ(t.rows[2].fields, (std::vector<std::string>{"1", "", "3"}));
    EXPECT_EQ(t.rows[2].line, 4u);
}

TEST(adapters_CsvReader, AnUnclosedQuoteIsAnErrorWithItsPosition) {
    auto t = read_csv("a,b\n1,\"open\n");
    ASSERT_TRUE(t.error);
    EXPECT_EQ(t.error->line, 2u);
    EXPECT_EQ(t.error->column, 3u);
}

TEST(adapters_CsvReader, AQuoteInsideAnUnquotedFieldIsAnError) {
    auto t = read_csv("a,b\n1,ab\"c\n");
    ASSERT_TRUE(t.error);
    EXPECT_EQ(t.error->line, 2u);
    EXPECT_EQ(t.error->column, 5u);
}

TEST(adapters_CsvReader, TextAfterAClosingQuoteIsAnError) {
    auto t = read_csv("a\n\"x\"y\n");
    ASSERT_TRUE(t.error);
    EXPECT_EQ(t.error->line, 2u);
}

}  // namespace
}  // namespace fieldgate::engine
