// A closed order's result sent again by its vendor under the same reference, with the same
// outcome and reason but other details: recorded as a correction, never dropped, never a second
// attempt, and never a new CRM event.
#include <gtest/gtest.h>

#include "correction.h"
#include "support/ingest_fixture.h"
#include "vendor_health.h"
#include "vendor_responses.h"

namespace fieldgate {
namespace {

class Corrections : public test::IngestFixture {
  protected:
    // What Bay Hauling first said about SR-1, and its edit: another time and a second photo.
    NormalizedResult first() const {
        return result("SR-1", "NOT_COLLECTED", "NOT_SET_OUT", "BH-1");
    }
    NormalizedResult edited() const {
        auto r = first();
        r.occurred_at = "2026-02-03T10:50:00-08:00";
        r.photos.push_back("https://example/2.jpg");
        return r;
    }
    std::int64_t outcome_number(const std::string& id) const { return std::stoll(id.substr(3)); }
};

TEST_F(Corrections, AnEditOfAClosedResultIsRecordedAsTheOrdersCurrentOutcome) {
    add_order("wo_1", "SR-1", "bay-hauling");
    const auto applied = ingest({first()}, "bay-hauling", "first");
    ASSERT_EQ(applied.records[0].verdict, Verdict::accepted);
    const auto corrected = ingest({edited()}, "bay-hauling", "edit");
    ASSERT_EQ(corrected.records[0].verdict, Verdict::corrected);
    ASSERT_EQ(corrected.records[0].outcome_ids.size(), 1u);
    EXPECT_TRUE(corrected.records[0].errors.empty());
    const auto id = outcome_number(corrected.records[0].outcome_ids[0]);

    // Stored, not dropped: the order points at it, its status stays.
    const auto wo = order("wo_1");
    EXPECT_EQ(wo.status, "not_collected");
    EXPECT_EQ(wo.outcome_id, id);
    EXPECT_EQ(count("SELECT COUNT(*) FROM outcomes WHERE disposition = 'correction'"), 1);
    auto db = reads_->acquire();
    const auto row = db->find_outcome(id);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->disposition, "correction");
    EXPECT_EQ(row->result.occurred_at, "2026-02-03T10:50:00-08:00");
    EXPECT_EQ(row->raw_payload_id, corrected.raw_payload_id);

    // The history says what changed and from which payload; from and to are the same status.
    const auto history = db->list_history("wo_1");
    ASSERT_EQ(history.size(), 2u);
    const auto& h = history.back();
    EXPECT_EQ(h.from_status, "not_collected");
    EXPECT_EQ(h.to_status, "not_collected");
    EXPECT_EQ(h.source, "vendor:bay-hauling");
    EXPECT_EQ(h.outcome_id, id);
    EXPECT_EQ(h.note,
              "correction: occurred_at 2026-02-03T10:42:17-08:00 → "
              "2026-02-03T10:50:00-08:00; photos 1 → 2 (payload rp_" +
                  std::to_string(corrected.raw_payload_id) + ")");

