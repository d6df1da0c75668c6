// Crew sync logic: clock skew decisions, batch parsing, verdict naming, the action batch on a
// real SQLite store (idempotency, conflicts, notes) and chunked photos.
#include <gtest/gtest.h>

#include "catalog.h"
#include "clock_skew.h"
#include "crew_actions.h"
#include "ids.h"
#include "sqlite_transaction.h"
#include "sqlite_writer.h"
#include "transaction.h"

#include "support/temp_dir.h"
#include "writer.h"

namespace fieldgate {
namespace {

const sync::PhotoUploader kTab{"north", "tab-1"};

using namespace std::chrono_literals;
using sync::TimeFlag;

SysMillis at(const char* text) {
    return *parse_rfc3339(text);
}

TEST(gateway_ClockSkew, WithinToleranceTheDeviceTimeIsKept) {
    const auto received = at("2026-02-03T18:00:00Z");
    const auto skew = sync::clock_skew(at("2026-02-03T18:01:00Z"), received);
    EXPECT_EQ(skew, 60s);
    const auto t = sync::correct_event_time(at("2026-02-03T17:30:00Z"), skew, received);
    EXPECT_EQ(t.at, at("2026-02-03T17:30:00Z"));
    EXPECT_EQ(t.flag, TimeFlag::none);
}

TEST(gateway_ClockSkew, BeyondToleranceTheEventIsShiftedByTheSkewAndFlagged) {
    const auto received = at("2026-02-03T18:00:00Z");
    // The device runs 3 hours behind: it recorded 14:30 for what happened at 17:30.
    const auto skew = sync::clock_skew(at("2026-02-03T15:00:00Z"), received);
    const auto t = sync::correct_event_time(at("2026-02-03T14:30:00Z"), skew, received);
    EXPECT_EQ(t.at, at("2026-02-03T17:30:00Z"));
    EXPECT_EQ(t.flag, TimeFlag::corrected);
    EXPECT_STREQ(sync::to_string(t.flag), "clock_corrected");
    // And ahead.
    const auto ahead = sync::clock_skew(at("2026-02-03T20:00:00Z"), received);
    EXPECT_EQ(sync::correct_event_time(at("2026-02-03T19:00:00Z"), ahead, received).at,
              at("2026-02-03T17:00:00Z"));
}

TEST(gateway_ClockSkew, AnEventStillInTheFutureIsClampedToTheReceiveTime) {
    const auto received = at("2026-02-03T18:00:00Z");
    // No sample, an event an hour ahead: the clock moved; the receive time is the best bound.
    auto t = sync::correct_event_time(at("2026-02-03T19:00:00Z"), std::nullopt, received);
    EXPECT_EQ(t.at, received);
    EXPECT_EQ(t.flag, TimeFlag::no_clock_sample);
    // No sample, a past event: kept as it is.
    t = sync::correct_event_time(at("2026-02-03T10:00:00Z"), std::nullopt, received);
    EXPECT_EQ(t.flag, TimeFlag::none);
    // A sample within tolerance but an event far ahead (clock changed since recording).
    t = sync::correct_event_time(at("2026-02-04T10:00:00Z"), 0ms, received);
    EXPECT_EQ(t.at, received);
    EXPECT_EQ(t.flag, TimeFlag::clamped_future);
}

TEST(gateway_CrewVerdict, ACancelledOrderIsItsOwnVerdict) {
    RecordVerdict v;
    v.verdict = Verdict::rejected;
    v.errors.push_back(ApiError{409, "work-order-cancelled", "", "", "", {}});
    EXPECT_EQ(sync::crew_verdict(v), "cancelled");
    v.errors.front().type = "unknown-work-order";
    EXPECT_EQ(sync::crew_verdict(v), "rejected");
    v.verdict = Verdict::conflict;
    EXPECT_EQ(sync::crew_verdict(v), "conflict");
    v.verdict = Verdict::late;
    EXPECT_EQ(sync::crew_verdict(v), "late");
}

TEST(gateway_CrewBatch, BatchProblemsNameTheFieldAndActionProblemsStayOnTheAction) {
    auto r = sync::parse_action_batch(R"({"actions":[{"action_id":"a b","seq":1}]})");
    ASSERT_TRUE(std::holds_alternative<ApiError>(r));
    EXPECT_EQ(std::get<ApiError>(r).pointer, "/actions/0/action_id");
    r = sync::parse_action_batch(R"({"actions":[{"action_id":"a","seq":0}]})");
    EXPECT_EQ(std::get<ApiError>(r).pointer, "/actions/0/seq");
    r = sync::parse_action_batch(R"({"actions":{}})");
    EXPECT_EQ(std::get<ApiError>(r).pointer, "/actions");

    r = sync::parse_action_batch(
        R"({"device_time":"2026-02-03T18:00:00Z","actions":[
            {"action_id":"a1","seq":1,"work_order_id":"wo_1","type":"completed","occurred_at":"2026-02-03T17:00:00-08:00","lat":37.1,"lon":-121.9,"photos":[")" +
        std::string(64, 'a') + R"("]},
            {"action_id":"a2","seq":2,"work_order_id":"wo_1","type":"swept","occurred_at":"2026-02-03T17:00:00Z"},
            {"action_id":"a3","seq":3,"work_order_id":"wo_1","type":"note","occurred_at":"soon"},
            {"action_id":"a4","seq":4,"work_order_id":"wo_1","type":"note","occurred_at":"2026-02-03T17:00:00Z","photos":["xyz"]}]})");
    ASSERT_TRUE(std::holds_alternative<sync::ActionBatch>(r));
    const auto& b = std::get<sync::ActionBatch>(r);
    ASSERT_TRUE(b.device_time);
    ASSERT_EQ(b.actions.size(), 4u);
    EXPECT_FALSE(b.actions[0].error);
    EXPECT_EQ(b.actions[0].photos.size(), 1u);
    EXPECT_EQ(*b.actions[0].occurred_at, at("2026-02-04T01:00:00Z"));
    ASSERT_TRUE(b.actions[1].error);
    EXPECT_EQ(b.actions[1].error->pointer, "/actions/1/type");
    EXPECT_EQ(b.actions[2].error->pointer, "/actions/2/occurred_at");
    EXPECT_EQ(b.actions[3].error->pointer, "/actions/3/photos/0");
    EXPECT_NE(b.actions[0].request_sha256, b.actions[1].request_sha256);
}

class CrewStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        catalog_ = std::make_unique<Catalog>(
            Catalog::load(test::source_path("gateway/catalog/standard-codes.json"),
                          test::source_path("gateway/catalog/standard-codes.schema.json")));
        ctx_.catalog = catalog_.get();
        ctx_.events = EventContext{"gov.sanjose.workorder", "urn:fieldgate"};
        ctx_.city_zone = "America/Los_Angeles";
        writer_ =
            std::make_unique<store::SqliteWriter>(store::SqliteWriterOptions{dir_.file("g.db")});
        ingest_ = std::make_unique<IngestService>(*writer_, ctx_);
        device_.id = "tab-1";
        device_.crew = "north";
        device_.name = "";
        device_.created_at = now_utc();
        writer_->run_sync([this](store::Transaction& db) {
            ASSERT_TRUE(db.insert_device(device_));
            EXPECT_FALSE(db.insert_device(device_));
            store::WorkOrder wo;
            wo.id = "wo_1";
            wo.crm_case_id = "SR-1";
            wo.service_type = "bulky_item";
            wo.address = "1 Main St";
            wo.scheduled_date = "2026-02-03";
            wo.vendor = "crew:north";
            wo.status = "dispatched";
            wo.content_hash = "x";
            wo.created_at = wo.updated_at = now_utc();
            db.insert_work_order(wo);
        });
    }

    nlohmann::json push(const std::string& body) {
        auto parsed = sync::parse_action_batch(body);
        const auto batch = std::get<sync::ActionBatch>(parsed);
        nlohmann::json answer;
        writer_->run_sync([&](store::Transaction& db) {
            answer = sync::apply_action_batch(db, *ingest_, device_, batch, body,
                                              at("2026-02-03T18:00:00Z"));
        });
        return answer;
    }

    test::TempDir dir_;
    std::unique_ptr<Catalog> catalog_;
    IngestContext ctx_;
    std::unique_ptr<store::Writer> writer_;
    std::unique_ptr<IngestService> ingest_;
    sync::DeviceRow device_;
};

