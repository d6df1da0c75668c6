// The council report's figures from what the ingest path stored: shares with no denominator,
// the last instant of a day without a window, and a corrected order counted once.
#include <gtest/gtest.h>

#include "sqlite_transaction.h"
#include "support/ingest_fixture.h"
#include "time_util.h"
#include "vendor_report.h"

namespace fieldgate {
namespace {

class ReportFigures : public test::IngestFixture {
  protected:
    reports::VendorFigures figures() {
        auto db = reads_->acquire();
        const auto all = reports::vendor_report(*db, *catalog_, query_);
        EXPECT_EQ(all.size(), 1u);
        return all.empty() ? reports::VendorFigures{} : all.front();
    }
    nlohmann::json figures_json() {
        auto db = reads_->acquire();
        return reports::to_json(query_, reports::vendor_report(*db, *catalog_, query_))["vendors"]
            .at(0);
    }
    std::string figures_csv_row() {
        auto db = reads_->acquire();
        const auto csv = reports::vendors_csv(reports::vendor_report(*db, *catalog_, query_));
        const auto header_end = csv.find("\r\n");
        return csv.substr(header_end + 2, csv.find("\r\n", header_end + 2) - header_end - 2);
    }

    reports::ReportQuery query_{"2026-02-03", "2026-02-03", std::nullopt};
};

TEST_F(ReportFigures, AResultInTheLastHalfSecondOfADayWithoutAWindowIsInTheServiceLevel) {
    add_order("wo_1", "SR-1", "bay-hauling");  // scheduled 2026-02-03, no window
    auto r = result("SR-1", "COMPLETED", "", "BH-1");
    r.occurred_at = "2026-02-03T23:59:59.500-08:00";
    ASSERT_EQ(ingest({r}).records[0].verdict, Verdict::accepted);
    const auto f = figures();
    EXPECT_EQ(f.completed, 1);
    EXPECT_EQ(f.completed_in_window, 1);
    EXPECT_EQ(f.service_level, 1.0);
}

TEST_F(ReportFigures, EveryShareIsNullWhenItsDenominatorIsZero) {
    add_order("wo_1", "SR-1", "bay-hauling");
    ingest({result("SR-1", "COMPLETED", "", "BH-1")});  // no outcome has a reason
    const auto j = figures_json();
    EXPECT_EQ(j["with_reason"], 0);
    for (const char* a : {"resident", "vendor", "city", "external"})
        EXPECT_TRUE(j["attribution_shares"][a].is_null()) << a << ": " << j.dump();
    EXPECT_TRUE(j["evidence_share"].is_null());
    EXPECT_EQ(j["completion_rate"], 1.0);
    // CSV: empty cells for the four shares (columns 9-12) and the evidence share (14).
    std::vector<std::string> cells;
    std::stringstream row(figures_csv_row() + ",");
    for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
    ASSERT_EQ(cells.size(), 19u) << figures_csv_row();
    for (int i : {8, 9, 10, 11, 13}) EXPECT_EQ(cells[static_cast<std::size_t>(i)], "") << i;
}

TEST_F(ReportFigures, AnOrderWithAReasonHasZeroNotNullForTheOtherAttributions) {
    add_order("wo_1", "SR-1", "bay-hauling");
    ingest({result("SR-1", "NOT_COLLECTED", "NOT_SET_OUT", "BH-1")});
    const auto j = figures_json();
    EXPECT_EQ(j["attribution_shares"]["resident"], 1.0);
    EXPECT_EQ(j["attribution_shares"]["vendor"], 0.0);
}

TEST_F(ReportFigures, ACorrectedOrderIsOneAttemptWithOneCorrectionAndTheLagOfWhatTheCrmWasTold) {
    add_order("wo_1", "SR-1", "bay-hauling");
    auto told = result("SR-1", "NOT_COLLECTED", "NOT_SET_OUT", "BH-1");
    told.occurred_at = "2026-02-03T10:00:00-08:00";
    ingest({told}, "bay-hauling", "first");
    // The CRM event of the applied outcome is delivered 90 s after the event.
    writer_->run_sync([](store::Transaction& db) {
        store::sqlite_connection(db).exec(
            "UPDATE outbox SET state = 'delivered', delivered_at = '2026-02-03T18:01:30.000Z'");
    });
    auto edit = told;
    edit.occurred_at = "2026-02-03T10:30:00-08:00";
    edit.photos.clear();  // NOT_SET_OUT expects a photo: the evidence is now incomplete
    ASSERT_EQ(ingest({edit}, "bay-hauling", "edit").records[0].verdict, Verdict::corrected);
    const auto f = figures();
    EXPECT_EQ(f.orders, 1);
    EXPECT_EQ(f.attempts, 1);
    EXPECT_EQ(f.not_collected, 1);
    EXPECT_EQ(f.with_reason, 1);
    EXPECT_EQ(f.corrections, 1);
    EXPECT_EQ(f.with_expected_evidence, 0);  // judged on the vendor's latest word
    EXPECT_EQ(f.delivered, 1);
    EXPECT_EQ(f.median_event_to_delivery_s, 90.0);
    EXPECT_EQ(figures_json()["corrections"], 1);
    EXPECT_EQ(figures_csv_row().substr(figures_csv_row().rfind(',')), ",1");
}

}  // namespace
}  // namespace fieldgate
