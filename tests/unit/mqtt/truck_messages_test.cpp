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

}  // namespace
}  // namespace fieldgate::test
