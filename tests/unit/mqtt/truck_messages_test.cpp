// What single MQTT messages do, handed to the truck service the way the broker connection does,
// on a real SQLite store without a broker (tests/support/truck_service_rig.h). Regressions from
// tests/fuzz/mqtt_message_fuzzer.cpp.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/temp_dir.h"
#include "support/truck_service_rig.h"
#include "transaction.h"

namespace fieldgate::test {
namespace {

std::vector<store::QuarantineRow> quarantined(TruckServiceRig& rig) {
    auto db = rig.reads().acquire();
    return db->list_quarantine(store::QuarantineFilter{});
}

// Found by the fuzzer: the topic went into the raw payload's headers and the problem document
// as it came, and nlohmann threw on its invalid UTF-8, so the message was neither handled nor
// quarantined (the client logged "not handled" and dropped it).
TEST(TruckMessages, ATopicThatIsNotUtf8IsQuarantinedWithTheBadBytesReplaced) {
    TempDir dir;
    TruckServiceRig rig(dir.path());
    mqtt::Message m;
    m.topic = "fleet/valley-disposal/VD-1/positi\xf5on";
    m.payload = R"({"fixTime":"2026-02-03T18:42:10Z","latitude":37.3,"longitude":-121.8})";
    ASSERT_NO_THROW(rig.handle(m));

    EXPECT_EQ(rig.messages_counted(), 1u);
    const auto rows = quarantined(rig);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].entry.channel, "mqtt");
    EXPECT_EQ(rows[0].entry.problem_type, "invalid-topic");
    const auto problem = nlohmann::json::parse(rows[0].entry.problem_json);
    EXPECT_EQ(problem.at("topic"), "fleet/valley-disposal/VD-1/positi\xef\xbf\xbdon");
}

// Found by the fuzzer: a stop event with a byte that is not UTF-8 in a JSON key. Its refusal
// quoted the parser's message, which quotes the bytes, and could not be stored: the commit
// failed ("not stored") and the QoS 1 message was gone without a trace.
TEST(TruckMessages, AStopEventThatIsNotUtf8IsQuarantined) {
    TempDir dir;
    TruckServiceRig rig(dir.path());
    mqtt::Message m;
    m.topic = "fleet/bay-hauling/BH-T117/stop";
    m.payload =
        "{ \"ticket_number\": \"BH-2026-0203-00417\", \"service_request\": \"SR-2026-118734\", "
        "\"status\": \"Confirmed Negative\", \"closed_\xe1"
        "at\": \"2026-02-03T10:42:17-08:00\", \"truck\": { \"id\": \"BH-T117\" } }";
    m.qos = 1;
    rig.handle(m);
    const auto rows = quarantined(rig);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].entry.channel, "mqtt");
    EXPECT_EQ(rows[0].entry.vendor, "bay-hauling");
    const auto problem = nlohmann::json::parse(rows[0].entry.problem_json);
    EXPECT_NE(problem.at("detail").get<std::string>().find("\xef\xbf\xbd"), std::string::npos);
}

TEST(TruckMessages, AValidUtf8TopicIsRoutedAsItCame) {
    TempDir dir;
    TruckServiceRig rig(dir.path());
    mqtt::Message m;
    m.topic = "fleet/bay-hauling/BH-T117/stätus";  // valid UTF-8, not one of the vendor's kinds
    m.payload = R"({"state":"online"})";
    m.qos = 1;
    rig.handle(m);
    const auto rows = quarantined(rig);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].entry.problem_type, "unknown-topic");
    EXPECT_EQ(nlohmann::json::parse(rows[0].entry.problem_json).at("topic"), m.topic);
}

// Several gateways share one store: a truck another gateway claimed for another vendor, which
// this one has not met (it is not in its memory), is refused here too. The store decides.
TEST(TruckMessages, ATruckTheStoreGivesToAnotherVendorIsRefusedThoughMemoryHasNotMetIt) {
    TempDir dir;
    TruckServiceRig rig(dir.path());
    rig.writer().run_sync([](store::Transaction& db) {
        db.claim_truck("BH-T999", "valley-disposal", "2026-02-03T08:00:00Z");
    });
    mqtt::Message m;
    m.topic = "fleet/bay-hauling/BH-T999/stop";
    m.payload = R"({"ticket_number":"BH-1","service_request":"SR-1"})";
    m.qos = 1;
    rig.handle(m);
    auto rows = quarantined(rig);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].entry.problem_type, "unknown-truck");
    EXPECT_NE(rows[0].entry.problem_json.find("belongs to another vendor"), std::string::npos)
        << rows[0].entry.problem_json;
    EXPECT_EQ(rig.stats().at("stop_events"), 0u);
    EXPECT_EQ(rig.stats().at("quarantined"), 1u);

    // Positions never wait: the first goes with its vendor while the claim is under way; once
    // the store has answered, the truck's positions are refused too.
    m.topic = "fleet/bay-hauling/BH-T998/position";
    m.payload = R"({"deviceId":"BH-T998","fixTime":"2026-02-03T18:42:10Z","latitude":37.3,)"
                R"("longitude":-121.8})";
    m.qos = 0;
    rig.writer().run_sync([](store::Transaction& db) {
        db.claim_truck("BH-T998", "valley-disposal", "2026-02-03T08:00:00Z");
    });
    rig.handle(m);
    EXPECT_EQ(rig.stats().at("positions"), 1u);
    rig.handle(m);
    EXPECT_EQ(rig.stats().at("positions"), 1u);
    rows = quarantined(rig);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_NE(rows[1].entry.problem_json.find("belongs to another vendor"), std::string::npos)
        << rows[1].entry.problem_json;

    // A truck no gateway has met is claimed in the store for the vendor it came under.
    m.topic = "fleet/bay-hauling/BH-T5/status";
    m.payload = R"({"state":"online"})";
    m.qos = 1;
    rig.handle(m);
    auto db = rig.reads().acquire();
    const auto truck = db->find_truck("BH-T5");
    ASSERT_TRUE(truck);
    EXPECT_EQ(truck->vendor, "bay-hauling");
    EXPECT_EQ(truck->state, "online");
    EXPECT_EQ(db->find_truck("BH-T999")->vendor, "valley-disposal");
}

}  // namespace
}  // namespace fieldgate::test
