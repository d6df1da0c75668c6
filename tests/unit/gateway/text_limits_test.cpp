// The gateway's side of the text limits: a crew's detail is held to a vendor's detail limit (it
// travels to the CRM the same way), and an event over the CRM profile's body limit is known to
// be one before it is sent.
#include <gtest/gtest.h>

#include "crew_actions.h"
#include "crm_profiles.h"
#include "string_limits.h"

namespace fieldgate {
namespace {

std::string batch_with_detail(const std::string& detail) {
    return nlohmann::json{{"actions",
                           {{{"action_id", "a1"},
                             {"seq", 1},
                             {"work_order_id", "wo_1"},
                             {"type", "not_collected"},
                             {"reason", "OTHER"},
                             {"detail", detail},
                             {"occurred_at", "2026-02-03T17:00:00Z"}}}}}
        .dump();
}

TEST(gateway_TextLimits, ACrewDetailAtTheLimitPassesAndOverItIsRefusedNamingTheField) {
    auto ok = sync::parse_action_batch(batch_with_detail(std::string(kMaxFreeTextLength, 'd')));
    ASSERT_TRUE(std::holds_alternative<sync::ActionBatch>(ok));
    EXPECT_FALSE(std::get<sync::ActionBatch>(ok).actions[0].error);

    auto over =
        sync::parse_action_batch(batch_with_detail(std::string(kMaxFreeTextLength + 1, 'd')));
    ASSERT_TRUE(std::holds_alternative<sync::ActionBatch>(over));
    const auto& error = std::get<sync::ActionBatch>(over).actions[0].error;
    ASSERT_TRUE(error);
    EXPECT_EQ(error->status, 422);
    EXPECT_EQ(error->type, "too-long");
    EXPECT_EQ(error->pointer, "/actions/0/detail");
    EXPECT_NE(error->detail.find("at most 4000"), std::string::npos) << error->detail;

    auto nul = sync::parse_action_batch(batch_with_detail(std::string("a\0b", 3)));
    const auto& nul_error = std::get<sync::ActionBatch>(nul).actions[0].error;
    ASSERT_TRUE(nul_error);
    EXPECT_EQ(nul_error->type, "control-character");
}

TEST(gateway_TextLimits, AnEventOverTheCrmProfilesLimitIsRecognisedBeforeSending) {
    EXPECT_EQ(delivery::max_body_bytes(delivery::CrmProfile::cloudevents), 1024u * 1024u);
    EXPECT_EQ(delivery::max_body_bytes(delivery::CrmProfile::open311), 1024u * 1024u);
    delivery::RenderedEvent e;
    e.max_body_bytes = 10;
    e.body = std::string(10, 'x');
    EXPECT_FALSE(delivery::over_body_limit(e));
    e.body += 'x';
    const auto over = delivery::over_body_limit(e);
    ASSERT_TRUE(over);
    EXPECT_EQ(*over, "not sent: the event is 11 bytes, over the CRM's limit of 10 bytes");
    e.max_body_bytes = 0;  // a push to a vendor: no limit known
    EXPECT_FALSE(delivery::over_body_limit(e));
}

}  // namespace
}  // namespace fieldgate