TEST_F(CrewStoreTest, ARepeatedActionAnswersItsFirstVerdictAndWritesNothing) {
    const std::string body = R"({"device_time":"2026-02-03T18:00:00Z","actions":[
        {"action_id":"a1","seq":1,"work_order_id":"wo_1","type":"completed","occurred_at":"2026-02-03T17:00:00Z"},
        {"action_id":"a1","seq":1,"work_order_id":"wo_1","type":"completed","occurred_at":"2026-02-03T17:00:00Z"},
        {"action_id":"a2","seq":2,"work_order_id":"wo_1","type":"not_collected","reason":"NOT_SET_OUT","occurred_at":"2026-02-03T17:05:00Z"},
        {"action_id":"a3","seq":3,"work_order_id":"wo_1","type":"note","detail":"dog in yard","occurred_at":"2026-02-03T17:06:00Z"},
        {"action_id":"a4","seq":4,"work_order_id":"wo_other","type":"note","detail":"x","occurred_at":"2026-02-03T17:06:00Z"}]})";
    const auto first = push(body);
    const auto& r = first.at("results");
    EXPECT_EQ(r[0]["verdict"], "accepted");
    EXPECT_EQ(r[1], r[0]);                   // the same action twice in one batch
    EXPECT_EQ(r[2]["verdict"], "conflict");  // first terminal outcome wins
    EXPECT_EQ(r[3]["verdict"], "noted");
    EXPECT_EQ(r[4]["verdict"], "rejected");  // a note on an order that is not the crew's
    EXPECT_EQ(r[4]["problem"]["pointer"], "/actions/4/work_order_id");
    EXPECT_EQ(first.at("clock_skew_ms"), 0);
    const auto second = push(body);
    EXPECT_EQ(second.at("results"), r);
    writer_->run_sync([](store::Transaction& db) {
        auto q = store::sqlite_connection(db).prepare("SELECT COUNT(*) FROM outcomes");
        ASSERT_TRUE(q->step());
        EXPECT_EQ(q->integer(0), 2);
        auto a = store::sqlite_connection(db).prepare("SELECT COUNT(*) FROM crew_actions");
        ASSERT_TRUE(a->step());
        EXPECT_EQ(a->integer(0), 4);
        // A note changes no status but is kept as sent.
        auto n = store::sqlite_connection(db).prepare(
            "SELECT body FROM crew_actions WHERE action_id = 'a3'");
        ASSERT_TRUE(n->step());
        EXPECT_EQ(nlohmann::json::parse(n->text(0)).at("detail"), "dog in yard");
    });
}

// A crew picks its outcome and reason on the tablet; a pair the catalog does not allow (a
// resident's cancellation is never a partial pickup) is refused at the reason, nothing stored.
TEST_F(CrewStoreTest, AReasonThatDoesNotGoWithTheOutcomeIsRefusedAtTheReason) {
    const std::string body = R"({"device_time":"2026-02-03T18:00:00Z","actions":[
        {"action_id":"p1","seq":1,"work_order_id":"wo_1","type":"partial","reason":"CUSTOMER_CANCELLED","occurred_at":"2026-02-03T17:00:00Z"}]})";
    const auto answer = push(body);
    const auto& r = answer.at("results").at(0);
    EXPECT_EQ(r["verdict"], "rejected");
    EXPECT_EQ(r["problem"]["type"], std::string(kProblemBase) + "reason-not-allowed");
    EXPECT_EQ(r["problem"]["pointer"], "/actions/0/reason");
    writer_->run_sync([](store::Transaction& db) {
        auto q = store::sqlite_connection(db).prepare("SELECT COUNT(*) FROM outcomes");
        ASSERT_TRUE(q->step());
        EXPECT_EQ(q->integer(0), 0);
    });
}

