// The standard code catalog: every reason of the design, a message for every outcome x reason
// it allows, and the table the city reviews in docs/ generated from it.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>

#include "catalog.h"
#include "catalog_markdown.h"
#include "json_schema.h"
#include "support/temp_dir.h"

namespace fieldgate {
namespace {

TEST(Catalog, TheShippedCatalogHasEveryReasonOfTheDesign) {
    const auto catalog =
        Catalog::load(test::source_path("gateway/catalog/standard-codes.json"),
                      test::source_path("gateway/catalog/standard-codes.schema.json"));
    for (const char* code :
         {"NOT_SET_OUT", "INSTRUCTIONS_NOT_FOLLOWED", "CUSTOMER_CANCELLED", "ITEMS_NOT_LISTED",
          "OVER_SIZE_LIMIT", "UNACCEPTABLE_ITEMS", "SAFETY_HAZARD", "WRONG_WORK_ORDER_TYPE",
          "INACCURATE_INFO", "ACCESS_BLOCKED", "VEHICLE_ISSUE", "VENDOR_MISSED", "OTHER"}) {
        const auto* reason = catalog.reason(code);
        ASSERT_NE(reason, nullptr) << code;
        EXPECT_FALSE(reason->messages.empty()) << code;
        for (const auto& [outcome, message] : reason->messages) {
            EXPECT_FALSE(message.text.empty()) << code << " " << outcome;
            EXPECT_GE(message.version, 1) << code << " " << outcome;
        }
    }
    EXPECT_TRUE(catalog.reason("OTHER")->detail_required);
    EXPECT_EQ(catalog.reason("NOT_SET_OUT")->attribution, "resident");
    EXPECT_EQ(catalog.reason("VEHICLE_ISSUE")->attribution, "vendor");
    for (const char* code : {"COMPLETED", "PARTIALLY_COMPLETED", "NOT_COLLECTED", "CANCELLED"}) {
        EXPECT_NE(catalog.outcome(code), nullptr) << code;
    }
    EXPECT_FALSE(catalog.outcome("COMPLETED")->reason_required);
    for (const char* code : {"acknowledged", "en_route", "on_site"})
        EXPECT_TRUE(catalog.is_progress(code)) << code;
    EXPECT_FALSE(catalog.is_progress("COMPLETED"));
    EXPECT_FALSE(catalog.is_progress("dispatched"));
}

TEST(Catalog, AnInvalidCatalogIsRefusedWithItsPointer) {
    test::TempDir dir;
    auto doc = read_json_file(test::source_path("gateway/catalog/standard-codes.json"));
    doc["reasons"]["NOT_SET_OUT"]["attribution"] = "the weather";
    const auto path = dir.write("codes.json", doc.dump());
    try {
        Catalog::load(path, test::source_path("gateway/catalog/standard-codes.schema.json"));
        FAIL() << "accepted a bad attribution";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("#/reasons/NOT_SET_OUT/attribution"),
                  std::string::npos)
            << e.what();
    }
}

// Partial pickups, non-collections and cancellations each say what happened: the message of
// every pair is its own, and a partial one never says the items "could not be collected".
TEST(Catalog, EachOutcomeOfAReasonHasItsOwnMessage) {
    const auto catalog =
        Catalog::load(test::source_path("gateway/catalog/standard-codes.json"),
                      test::source_path("gateway/catalog/standard-codes.schema.json"));
    const auto partial = catalog.message_for("PARTIALLY_COMPLETED", "OVER_SIZE_LIMIT");
    const auto missed = catalog.message_for("NOT_COLLECTED", "OVER_SIZE_LIMIT");
    ASSERT_TRUE(partial && missed);
    EXPECT_NE(partial->text, missed->text);
    EXPECT_EQ(partial->id, "PARTIALLY_COMPLETED/OVER_SIZE_LIMIT@1");
    std::set<std::string> texts;
    for (const auto& [code, reason] : catalog.reasons()) {
        for (const auto& [outcome, message] : reason.messages) {
            EXPECT_TRUE(texts.insert(message.text).second) << "shared text: " << message.text;
            if (outcome == "PARTIALLY_COMPLETED") {
                EXPECT_EQ(message.text.find("could not be collected"), std::string::npos) << code;
            }
        }
    }
    EXPECT_TRUE(catalog.allows("NOT_COLLECTED", "CUSTOMER_CANCELLED"));
    EXPECT_FALSE(catalog.allows("CANCELLED", "CUSTOMER_CANCELLED"));
    EXPECT_FALSE(catalog.allows("PARTIALLY_COMPLETED", "CUSTOMER_CANCELLED"));
    EXPECT_FALSE(catalog.message_for("CANCELLED", "CUSTOMER_CANCELLED"));
    EXPECT_TRUE(catalog.allows("COMPLETED", ""));
    EXPECT_FALSE(catalog.allows("NOT_COLLECTED", ""));
    EXPECT_EQ(catalog.message_for("COMPLETED", "")->id, "COMPLETED@1");
}

TEST(Catalog, AMessageForAnOutcomeThatTakesNoReasonIsRefused) {
    test::TempDir dir;
    auto doc = read_json_file(test::source_path("gateway/catalog/standard-codes.json"));
    doc["reasons"]["NOT_SET_OUT"]["messages"]["COMPLETED"] = {{"version", 1}, {"text", "Done."}};
    const auto path = dir.write("codes.json", doc.dump());
    try {
        Catalog::load(path, test::source_path("gateway/catalog/standard-codes.schema.json"));
        FAIL() << "accepted a message for COMPLETED with a reason";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("#/reasons/NOT_SET_OUT/messages/COMPLETED"),
                  std::string::npos)
            << e.what();
    }
}

// docs/standard-codes.md is what the city reviews; it is generated from the catalog and must
// say exactly what the catalog says.
TEST(Catalog, TheReviewedTableInDocsIsTheCatalogsOwn) {
    const auto catalog =
        Catalog::load(test::source_path("gateway/catalog/standard-codes.json"),
                      test::source_path("gateway/catalog/standard-codes.schema.json"));
    std::ifstream in(test::source_path("docs/standard-codes.md"), std::ios::binary);
    ASSERT_TRUE(in) << "docs/standard-codes.md is missing";
    const std::string committed((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
    EXPECT_EQ(committed, catalog_markdown(catalog))
        << "regenerate it: fieldgate catalog markdown > docs/standard-codes.md";
}

}  // namespace
}  // namespace fieldgate
