// The CRM simulator reads CloudEvents and Open311 updates, and names what is wrong otherwise.
#include "event_parser.h"

#include <gtest/gtest.h>

namespace fieldgate::crm_sim {
namespace {

const char* kSeq = "00000000000000000007";

nlohmann::json cloudevent() {
    return {{"specversion", "1.0"},
            {"id", "evt_1"},
            {"source", "urn:fieldgate"},
            {"type", "gov.sanjose.workorder.completed"},
            {"subject", "SR-2026-118734"},
            {"time", "2026-02-03T17:04:05Z"},
            {"sequence", kSeq},
            {"data", {{"status", "completed"}}}};
}

nlohmann::json open311() {
    return {{"service_request_id", "SR-2026-118734"},
            {"status", "closed"},
            {"status_notes", "Items collected."},
            {"updated_datetime", "2026-02-03T09:04:05-08:00"},
            {"media_url", nullptr},
            {"external_status_code", "COMPLETED"},
            {"sequence", kSeq}};
}

TEST(EventParser, ReadsAStructuredCloudEvent) {
    for (const char* type : {"application/cloudevents+json; charset=utf-8", "application/json"}) {
        const auto r = parse_event(type, cloudevent().dump());
        ASSERT_TRUE(r.event) << type << ": " << r.problem;
        EXPECT_EQ(r.event->profile, Profile::kCloudEvents);
        EXPECT_EQ(r.event->subject, "SR-2026-118734");
        EXPECT_EQ(r.event->sequence, kSeq);
        EXPECT_EQ(r.event->type_or_status, "gov.sanjose.workorder.completed");
        EXPECT_EQ(r.event->body, cloudevent());
    }
}

TEST(EventParser, ReadsAnOpen311Update) {
    const auto r = parse_event("application/json", open311().dump());
    ASSERT_TRUE(r.event) << r.problem;
    EXPECT_EQ(r.event->profile, Profile::kOpen311);
    EXPECT_EQ(r.event->subject, "SR-2026-118734");
    EXPECT_EQ(r.event->type_or_status, "closed");
    EXPECT_EQ(r.event->sequence, kSeq);
}

TEST(EventParser, RefusesMissingSubjectOrSequence) {
    for (const char* field : {"subject", "sequence", "specversion", "id", "source", "type"}) {
        auto ce = cloudevent();
        ce.erase(field);
        const auto r = parse_event("application/cloudevents+json", ce.dump());
        EXPECT_FALSE(r.event) << field;
        EXPECT_EQ(r.status, 400);
        EXPECT_NE(r.problem.find(field), std::string::npos) << r.problem;
    }
    for (const char* field : {"service_request_id", "status", "sequence"}) {
        auto o = open311();
        o.erase(field);
        const auto r = parse_event("application/json", o.dump());
        EXPECT_FALSE(r.event) << field;
        EXPECT_NE(r.problem.find(field), std::string::npos) << r.problem;
    }
}

TEST(EventParser, SequenceIsTwentyDigitsInAString) {
    for (const nlohmann::json& bad :
         {nlohmann::json(7), nlohmann::json("7"), nlohmann::json("0000000000000000000x"),
          nlohmann::json("000000000000000000007")}) {
        auto ce = cloudevent();
        ce["sequence"] = bad;
        EXPECT_FALSE(parse_event("application/json", ce.dump()).event) << bad.dump();
    }
}

TEST(EventParser, RefusesWhatIsNeitherProfile) {
    EXPECT_EQ(parse_event("application/json", "{not json").problem, "body is not valid JSON");
    EXPECT_FALSE(parse_event("application/json", "[1,2]").event);
    EXPECT_FALSE(parse_event("application/json", R"({"hello":"world"})").event);
    auto o = open311();
    o["status"] = "pending";
    EXPECT_FALSE(parse_event("application/json", o.dump()).event);
    auto ce = cloudevent();
    ce["specversion"] = "0.3";
    EXPECT_FALSE(parse_event("application/json", ce.dump()).event);
    // The CloudEvents media type promises a CloudEvent.
    EXPECT_FALSE(parse_event("application/cloudevents+json", open311().dump()).event);
}

TEST(EventParser, AnswersUnsupportedMediaTypeFor415) {
    const auto r = parse_event("text/plain", cloudevent().dump());
    EXPECT_FALSE(r.event);
    EXPECT_EQ(r.status, 415);
    EXPECT_EQ(parse_event("", cloudevent().dump()).status, 415);
}

}  // namespace
}  // namespace fieldgate::crm_sim
