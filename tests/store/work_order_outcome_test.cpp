// WorkOrderRepository on both stores, second part: outcomes, raw payloads and the answers kept
// for Idempotency-Keys.
#include "store_fixture.h"
#include "store_samples.h"

namespace fieldgate::test {
namespace {

store::OutcomeRow sample_outcome(const std::string& vendor_ref, const std::string& hash) {
    store::OutcomeRow row;
    row.work_order_id = "wo-1";
    row.vendor = "riverbend-recycling";
    row.source = "vendor:riverbend-recycling";
    row.vendor_ref = vendor_ref;
    row.content_hash = hash;
    row.disposition = "applied";
    auto& r = row.result;
    r.vendor_ref = vendor_ref;
    r.pointer = "/jobs/0";
    r.outcome = "PARTIALLY_COMPLETED";
    r.reason = "ITEMS_NOT_OUT";
    r.vendor_status = "PC";
    r.vendor_reason = "NO";
    r.detail = "Mattress left at curb";
    r.occurred_at = "2026-12-04T10:15:00-06:00";
    r.lat = 39.7817;
    r.lon = -89.6501;
    r.gps_accuracy_m = 4.5;
    r.truck = "T-12";
    r.crew = "C-3";
    r.driver = "D. Kim";
    r.photos = {"ph-1.jpg", "ph-2.jpg"};
    r.items_collected = 2;
    r.route_level = true;
    row.received_at = "2026-12-04T16:15:02.441Z";
    row.mapping_version = "m-7";
    row.catalog_version = "c-3";
    row.evidence_json = R"({"photos":2})";
    row.evidence_complete = false;
    return row;
}

// A progress event: no outcome, no reason, nothing optional.
store::OutcomeRow progress_outcome(const std::string& vendor_ref) {
    auto row = sample_outcome(vendor_ref, "hp-" + vendor_ref);
    auto& r = row.result;
    r.outcome = "";
    r.reason = "";
    r.progress = "on_site";
    r.occurred_at = std::nullopt;
    r.lat = r.lon = r.gps_accuracy_m = std::nullopt;
    r.photos = {};
    r.items_collected = std::nullopt;
    r.route_level = false;
    row.evidence_complete = true;
    return row;
}

void expect_same_outcome(const store::OutcomeRow& got, const store::OutcomeRow& want) {
    EXPECT_EQ(got.work_order_id, want.work_order_id);
    EXPECT_EQ(got.vendor, want.vendor);
    EXPECT_EQ(got.source, want.source);
    EXPECT_EQ(got.vendor_ref, want.vendor_ref);
    EXPECT_EQ(got.content_hash, want.content_hash);
    EXPECT_EQ(got.disposition, want.disposition);
    EXPECT_EQ(got.received_at, want.received_at);
    EXPECT_EQ(got.mapping_version, want.mapping_version);
    EXPECT_EQ(got.catalog_version, want.catalog_version);
    EXPECT_EQ(got.raw_payload_id, want.raw_payload_id);
    EXPECT_EQ(got.evidence_json, want.evidence_json);
    EXPECT_EQ(got.evidence_complete, want.evidence_complete);
    const auto& g = got.result;
    const auto& w = want.result;
    EXPECT_EQ(g.vendor_ref, w.vendor_ref);
    EXPECT_EQ(g.pointer, w.pointer);
    EXPECT_EQ(g.outcome, w.outcome);
    EXPECT_EQ(g.progress, w.progress);
    EXPECT_EQ(g.reason, w.reason);
    EXPECT_EQ(g.vendor_status, w.vendor_status);
    EXPECT_EQ(g.vendor_reason, w.vendor_reason);
    EXPECT_EQ(g.detail, w.detail);
    EXPECT_EQ(g.occurred_at, w.occurred_at);
    EXPECT_EQ(g.lat, w.lat);
    EXPECT_EQ(g.lon, w.lon);
    EXPECT_EQ(g.gps_accuracy_m, w.gps_accuracy_m);
    EXPECT_EQ(g.truck, w.truck);
    EXPECT_EQ(g.crew, w.crew);
    EXPECT_EQ(g.driver, w.driver);
    EXPECT_EQ(g.photos, w.photos);
    EXPECT_EQ(g.items_collected, w.items_collected);
    EXPECT_EQ(g.route_level, w.route_level);
}

store::RawPayload sample_raw(std::string body) {
    store::RawPayload raw;
    raw.vendor = "riverbend-recycling";
    raw.channel = "http";
    raw.received_at = "2026-12-04T16:15:02.441Z";
    raw.content_type = "application/octet-stream";
    raw.request_id = "req-1";
    raw.headers_json = R"({"user-agent":"rb/2"})";
    raw.body = std::move(body);
    return raw;
}

// Outcomes refer to their work order: two orders exist in every case.
class WorkOrderOutcomeTest : public StoreTest {
  protected:
    void SetUp() override {
        StoreTest::SetUp();
        work_orders().insert_work_order(sample_order("wo-1", "SR-1"));
        work_orders().insert_work_order(sample_order("wo-2", "SR-2"));
    }
};

TEST_P(WorkOrderOutcomeTest, OutcomeComesBackAsInsertedByIdAndByContent) {
    auto row = sample_outcome("job-1", "h1");
    row.raw_payload_id = work_orders().store_raw_payload(sample_raw("{}"));
    const auto id = work_orders().insert_outcome(row);
    const auto by_id = work_orders().find_outcome(id);
    ASSERT_TRUE(by_id);
    EXPECT_EQ(by_id->id, id);
    expect_same_outcome(*by_id, row);
    const auto by_content =
        work_orders().find_outcome_by_content("riverbend-recycling", "job-1", "wo-1", "h1");
    ASSERT_TRUE(by_content);
    EXPECT_EQ(by_content->id, id);
    expect_same_outcome(*by_content, row);
}

TEST_P(WorkOrderOutcomeTest, ProgressOutcomeKeepsItsEmptyAndUnsetFields) {
    const auto row = progress_outcome("job-1");
    const auto found = work_orders().find_outcome(work_orders().insert_outcome(row));
    ASSERT_TRUE(found);
    expect_same_outcome(*found, row);
    EXPECT_EQ(found->result.outcome, "");
    EXPECT_EQ(found->raw_payload_id, std::nullopt);
}

TEST_P(WorkOrderOutcomeTest, OutcomesGetDistinctIdsAndAreFoundOnlyByTheirOwnContent) {
    const auto first = work_orders().insert_outcome(sample_outcome("job-1", "h1"));
    const auto second = work_orders().insert_outcome(sample_outcome("job-1", "h2"));
    auto on_other_order = sample_outcome("job-1", "h1");
    on_other_order.work_order_id = "wo-2";
    const auto third = work_orders().insert_outcome(on_other_order);
    EXPECT_LT(first, second);
    EXPECT_LT(second, third);
    EXPECT_EQ(
        work_orders().find_outcome_by_content("riverbend-recycling", "job-1", "wo-1", "h2")->id,
        second);
    EXPECT_EQ(
        work_orders().find_outcome_by_content("riverbend-recycling", "job-1", "wo-2", "h1")->id,
        third);
    EXPECT_FALSE(
        work_orders().find_outcome_by_content("riverbend-recycling", "job-1", "wo-1", "h3"));
    EXPECT_FALSE(work_orders().find_outcome_by_content("metro-haul", "job-1", "wo-1", "h1"));
    EXPECT_FALSE(
        work_orders().find_outcome_by_content("riverbend-recycling", "job-2", "wo-1", "h1"));
    EXPECT_FALSE(work_orders().find_outcome(third + 1));
}

TEST_P(WorkOrderOutcomeTest, SameOutcomeTwiceIsRefused) {
    work_orders().insert_outcome(sample_outcome("job-1", "h1"));
    auto again = sample_outcome("job-1", "h1");
    again.disposition = "late";
    EXPECT_TRUE(refused_as_duplicate([&] { work_orders().insert_outcome(again); }));
    EXPECT_EQ(work_orders()
                  .find_outcome_by_content("riverbend-recycling", "job-1", "wo-1", "h1")
                  ->disposition,
              "applied");
}

TEST_P(WorkOrderOutcomeTest, OutcomeRefExistsForThatVendorOnly) {
    EXPECT_FALSE(work_orders().outcome_ref_exists("riverbend-recycling", "job-1"));
    work_orders().insert_outcome(sample_outcome("job-1", "h1"));
    work_orders().insert_outcome(sample_outcome("job-1", "h2"));
    EXPECT_TRUE(work_orders().outcome_ref_exists("riverbend-recycling", "job-1"));
    EXPECT_FALSE(work_orders().outcome_ref_exists("riverbend-recycling", "job-2"));
    EXPECT_FALSE(work_orders().outcome_ref_exists("metro-haul", "job-1"));
}

TEST_P(WorkOrderOutcomeTest, RawPayloadsOfAnyBytesGetDistinctIdsOutcomesCanReferTo) {
    // NUL and bytes that are not UTF-8: a body stored as text would be refused or cut.
    const std::string binary("\x00\xff\xfe{\"a\":1}\x00\x80", 11);
    const auto first = work_orders().store_raw_payload(sample_raw(binary));
    auto bare = sample_raw("");
    bare.vendor = std::nullopt;
    bare.body_sha256 = std::string(64, 'a');
    bare.truncated = true;
    const auto second = work_orders().store_raw_payload(bare);
    EXPECT_GT(first, 0);
    EXPECT_LT(first, second);
    auto row = sample_outcome("job-1", "h1");
    row.raw_payload_id = second;
    const auto found = work_orders().find_outcome(work_orders().insert_outcome(row));
    ASSERT_TRUE(found);
    EXPECT_EQ(found->raw_payload_id, second);
}

TEST_P(WorkOrderOutcomeTest, StoredResponseComesBackForItsVendorAndKey) {
    EXPECT_FALSE(work_orders().find_stored_response("riverbend-recycling", "k-1"));
    const store::StoredResponse answer{std::string(64, 'b'), 207, "application/json",
                                       R"({"results":[{"status":"applied"}]})"};
    work_orders().store_response("riverbend-recycling", "k-1", answer, "2026-12-04T16:15:03Z");
    const auto found = work_orders().find_stored_response("riverbend-recycling", "k-1");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->request_sha256, answer.request_sha256);
    EXPECT_EQ(found->status, 207);
    EXPECT_EQ(found->content_type, "application/json");
    EXPECT_EQ(found->body, answer.body);
    EXPECT_FALSE(work_orders().find_stored_response("metro-haul", "k-1"));
    EXPECT_FALSE(work_orders().find_stored_response("riverbend-recycling", "k-2"));
}

TEST_P(WorkOrderOutcomeTest, SecondResponseForTheSameKeyIsIgnoredAndTheFirstKept) {
    work_orders().store_response("riverbend-recycling", "k-1",
                                 {std::string(64, 'b'), 200, "application/json", "{\"n\":1}"},
                                 "2026-12-04T16:15:03Z");
    EXPECT_NO_THROW(work_orders().store_response(
        "riverbend-recycling", "k-1", {std::string(64, 'c'), 409, "application/problem+json", "{}"},
        "2026-12-04T16:16:00Z"));
    work_orders().store_response("metro-haul", "k-1",
                                 {std::string(64, 'd'), 201, "text/plain", "ok"},
                                 "2026-12-04T16:17:00Z");
    const auto kept = work_orders().find_stored_response("riverbend-recycling", "k-1");
    ASSERT_TRUE(kept);
    EXPECT_EQ(kept->request_sha256, std::string(64, 'b'));
    EXPECT_EQ(kept->status, 200);
    EXPECT_EQ(kept->body, "{\"n\":1}");
    const auto other = work_orders().find_stored_response("metro-haul", "k-1");
    ASSERT_TRUE(other);
    EXPECT_EQ(other->status, 201);
    EXPECT_EQ(other->body, "ok");
}

// The writer reads a batch's work orders and outcomes ahead (on PostgreSQL in one round trip, as
// a text array): what its jobs then read is what a plain read returns, also after a job of the
// batch wrote.
TEST_P(WorkOrderOutcomeTest, ReadAheadAgreesWithPlainReadsAndSeesTheBatchsOwnWrites) {
    const auto earlier = work_orders().insert_outcome(sample_outcome("job-1", "h1"));
    const std::string odd_case = R"(SR-"3",{x}\ NULL)";
    store::ReadAhead reads;
    reads.crm_case_ids = {"SR-1", "SR-2", odd_case};
    reads.content_hashes = {"h1", "h2"};
    reads.new_outcomes = 1;
    reads.new_raw_payloads = 1;
    auto& db = writer_tx();
    db.read_ahead({&reads});

    ASSERT_TRUE(db.find_work_order_state_by_case("SR-1"));
    EXPECT_EQ(db.find_work_order_state_by_case("SR-1")->id, "wo-1");
    EXPECT_EQ(db.find_work_order_state_by_case("SR-1")->status,
              work_orders().find_work_order_state_by_case("SR-1")->status);
    EXPECT_FALSE(db.find_work_order_state_by_case(odd_case));
    ASSERT_TRUE(db.find_outcome_by_content("riverbend-recycling", "job-1", "wo-1", "h1"));
    EXPECT_EQ(db.find_outcome_by_content("riverbend-recycling", "job-1", "wo-1", "h1")->id,
              earlier);
    EXPECT_FALSE(db.find_outcome_by_content("metro-haul", "job-1", "wo-1", "h1"));
    EXPECT_FALSE(db.find_outcome_by_content("riverbend-recycling", "job-1", "wo-1", "h2"));

    db.update_work_order_status("wo-1", "completed", earlier, "2026-12-01T09:00:00Z");
    EXPECT_EQ(db.find_work_order_state_by_case("SR-1")->status, "completed");
    db.insert_work_order(sample_order("wo-3", odd_case));
    ASSERT_TRUE(db.find_work_order_state_by_case(odd_case));
    EXPECT_EQ(db.find_work_order_state_by_case(odd_case)->id, "wo-3");
    auto added_row = sample_outcome("job-1", "h2");
    added_row.raw_payload_id = db.store_raw_payload(sample_raw("{}"));
    const auto added = db.insert_outcome(added_row);
    ASSERT_TRUE(db.find_outcome_by_content("riverbend-recycling", "job-1", "wo-1", "h2"));
    EXPECT_EQ(db.find_outcome_by_content("riverbend-recycling", "job-1", "wo-1", "h2")->id, added);

    // Past the ids reserved ahead the store picks them: all distinct, all found.
    auto beyond_row = sample_outcome("job-2", "h2");
    beyond_row.raw_payload_id = db.store_raw_payload(sample_raw("{}"));
    EXPECT_NE(beyond_row.raw_payload_id, added_row.raw_payload_id);
    const auto beyond = db.insert_outcome(beyond_row);
    EXPECT_NE(beyond, added);
    EXPECT_NE(added, earlier);
    EXPECT_EQ(work_orders().find_outcome(added)->raw_payload_id, added_row.raw_payload_id);
    EXPECT_EQ(work_orders().find_outcome(beyond)->raw_payload_id, beyond_row.raw_payload_id);

    // The next batch reads afresh, the odd case id included.
    db.read_ahead({&reads});
    ASSERT_TRUE(db.find_work_order_state_by_case(odd_case));
    EXPECT_EQ(db.find_work_order_state_by_case(odd_case)->id, "wo-3");
    EXPECT_EQ(db.find_work_order_state_by_case("SR-1")->status, "completed");
}

INSTANTIATE_TEST_SUITE_P(Stores, WorkOrderOutcomeTest,
                         testing::Values(StoreKind::sqlite, StoreKind::postgres), store_name);

}  // namespace
}  // namespace fieldgate::test