TEST_F(CrewStoreTest, PhotosAreCommittedChunkByChunkAndCheckedAgainstTheirName) {
    const std::string content = "0123456789abcdef";
    const std::string sha = sha256_hex(content);
    const auto now = now_utc();
    writer_->run_sync([&](store::Transaction& db) {
        using sync::ChunkResult;
        EXPECT_EQ(db.append_photo_chunk(kTab, sha, 16, 0, content.substr(0, 6), now).result,
                  ChunkResult::stored);
        auto skip = db.append_photo_chunk(kTab, sha, 16, 10, content.substr(10), now);
        EXPECT_EQ(skip.result, ChunkResult::offset_mismatch);
        EXPECT_EQ(skip.state.received, 6);
        EXPECT_EQ(db.append_photo_chunk(kTab, sha, 99, 6, "x", now).result,
                  ChunkResult::size_mismatch);
        EXPECT_EQ(db.append_photo_chunk(kTab, sha, 16, 6, content.substr(6) + "!", now).result,
                  ChunkResult::too_long);
        EXPECT_EQ(db.append_photo_chunk(kTab, sha, 16, 6, content.substr(6), now).result,
                  ChunkResult::completed);
        EXPECT_EQ(db.read_photo(sha), content);
        EXPECT_EQ(db.append_photo_chunk(kTab, sha, 16, 0, content, now).result,
                  ChunkResult::already_complete);
        const std::string other = sha256_hex("other");
        EXPECT_EQ(db.append_photo_chunk(kTab, other, 5, 0, "forge", now).result,
                  ChunkResult::hash_mismatch);
        EXPECT_EQ(db.find_photo(kTab.crew, other)->received, 0);
    });
}

// Found by tests/fuzz/sync_request_fuzzer.cpp: a PUT without a body (its Content-Length lost)
// stored an empty chunk at the photo's offset, so every later chunk at that offset failed the
// chunks' primary key and the upload was answered 503 store-unavailable forever.
TEST_F(CrewStoreTest, AnEmptyChunkStoresNothingAndTheNextChunkStillFits) {
    const std::string content = "0123456789abcdef";
    const std::string sha = sha256_hex(content);
    const auto now = now_utc();
    writer_->run_sync([&](store::Transaction& db) {
        using sync::ChunkResult;
        const auto empty = db.append_photo_chunk(kTab, sha, 16, 0, "", now);
        EXPECT_EQ(empty.result, ChunkResult::stored);
        EXPECT_EQ(empty.state.received, 0);
        EXPECT_EQ(db.append_photo_chunk(kTab, sha, 16, 0, content, now).result,
                  ChunkResult::completed);
        EXPECT_EQ(db.read_photo(sha), content);
    });
}

// A photo upload is its crew's: another crew's chunks under the same hash make that crew's own
// upload and never touch it, while another tablet of the crew resumes it where it is.
TEST_F(CrewStoreTest, EachCrewHasItsOwnUploadOfAHash) {
    const std::string content = "0123456789abcdef";
    const std::string sha = sha256_hex(content);
    const auto now = now_utc();
    const sync::PhotoUploader other_crew{"south", "tab-9"};
    const sync::PhotoUploader same_crew{"north", "tab-2"};
    writer_->run_sync([&](store::Transaction& db) {
        using sync::ChunkResult;
        EXPECT_EQ(db.append_photo_chunk(kTab, sha, 16, 0, content.substr(0, 6), now).result,
                  ChunkResult::stored);
        EXPECT_FALSE(db.find_photo("south", sha));
        EXPECT_EQ(db.append_photo_chunk(other_crew, sha, 16, 0, std::string(16, 'x'), now).result,
                  ChunkResult::hash_mismatch);
        EXPECT_EQ(db.find_photo("north", sha)->received, 6);
        EXPECT_EQ(db.append_photo_chunk(same_crew, sha, 16, 6, content.substr(6), now).result,
                  ChunkResult::completed);
        EXPECT_EQ(db.read_photo(sha, std::string("north")), content);
        EXPECT_EQ(db.read_photo(sha, std::string("south")), std::nullopt);
        EXPECT_EQ(db.read_photo(sha), content);
        EXPECT_EQ(db.append_photo_chunk(other_crew, sha, 16, 0, content, now).result,
                  ChunkResult::completed);
        EXPECT_EQ(db.read_photo(sha, std::string("south")), content);
        EXPECT_EQ(db.read_photo(sha, std::string("north")), content);
    });
}

}  // namespace
}  // namespace fieldgate
