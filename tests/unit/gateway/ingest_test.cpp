// The normalize -> check -> store + outbox path, against a real SQLite file.
#include <gtest/gtest.h>

#include "registry.h"
#include "sqlite_transaction.h"
#include "support/ingest_fixture.h"
#include "transaction.h"
#include "vendor_responses.h"

namespace fieldgate {
namespace {

class IngestTest : public test::IngestFixture {};

TEST_F(IngestTest, AcceptedResultClosesTheOrderWithHistoryAndAnOutboxEvent) {
    add_order("wo_1", "SR-1", "bay-hauling");
    auto report = ingest({result("SR-1", "NOT_COLLECTED", "NOT_SET_OUT", "BH-1")});
    ASSERT_EQ(report.records.size(), 1u);
    EXPECT_EQ(report.records[0].verdict, Verdict::accepted);
    EXPECT_EQ(order("wo_1").status, "not_collected");
    EXPECT_EQ(count("SELECT COUNT(*) FROM work_order_history WHERE work_order_id='wo_1' AND "
                    "to_status='not_collected'"),
              1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE work_order_id='wo_1' AND "
                    "event_type='gov.sanjose.workorder.not_collected'"),
              1);
    auto db = reads_->acquire();
    const auto events = db->events_of("wo_1");
    ASSERT_EQ(events.size(), 1u);
    ASSERT_TRUE(events[0].outcome_id);
    const auto outcome = db->find_outcome(*events[0].outcome_id);
    const auto event = render_event(ctx_.events, *catalog_, events[0], order("wo_1"), &*outcome);
    EXPECT_EQ(event["specversion"], "1.0");
    EXPECT_EQ(event["id"], "evt_" + std::to_string(events[0].id));
    EXPECT_EQ(event["type"], "gov.sanjose.workorder.not_collected");
    EXPECT_EQ(event["subject"], "SR-1");
    EXPECT_EQ(event["data"]["outcome"]["reason"], "NOT_SET_OUT");
    EXPECT_EQ(event["data"]["outcome"]["attribution"], "resident");
    EXPECT_EQ(event["data"]["outcome"]["customer_message"],
              catalog_->message_for("NOT_COLLECTED", "NOT_SET_OUT")->text);
    EXPECT_EQ(event["data"]["outcome"]["customer_message_version"], "NOT_COLLECTED/NOT_SET_OUT@1");
    EXPECT_EQ(event["data"]["outcome"]["mapping_version"], "1.0.0+abc");
}

// Mappings and crew sync are checked where they are configured; a C++ adapter is not, so the
// ingest path itself refuses a pair the catalog does not allow, and keeps it for replay.
TEST_F(IngestTest, APairTheCatalogDoesNotAllowIsRefusedAndQuarantined) {
    add_order("wo_1", "SR-1", "bay-hauling");
    auto report = ingest({result("SR-1", "PARTIALLY_COMPLETED", "CUSTOMER_CANCELLED", "BH-1")});
    ASSERT_EQ(report.records.size(), 1u);
    EXPECT_EQ(report.records[0].verdict, Verdict::rejected);
    ASSERT_EQ(report.records[0].errors.size(), 1u);
    EXPECT_EQ(report.records[0].errors[0].type, "reason-not-allowed");
    EXPECT_NE(report.records[0].errors[0].detail.find("NOT_COLLECTED"), std::string::npos);
    EXPECT_EQ(order("wo_1").status, "dispatched");
    EXPECT_EQ(count("SELECT COUNT(*) FROM outcomes"), 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM quarantine WHERE problem_type = 'reason-not-allowed'"),
              1);
}

TEST(ContentHash, IsTheFieldsResultNotWhereItSatInThePayload) {
    NormalizedResult a;
    a.outcome = "NOT_COLLECTED";
    a.reason = "NOT_SET_OUT";
    a.detail = "nothing at curb";
    a.photos = {"p1"};
    auto moved = a;
    moved.pointer = "/results/4";
    moved.route = RouteRef{"R-1", "2026-02-03", "4"};
    EXPECT_EQ(content_hash(a), content_hash(moved));
    auto other = a;
    other.detail = "nothing at curb!";
    EXPECT_NE(content_hash(a), content_hash(other));
    auto split = a;  // the separator cannot be forged by moving text between fields
    split.reason = "NOT_SET_OUT\x1fnothing";
    split.detail = "at curb";
    EXPECT_NE(content_hash(a), content_hash(split));
    auto photo = a;
    photo.photos = {"p1", "p2"};
    EXPECT_NE(content_hash(a), content_hash(photo));
}

TEST_F(IngestTest, TheSameResultTwiceAnswersDuplicateAndStoresNothingTwice) {
    add_order("wo_1", "SR-1", "bay-hauling");
    auto first = ingest({result("SR-1", "COMPLETED", "", "BH-1")});
    auto second = ingest({result("SR-1", "COMPLETED", "", "BH-1")});
    EXPECT_EQ(first.records[0].verdict, Verdict::accepted);
    EXPECT_EQ(second.records[0].verdict, Verdict::duplicate);
    EXPECT_EQ(second.records[0].outcome_ids, first.records[0].outcome_ids);
    EXPECT_NE(first.raw_payload_id, 0);
    EXPECT_EQ(second.raw_payload_id, 0);  // a pure repeat leaves nothing behind
    EXPECT_EQ(count("SELECT COUNT(*) FROM raw_payloads"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM outcomes"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE event_type LIKE '%completed'"), 1);
}

TEST_F(IngestTest, AContradictoryTerminalOutcomeIsKeptAsConflictAndNotApplied) {
    add_order("wo_1", "SR-1", "bay-hauling");
    ingest({result("SR-1", "COMPLETED", "", "BH-1")});
    auto report = ingest({result("SR-1", "NOT_COLLECTED", "NOT_SET_OUT", "BH-1")});
    ASSERT_EQ(report.records[0].verdict, Verdict::conflict);
    ASSERT_FALSE(report.records[0].errors.empty());
    EXPECT_EQ(report.records[0].errors[0].status, 409);
    EXPECT_EQ(order("wo_1").status, "completed");
    EXPECT_EQ(count("SELECT COUNT(*) FROM outcomes WHERE disposition='conflict'"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE event_type LIKE '%not_collected'"), 0);
    // The same conflicting result again answers as the first time did.
    auto repeat = ingest({result("SR-1", "NOT_COLLECTED", "NOT_SET_OUT", "BH-1")});
    EXPECT_EQ(repeat.records[0].verdict, Verdict::conflict);
    EXPECT_EQ(count("SELECT COUNT(*) FROM outcomes WHERE disposition='conflict'"), 1);
}

TEST_F(IngestTest, ProgressMovesForwardOnlyAndLateProgressIsRecordedNotApplied) {
    add_order("wo_1", "SR-1", "valley-disposal");
    NormalizedResult en_route;
    en_route.crm_case_id = "SR-1";
    en_route.vendor_ref = "guid-1";
    en_route.progress = "en_route";
    auto ack = en_route;
    ack.progress = "acknowledged";
    EXPECT_EQ(ingest({en_route}, "valley-disposal").records[0].verdict, Verdict::accepted);
    EXPECT_EQ(order("wo_1").status, "en_route");
    EXPECT_EQ(ingest({ack}, "valley-disposal").records[0].verdict, Verdict::late);
    EXPECT_EQ(order("wo_1").status, "en_route");
    EXPECT_EQ(
        ingest({result("SR-1", "COMPLETED", "", "guid-1")}, "valley-disposal").records[0].verdict,
        Verdict::accepted);
    auto late = en_route;
    late.occurred_at = "2026-02-03T12:00:00-08:00";
    EXPECT_EQ(ingest({late}, "valley-disposal").records[0].verdict, Verdict::late);
    EXPECT_EQ(order("wo_1").status, "completed");
}

TEST_F(IngestTest, AnotherVendorsOrderGetsTheSameAnswerAsAnUnknownOne) {
    add_order("wo_1", "SR-1", "valley-disposal");
    auto foreign = ingest({result("SR-1", "COMPLETED", "", "BH-1")}, "bay-hauling", "body-1");
    auto unknown = ingest({result("SR-404", "COMPLETED", "", "BH-2")}, "bay-hauling", "body-2");
    ASSERT_EQ(foreign.records[0].verdict, Verdict::rejected);
    ASSERT_EQ(unknown.records[0].verdict, Verdict::rejected);
    EXPECT_EQ(foreign.records[0].errors[0].type, "unknown-work-order");
    EXPECT_EQ(unknown.records[0].errors[0].type, "unknown-work-order");
    EXPECT_EQ(foreign.records[0].errors[0].status, unknown.records[0].errors[0].status);
    EXPECT_EQ(order("wo_1").status, "dispatched");
    EXPECT_EQ(count("SELECT COUNT(*) FROM quarantine WHERE problem_type='unknown-work-order'"), 2);
    // The same refused payload again is one entry with two attempts, not a second copy.
    ingest({result("SR-404", "COMPLETED", "", "BH-2")}, "bay-hauling", "body-2");
    EXPECT_EQ(count("SELECT COUNT(*) FROM quarantine WHERE problem_type='unknown-work-order'"), 2);
    EXPECT_EQ(count("SELECT MAX(attempts) FROM quarantine"), 2);
}

TEST_F(IngestTest, AResultAfterCancellationIsRefusedAndQuarantined) {
    add_order("wo_1", "SR-1", "bay-hauling", "cancelled");
    auto report = ingest({result("SR-1", "COMPLETED", "", "BH-1")});
    ASSERT_EQ(report.records[0].verdict, Verdict::rejected);
    EXPECT_EQ(report.records[0].errors[0].type, "work-order-cancelled");
    EXPECT_EQ(report.records[0].errors[0].status, 409);
    EXPECT_EQ(order("wo_1").status, "cancelled");
    EXPECT_EQ(count("SELECT COUNT(*) FROM quarantine"), 1);
}

TEST_F(IngestTest, AVendorReportedCancellationIsATerminalOutcomeNotACityCancellation) {
    add_order("wo_1", "SR-1", "bay-hauling");
    ASSERT_EQ(ingest({result("SR-1", "CANCELLED", "DUPLICATE_REQUEST", "BH-1")}).records[0].verdict,
              Verdict::accepted);
    EXPECT_EQ(order("wo_1").status, "cancelled");
    auto later = ingest({result("SR-1", "COMPLETED", "", "BH-1")});
    EXPECT_EQ(later.records[0].verdict,
              Verdict::conflict);  // kept for review, not "cancelled by the city"
}

TEST_F(IngestTest, RouteLevelEventClosesOnlyOpenStopsWithoutTheirOwnResult) {
    add_order("wo_1", "SR-1", "curbside-coop", "dispatched", "R12", "1");
    add_order("wo_2", "SR-2", "curbside-coop", "dispatched", "R12", "2");
    add_order("wo_3", "SR-3", "curbside-coop", "dispatched", "R12", "3");
    add_order("wo_4", "SR-4", "curbside-coop", "cancelled", "R12", "4");
    add_order("wo_9", "SR-9", "curbside-coop", "dispatched", "R99", "1");
    NormalizedResult route = result("", "NOT_COLLECTED", "ACCESS_BLOCKED", "R12/2026-02-03/*");
    route.route_level = true;
    route.route = RouteRef{"R12", "2026-02-03", "*"};
    // The route-level row comes first in the file, but stop 1 has its own row.
    auto report = ingest({route, result("SR-1", "COMPLETED", "", "R12/2026-02-03/1")},
                         "curbside-coop", "file-1");
    EXPECT_EQ(report.records[0].verdict, Verdict::accepted);
    EXPECT_EQ(report.records[0].work_order_ids.size(), 2u);
    EXPECT_EQ(order("wo_1").status, "completed");
    EXPECT_EQ(order("wo_2").status, "not_collected");
    EXPECT_EQ(order("wo_3").status, "not_collected");
    EXPECT_EQ(order("wo_4").status, "cancelled");
    EXPECT_EQ(order("wo_9").status, "dispatched");
    // The same file uploaded again changes nothing.
    auto again = ingest({route, result("SR-1", "COMPLETED", "", "R12/2026-02-03/1")},
                        "curbside-coop", "file-1");
    EXPECT_EQ(again.records[0].verdict, Verdict::duplicate);
    EXPECT_EQ(again.records[1].verdict, Verdict::duplicate);
    EXPECT_EQ(count("SELECT COUNT(*) FROM outcomes"), 3);
}

TEST_F(IngestTest, NormalizationErrorsAreQuarantinedPerRecordAndGoodRecordsStillCommit) {
    add_order("wo_1", "SR-1", "bay-hauling");
    IngestRequest req;
    req.vendor = "bay-hauling";
    req.source = "vendor:bay-hauling";
    req.mapping_version = "v";
    req.raw.channel = "http";
    req.raw.body = "batch";
    req.normalized.batch = true;
    RecordResult good;
    good.result = result("SR-1", "COMPLETED", "", "BH-1");
    good.result->pointer = "/results/0";
    RecordResult bad;
    bad.errors.push_back(RecordError{"/results/1/exception/code", "exception.code", "unmapped_code",
                                     "code 'ZZZ' has no mapping"});
    req.normalized.records = {good, bad};
    IngestReport report;
    writer_->run_sync([&](store::Transaction& db) { report = apply_ingest(db, ctx_, req); });
    EXPECT_EQ(report.records[0].verdict, Verdict::accepted);
    EXPECT_EQ(report.records[1].verdict, Verdict::rejected);
    EXPECT_EQ(report.records[1].errors[0].pointer, "/results/1/exception/code");
    EXPECT_EQ(count("SELECT COUNT(*) FROM quarantine WHERE "
                    "record_pointer='/results/1/exception/code' AND problem_type='unmapped-code'"),
              1);
    EXPECT_EQ(order("wo_1").status, "completed");
}

TEST_F(IngestTest, MissingEvidenceIsAcceptedButFlagged) {
    add_order("wo_1", "SR-1", "bay-hauling");
    auto r = result("SR-1", "NOT_COLLECTED", "NOT_SET_OUT", "BH-1");
    r.photos.clear();
    r.lat = 37.40;  // ~7 km away
    ASSERT_EQ(ingest({r}).records[0].verdict, Verdict::accepted);
    auto db = reads_->acquire();
    auto q =
        store::sqlite_connection(*db).prepare("SELECT evidence, evidence_complete FROM outcomes");
    ASSERT_TRUE(q->step());
    const auto evidence = nlohmann::json::parse(q->text(0));
    EXPECT_EQ(q->integer(1), 0);
    EXPECT_EQ(evidence["photo"], "missing");
    EXPECT_EQ(evidence["gps"]["within"], false);
    EXPECT_EQ(evidence["time"], "in_window");
}

TEST_F(IngestTest, APayloadRefusedBeforeNormalizationIsKeptRaw) {
    IngestRequest req;
    req.vendor = "bay-hauling";
    req.source = "vendor:bay-hauling";
    req.raw.channel = "http";
    req.raw.body = "{\"ticket_number\":\"x\"}";
    req.refused = ApiError{401,
                           "unauthorized",
                           "Unauthorized",
                           "the API key is not valid",
                           "Authorization",
                           nlohmann::json::object()};
    IngestReport report;
    writer_->run_sync([&](store::Transaction& db) { report = apply_ingest(db, ctx_, req); });
    ASSERT_TRUE(report.payload_error);
    EXPECT_EQ(report.payload_error->status, 401);
    auto db = reads_->acquire();
    auto q = store::sqlite_connection(*db).prepare(
        "SELECT r.body, q.http_status FROM quarantine q JOIN raw_payloads r ON r.id = "
        "q.raw_payload_id");
    ASSERT_TRUE(q->step());
    EXPECT_EQ(q->text(0), req.raw.body);
    EXPECT_EQ(q->integer(1), 401);
}

}  // namespace
}  // namespace fieldgate

namespace fieldgate {
namespace {

TEST(VendorResponses, TheAcceptedJsonReportIsValidJsonWithEveryMember) {
    IngestReport report;
    report.raw_payload_id = 7;
    RecordVerdict a;
    a.index = 0;
    a.pointer = "/results/0";
    a.vendor_ref = "BH-\"1\"\\\n";  // escaping
    a.crm_case_id = "SR-1";
    a.verdict = Verdict::accepted;
    a.outcome_ids = {"oc_1"};
    a.work_order_ids = {"wo_1"};
    RecordVerdict d = a;
    d.index = 1;
    d.verdict = Verdict::duplicate;
    d.route_level = true;
    report.records = {a, d};
    const auto r = render_ingest(ResponseSpec{"json_report", "", ""}, report, "req-\x01");
    ASSERT_EQ(r.status, 200);
    const auto j = nlohmann::json::parse(r.body);
    EXPECT_EQ(j["request_id"], "req-\x01");
    EXPECT_EQ(j["payload_id"], "rp_7");
    EXPECT_EQ(j["accepted"], 1);
    EXPECT_EQ(j["duplicates"], 1);
    EXPECT_EQ(j["rejected"], 0);
    EXPECT_EQ(j["results"][0]["vendor_ref"], "BH-\"1\"\\\n");
    EXPECT_EQ(j["results"][0]["outcome_ids"][0], "oc_1");
    EXPECT_EQ(j["results"][1]["status"], "duplicate");
    EXPECT_EQ(j["results"][1]["route_level"], true);
    EXPECT_FALSE(j["results"][0].contains("route_level"));
}

}  // namespace
}  // namespace fieldgate

namespace fieldgate {
namespace {

// Found by tests/fuzz/mqtt_message_fuzzer.cpp: a payload with a byte that is not UTF-8 inside a
// JSON string. The parser's message quotes the bytes it last read, the adapter's refusal quoted
// the message, and the problem document could not be serialized: the quarantine write threw, so
// the webhook was answered 503 store-unavailable (Bay Hauling retries that forever) and the MQTT
// stop event was dropped.
TEST_F(IngestTest, APayloadThatIsNotUtf8IsRefusedWithAProblemThatCanBeStoredAndSent) {
    const VendorLoader loader(
        LoaderOptions{std::make_shared<const Catalog>(*catalog_), {}, nullptr});
    const auto load = loader.load_folder(test::source_path("vendor_schemas/bay-hauling"));
    ASSERT_TRUE(load.vendor);
    // The fuzzer's input: the document's example with one bit changed in a key ("closed_\xe1t").
    const std::string body =
        "{ \"ticket_number\": \"BH-2026-0203-00417\", \"service_request\": \"SR-2026-118734\", "
        "\"status\": \"Confirmed Negative\", \"exception\": { \"code\": \"NSO\", \"description\": "
        "\"Items not set out at curb\" }, \"service_date\": \"02/03/2026\", \"closed_\xe1"
        "at\": \"2026-02-03T10:42:17-08:00\", \"truck\": { \"id\": \"BH-T117\" } }";
    IngestRequest req;
    req.vendor = "bay-hauling";
    req.source = "vendor:bay-hauling";
    req.mapping_version = load.vendor->spec.mapping_version;
    req.raw.vendor = "bay-hauling";
    req.raw.channel = "http";
    req.raw.received_at = "2026-02-03T19:00:00Z";
    req.raw.body = body;
    req.normalized = load.vendor->adapter->normalize(body);
    ASSERT_TRUE(req.normalized.payload_error);
    prepare_ingest(req);

    IngestReport report;
    ASSERT_NO_THROW(
        writer_->run_sync([&](store::Transaction& db) { report = apply_ingest(db, ctx_, req); }));
    ASSERT_TRUE(report.payload_error);
    EXPECT_EQ(count("SELECT COUNT(*) FROM quarantine"), 1);
    auto db = reads_->acquire();
    auto q = store::sqlite_connection(*db).prepare("SELECT problem FROM quarantine");
    ASSERT_TRUE(q->step());
    const auto problem = nlohmann::json::parse(q->text(0));
    EXPECT_NE(problem.at("detail").get<std::string>().find("\xef\xbf\xbd"), std::string::npos)
        << "the invalid byte is shown as U+FFFD";
    // And the vendor's answer renders.
    const auto answer = render_ingest(load.vendor->spec.response, report, "rq_1");
    EXPECT_EQ(answer.status, 400);
    EXPECT_TRUE(nlohmann::json::parse(answer.body, nullptr, false).is_object()) << answer.body;
}

TEST(ApiError, AProblemDocumentReplacesBytesThatAreNotUtf8) {
    const ApiError e{422,       "invalid-field",
                     "Invalid", "value 'ab\xff\xfe' is not a code",
                     "/x\xc3",  nlohmann::json::object()};
    const auto text = e.to_problem().dump();  // threw type_error 316 before
    const auto j = nlohmann::json::parse(text);
    EXPECT_EQ(j.at("detail"), "value 'ab\xef\xbf\xbd\xef\xbf\xbd' is not a code");
    EXPECT_EQ(j.at("pointer"), "/x\xef\xbf\xbd");
    EXPECT_EQ(valid_utf8("caf\xc3\xa9 ok"), "caf\xc3\xa9 ok");  // valid UTF-8 is kept as it is
}

}  // namespace
}  // namespace fieldgate