    // The CRM hears nothing: outcome and reason, what the resident is told, are unchanged.
    EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE work_order_id = 'wo_1'"), 1);
}

TEST_F(Corrections, TheSameCorrectionAgainIsADuplicateAndSoIsTheFirstResultAgain) {
    add_order("wo_1", "SR-1", "bay-hauling");
    ingest({first()}, "bay-hauling", "first");
    const auto corrected = ingest({edited()}, "bay-hauling", "edit");
    const auto repeat = ingest({edited()}, "bay-hauling", "edit");
    EXPECT_EQ(repeat.records[0].verdict, Verdict::duplicate);
    EXPECT_EQ(repeat.records[0].outcome_ids, corrected.records[0].outcome_ids);
    EXPECT_EQ(repeat.raw_payload_id, 0);  // nothing stored for a repeat
    // A late retry of the first report does not undo the edit.
    EXPECT_EQ(ingest({first()}, "bay-hauling", "first").records[0].verdict, Verdict::duplicate);
    EXPECT_EQ(order("wo_1").outcome_id, outcome_number(corrected.records[0].outcome_ids[0]));
    EXPECT_EQ(count("SELECT COUNT(*) FROM outcomes"), 2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM work_order_history WHERE work_order_id = 'wo_1'"), 2);
}

TEST_F(Corrections, AnotherReferenceThatAgreesIsADuplicateAndAnotherReasonAConflict) {
    add_order("wo_1", "SR-1", "bay-hauling");
    ingest({first()}, "bay-hauling", "first");
    auto other_ref = edited();
    other_ref.vendor_ref = "BH-2";  // a second report (another channel), not an edit of BH-1
    EXPECT_EQ(ingest({other_ref}, "bay-hauling", "other").records[0].verdict, Verdict::duplicate);
    auto other_reason = edited();
    other_reason.reason = "ACCESS_BLOCKED";
    const auto conflict = ingest({other_reason}, "bay-hauling", "conflict");
    EXPECT_EQ(conflict.records[0].verdict, Verdict::conflict);
    EXPECT_EQ(order("wo_1").status, "not_collected");
    EXPECT_EQ(count("SELECT COUNT(*) FROM outcomes WHERE disposition = 'correction'"), 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), 1);
}

TEST_F(Corrections, VendorHealthCountsThemAndNamesTheLatest) {
    add_order("wo_1", "SR-1", "bay-hauling");
    ingest({first()}, "bay-hauling", "first");
    const auto corrected = ingest({edited()}, "bay-hauling", "edit");
    auto db = reads_->acquire();
    const auto h = ops::vendor_health(*db, "bay-hauling", "2000-01-01T00:00:00Z", now_millis());
    EXPECT_EQ(h["corrections"], 1);
    EXPECT_EQ(h["results"]["applied"], 1);
    EXPECT_EQ(h["results"]["correction"], 1);
    EXPECT_EQ(h["accepted"], 1);  // results taken in; the correction is counted apart
    ASSERT_EQ(h["recent_corrections"].size(), 1u);
    EXPECT_EQ(h["recent_corrections"][0]["outcome_id"], corrected.records[0].outcome_ids[0]);
    EXPECT_EQ(h["recent_corrections"][0]["work_order_id"], "wo_1");
    EXPECT_EQ(h["recent_corrections"][0]["crm_case_id"], "SR-1");
}

TEST(CorrectionAnswers, EveryVendorAnswerStyleTakesACorrectionAsASuccess) {
    IngestReport report;
    report.raw_payload_id = 9;
    RecordVerdict v;
    v.pointer = "";
    v.vendor_ref = "BH-1";
    v.crm_case_id = "SR-1";
    v.verdict = Verdict::corrected;
    v.outcome_ids = {"oc_2"};
    v.work_order_ids = {"wo_1"};
    report.records = {v};
    EXPECT_TRUE(report.all_good());

    const auto json = render_ingest(ResponseSpec{"json_report", "", ""}, report, "rq_1");
    ASSERT_EQ(json.status, 200) << json.body;
    const auto j = nlohmann::json::parse(json.body);
    EXPECT_EQ(j["corrected"], 1);
    EXPECT_EQ(j["accepted"], 0);
    EXPECT_EQ(j["rejected"], 0);
    EXPECT_EQ(j["results"][0]["status"], "corrected");
    EXPECT_EQ(j["results"][0]["outcome_ids"][0], "oc_2");

    const auto soap = render_ingest(
        ResponseSpec{"soap", "NotifyEventUpdatedResponse", "http://valleydisposal.example/ens"},
        report, "rq_1");
    EXPECT_EQ(soap.status, 200);
    EXPECT_EQ(soap.body.find("Fault"), std::string::npos) << soap.body;

    const auto csv = render_ingest(ResponseSpec{"csv_report", "", ""}, report, "rq_1");
    EXPECT_EQ(csv.status, 200);
    EXPECT_NE(csv.body.find(",BH-1,SR-1,corrected,oc_2,,\r\n"), std::string::npos) << csv.body;
}

TEST(CorrectionNote, NamesEachChangedFieldWithItsOldAndNewValue) {
    NormalizedResult a;
    a.occurred_at = "2026-02-03T08:12:03-08:00";
    a.photos = {"p1"};
    a.lat = 37.33452;
    a.lon = -121.88861;
    a.truck = "BH-T117";
    a.detail = "Nothing at curb";
    auto b = a;
    EXPECT_EQ(correction_changes(a, b), "");
    b.occurred_at = "2026-02-03T08:40:00-08:00";
    b.photos = {"p1", "p2"};
    b.lat = 37.3346;
    b.truck = "";
    b.items_collected = 2;
    EXPECT_EQ(correction_changes(a, b),
              "occurred_at 2026-02-03T08:12:03-08:00 → 2026-02-03T08:40:00-08:00; photos 1 → 2; "
              "gps 37.33452,-121.88861 → 37.3346,-121.88861; truck BH-T117 → (none); "
              "items_collected (none) → 2");
    auto c = a;
    c.photos = {"p9"};
    c.detail = std::string(59, 'x') + "é and more";  // cut on a character, not inside one
    EXPECT_EQ(correction_changes(a, c), "photos replaced (1); detail \"Nothing at curb\" → \"" +
                                            std::string(59, 'x') + "…\"");
    EXPECT_EQ(correction_note(a, c, 12).substr(0, 12), "correction: ");
    EXPECT_NE(correction_note(a, c, 12).find("(payload rp_12)"), std::string::npos);
}

}  // namespace
}  // namespace fieldgate
